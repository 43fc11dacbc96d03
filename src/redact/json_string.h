// Decoding the content of a JSON string token, with a map back to the source text so that a
// replacement can be spliced into the token while every untouched escape stays as it was written.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// The value of the hex digit `c` (either case), or -1.
int HexValue(char c);

// Writes the UTF-8 encoding of `cp` (at most U+10FFFF) to `bytes`; returns its length (1 to 4).
size_t EncodeUtf8(uint32_t cp, std::array<char, 4>& bytes);

// One character or escape of a JSON string's content at raw[i]: its decoding in bytes[0, size) and
// where the next one starts; next == kBadEscape if the escape is malformed. A \u escape of a lone
// surrogate decodes to U+FFFD.
struct JsonUnit {
  size_t next;
  size_t size;
  std::array<char, 4> bytes;
};
inline constexpr size_t kBadEscape = static_cast<size_t>(-1);
JsonUnit DecodeJsonUnit(std::string_view raw, size_t i);

// Decodes `raw`, the bytes between a string token's quotes, into `out` (cleared first). A \u escape of
// a lone surrogate decodes to U+FFFD. Returns false if `raw` has a malformed escape (then `out` is
// unspecified).
bool DecodeJsonString(std::string_view raw, std::string& out);

// Moves `spans`, normalized offsets into the decoding of `raw` (which DecodeJsonString accepted), to
// offsets into `raw` itself: each span grows to whole characters and escapes of `raw`, and spans that
// come to overlap are merged. One pass over `raw`, no allocation proportional to it.
void MapSpansToRaw(std::string_view raw, std::vector<Span>& spans);

}  // namespace taskshare::redact
