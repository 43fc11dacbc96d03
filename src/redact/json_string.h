// Decoding the content of a JSON string token, with a map back to the source text so that a
// replacement can be spliced into the token while every untouched escape stays as it was written.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// Decodes `raw`, the bytes between a string token's quotes, into `out` (cleared first). A \u escape of
// a lone surrogate decodes to U+FFFD. Returns false if `raw` has a malformed escape (then `out` is
// unspecified).
bool DecodeJsonString(std::string_view raw, std::string& out);

// Moves `spans`, normalized offsets into the decoding of `raw` (which DecodeJsonString accepted), to
// offsets into `raw` itself: each span grows to whole characters and escapes of `raw`, and spans that
// come to overlap are merged. One pass over `raw`, no allocation proportional to it.
void MapSpansToRaw(std::string_view raw, std::vector<Span>& spans);

}  // namespace taskshare::redact
