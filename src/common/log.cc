#include "common/log.h"

#include <unistd.h>

#include <cstdint>
#include <string>

#include "common/time.h"

namespace taskshare {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHexByte(std::string& out, unsigned char c) {
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

// The length of the valid UTF-8 sequence at the start of `s` (2 to 4 bytes, its first byte >= 0x80),
// with its code point in `cp`; 0 if it is not one (a stray continuation byte, an overlong form, a
// surrogate, a code point past U+10FFFF, or a sequence cut short).
std::size_t Utf8Sequence(std::string_view s, std::uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[0]);
  const std::size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                        : c >= 0xE0 && c <= 0xEF ? 3
                        : c >= 0xF0 && c <= 0xF4 ? 4
                                                 : 0;
  if (n == 0 || n > s.size()) return 0;
  cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto next = static_cast<unsigned char>(s[k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3F);
  }
  const std::uint32_t smallest = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string EscapeLogText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '\\') out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
      ++i;
    } else if (c < 0x80) {
      AppendHexByte(out, c);
      ++i;
    } else {
      std::uint32_t cp = 0;
      const std::size_t n = Utf8Sequence(text.substr(i), cp);
      if (n == 0) {
        AppendHexByte(out, c);
        ++i;
      } else if (cp <= 0x9F || cp == 0x2028 || cp == 0x2029) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
        i += n;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
    }
  }
  return out;
}

void Log(std::string_view level, std::string_view message) {
  std::string line = FormatRfc3339(NowMicros());
  line += ' ';
  line += level;
  line += ' ';
  line += EscapeLogText(message);
  line += '\n';
  // A short write to stderr is not worth failing a request over.
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace taskshare
