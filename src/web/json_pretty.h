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

// Parses `text` as JSON the way the renderer does everywhere: nesting up to 64 levels (stored messages
// were accepted at Boost.JSON's default of 32), UTF-8 checked. nullopt if it is not valid JSON.
std::optional<boost::json::value> ParseJson(std::string_view text);

}  // namespace taskshare::web
