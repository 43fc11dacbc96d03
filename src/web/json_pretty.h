// Pretty-printing of JSON text for display. Works on the source text rather than on a Boost.JSON DOM,
// so that numbers and strings are shown exactly as they were sent (1.50 stays 1.50, "\u00e9" stays
// as written). Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace taskshare::web {

// `json` (which must be valid JSON text) re-indented by two spaces a level, one member or element a
// line, with empty objects and arrays kept as {} and []. Plain text: escape it before display.
// Linear time; indentation stops growing past 32 levels, so the text is at most about 34 times the size
// of `json` (a long array of one-digit numbers, 32 levels deep).
std::string PrettyJson(std::string_view json);

// Bounds on a pretty-printed text: the renderer's byte budget, and a cap on lines that keeps a value
// with millions of tiny members from becoming millions of lines of page.
struct PrettyLimits {
  size_t max_bytes = std::numeric_limits<size_t>::max();
  size_t max_lines = std::numeric_limits<size_t>::max();
};

struct PrettyText {
  std::string text;
  // The bytes of the source that `text` shows: json.size() when it shows all of it. Otherwise `text`
  // ends before the first token that would have passed a limit, and the source from `shown` on is not
  // in it.
  size_t shown = 0;
  [[nodiscard]] bool whole(std::string_view json) const { return shown >= json.size(); }
};

// PrettyJson(json), stopped before the first token that would make the text longer than
// limits.max_bytes or take more than limits.max_lines lines. Time linear in what it shows.
PrettyText PrettyJson(std::string_view json, const PrettyLimits& limits);

// Parses `text` as JSON the way the renderer does everywhere: nesting up to kMaxJsonDepth levels
// (domain/json_reader.h), the limit every stored message was accepted under, UTF-8 checked. nullopt if
// it is not valid JSON or nests deeper.
std::optional<boost::json::value> ParseJson(std::string_view text);

}  // namespace taskshare::web
