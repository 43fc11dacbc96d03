// Pretty-printing of JSON text for display. Works on the source text rather than on a Boost.JSON DOM,
// so that numbers and strings are shown exactly as they were sent (1.50 stays 1.50, "\u00e9" stays
// as written). Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace taskshare::web {

// `json` (which must be valid JSON text) re-indented by two spaces a level, one member or element a
// line, with empty objects and arrays kept as {} and []. Plain text: escape it before display.
// Linear time; indentation stops growing past 32 levels.
std::string PrettyJson(std::string_view json);

// Parses `text` as JSON the way the renderer does everywhere: nesting up to kMaxJsonDepth levels
// (domain/json_reader.h), the limit every stored message was accepted under, UTF-8 checked. nullopt if
// it is not valid JSON or nests deeper.
std::optional<boost::json::value> ParseJson(std::string_view text);

}  // namespace taskshare::web
