// Decodings of a text, each with a map back to the bytes it came from, so that a match found in what
// a reader would decode can be replaced in the text as stored. Each undoes one layer of one encoding
// and keeps every byte that is not a valid escape of it as it is. Linear in the text. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// A decoded text: its bytes, and for each the bytes [begin, end) of the source text it came from.
struct Decoded {
  std::string bytes;
  std::vector<std::pair<uint32_t, uint32_t>> from;

  void Add(std::string_view piece, size_t begin, size_t end) {
    for (char c : piece) {
      bytes += c;
      from.emplace_back(static_cast<uint32_t>(begin), static_cast<uint32_t>(end));
    }
  }

  // Appends `spans` (offsets into `bytes`) to `out` as offsets into the source text, each covering
  // every escape its bytes came from.
  void MapBack(const std::vector<Span>& spans, std::vector<Span>& out) const {
    for (const Span& s : spans) {
      if (s.begin < s.end) out.push_back({from[s.begin].first, from[s.end - 1].second, s.rule});
    }
  }
};

// Percent-decoding (a URL, a form body), with hex digits of either case: "%2f", "%2F", and text of
// which every character is encoded ("%61%62"), all decode. '+' becomes a space if `plus_is_space` (as
// an HTML form writes spaces), else stays '+'.
Decoded PercentDecoded(std::string_view text, bool plus_is_space);

// The escapes of a JSON string undone (\", \\, \/, \n and the like, \u0041 with hex digits of either
// case, surrogate pairs), as in JSON text that was itself put in a string. A \u escape of a lone
// surrogate decodes to U+FFFD; a malformed escape is kept as written.
Decoded JsonUnescaped(std::string_view text);

// The text as markdown (CommonMark) shows it outside code: a backslash before ASCII punctuation
// dropped ("neo\\_sk\\_"), and character references decoded: decimal ("&#65;") and hexadecimal
// ("&#x41;", either case) ones, and the named references of ASCII punctuation ("&lowbar;", "&amp;").
Decoded MarkupDecoded(std::string_view text);

// True if MarkupDecoded would decode anything in `text`. Allocates nothing for text without '\\' or
// '&'.
bool HoldsMarkup(std::string_view text);

}  // namespace taskshare::redact
