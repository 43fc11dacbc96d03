#include "api/target.h"

#include <algorithm>
#include <cstdint>

namespace taskshare::api {
namespace {

// Character classes of RFC 3986 that a target may hold: pchar (unreserved, sub-delims, ':' and '@';
// '%' only as the start of an escape, checked apart), and '/' and '?' where they are allowed.
enum : std::uint8_t { kPathChar = 1, kQueryChar = 2 };

constexpr std::array<std::uint8_t, 256> MakeClasses() {
  std::array<std::uint8_t, 256> classes{};
  auto add = [&classes](unsigned char c, std::uint8_t bits) { classes[c] |= bits; };
  for (char c = 'a'; c <= 'z'; ++c) add(c, kPathChar | kQueryChar);
  for (char c = 'A'; c <= 'Z'; ++c) add(c, kPathChar | kQueryChar);
  for (char c = '0'; c <= '9'; ++c) add(c, kPathChar | kQueryChar);
  for (char c : std::string_view("-._~!$&'()*+,;=:@")) add(c, kPathChar | kQueryChar);
  add('/', kQueryChar);  // the path's '/' separates segments; in a query it is a character
  add('?', kQueryChar);
  return classes;
}

constexpr std::array<std::uint8_t, 256> kClasses = MakeClasses();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True if every character of `text` is of class `bit` or starts a well-formed percent-escape.
bool AllOf(std::string_view text, std::uint8_t bit) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((kClasses[c] & bit) != 0) continue;
    if (c != '%' || i + 2 >= text.size() || HexValue(text[i + 1]) < 0 || HexValue(text[i + 2]) < 0) {
      return false;
    }
    i += 2;
  }
  return true;
}

}  // namespace

Target::Target(std::string_view target) {
  if (target.empty() || target.front() != '/') return;
  // One pass over the path: check its characters and note where its segments end.
  std::array<std::size_t, kMaxSegments + 1> ends{};
  std::size_t count = 0;
  bool escapes = false;
  std::size_t i = 1;
  for (; i < target.size(); ++i) {
    const auto c = static_cast<unsigned char>(target[i]);
    if ((kClasses[c] & kPathChar) != 0) continue;  // most characters: one load and one branch
    if (c == '/') {
      if (count < ends.size()) ends[count] = i;
      ++count;
    } else if (c == '?') {
      break;
    } else if (c == '%' && i + 2 < target.size() && HexValue(target[i + 1]) >= 0 &&
               HexValue(target[i + 2]) >= 0) {
      escapes = true;
      i += 2;
    } else {
      return;
    }
  }
  const std::string_view path = target.substr(0, i);
  if (count < ends.size()) ends[count] = i;
  ++count;
  if (i < target.size()) {
    if (!AllOf(target.substr(i + 1), kQueryChar)) return;
    has_query_ = true;
    query_ = target.substr(i + 1);
  }
  valid_ = true;
  if (path.size() == 1) return;  // "/": the root has no segment
  if (escapes) {
    if (path.size() <= inline_.size()) {
      decoded_ = inline_.data();
    } else {
      overflow_.resize(path.size());
      decoded_ = overflow_.data();
    }
  }
  // Boost.URL reads a leading "/./" as no segment (it is how a path that begins with "//" is written
  // where "//" would start an authority), and so does this.
  std::size_t first = 0;
  if (count > 1 && path.starts_with("/./")) first = 1;
  const std::size_t kept = std::min(count, ends.size());
  for (std::size_t k = first; k < kept && size_ < kMaxSegments; ++k) {
    const std::size_t begin = k == 0 ? 1 : ends[k - 1] + 1;
    const std::string_view segment = path.substr(begin, ends[k] - begin);
    if (escapes) {
      Add(segment);
    } else {
      segments_[size_++] = segment;
    }
  }
  // A path of more segments than are kept matches no route; with "/./" dropped, one more may fit.
  if (count - first > kMaxSegments) size_ = kMaxSegments + 1;
}

void Target::Add(std::string_view encoded) {
  if (encoded.find('%') == std::string_view::npos) {
    segments_[size_++] = encoded;
    return;
  }
  char* const begin = decoded_;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%') {
      *decoded_++ = static_cast<char>(HexValue(encoded[i + 1]) * 16 + HexValue(encoded[i + 2]));
      i += 2;
    } else {
      *decoded_++ = encoded[i];
    }
  }
  segments_[size_++] = std::string_view(begin, static_cast<std::size_t>(decoded_ - begin));
}

}  // namespace taskshare::api
