#include "redact/private_keys.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace taskshare::redact {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";
constexpr size_t kMaxLabel = 64;
constexpr size_t kMinBodyRun = 16;
constexpr std::array<std::string_view, 6> kArmorHeaders = {
    "Proc-Type:", "DEK-Info:", "Version:", "Comment:", "Hash:", "Charset:"};

bool IsLabelChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' '; }

bool IsBase64(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '=';
}

// If `text` at `pos` is `prefix` + a private-key label + "-----", the index just past it; else npos.
size_t ArmorLineEnd(std::string_view text, size_t pos, std::string_view prefix) {
  size_t i = pos + prefix.size();
  const size_t label_begin = i;
  while (i < text.size() && i - label_begin < kMaxLabel && IsLabelChar(text[i])) ++i;
  const std::string_view label = text.substr(label_begin, i - label_begin);
  if (!label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK")) return std::string_view::npos;
  return text.substr(i).starts_with(kDashes) ? i + kDashes.size() : std::string_view::npos;
}

// The first occurrence of a needle at or after a position, remembered: the scanner asks with positions
// that only grow, so each byte is searched at most once however many BEGIN lines have no END. The
// search looks for the byte after the needle's leading dashes ('B', 'E'), which is rare, rather than
// for its first: dashes are everywhere (UUIDs, dates, command-line options, Markdown rules).
class NextOccurrence {
 public:
  NextOccurrence(std::string_view text, std::string_view needle) : text_(text), needle_(needle) {}
  size_t From(size_t pos) {
    if (!searched_ || (found_ != std::string_view::npos && found_ < pos)) {
      found_ = Search(pos);
      searched_ = true;
    }
    return found_;
  }

 private:
  static constexpr size_t kAnchor = kDashes.size();

  [[nodiscard]] size_t Search(size_t pos) const {
    for (size_t i = pos + kAnchor; i < text_.size(); ++i) {
      const void* hit = std::memchr(text_.data() + i, needle_[kAnchor], text_.size() - i);
      if (hit == nullptr) break;
      i = static_cast<size_t>(static_cast<const char*>(hit) - text_.data());
      if (text_.substr(i - kAnchor).starts_with(needle_)) return i - kAnchor;
    }
    return std::string_view::npos;
  }

  std::string_view text_;
  std::string_view needle_;
  bool searched_ = false;
  size_t found_ = std::string_view::npos;
};

// Skips one line break (real, or written \n / \r) and the blanks around it; returns `i` if none.
size_t SkipLineBreak(std::string_view text, size_t i) {
  size_t j = i;
  bool broke = false;
  while (j < text.size()) {
    const char c = text[j];
    if (c == '\n' || c == '\r') {
      broke = true;
      ++j;
    } else if (c == '\\' && j + 1 < text.size() && (text[j + 1] == 'n' || text[j + 1] == 'r')) {
      broke = true;
      j += 2;
    } else if (c == ' ' || c == '\t') {
      ++j;
    } else {
      break;
    }
  }
  return broke ? j : i;
}

// The end of the body lines that follow a BEGIN line whose block has no END (see the header).
size_t TruncatedBodyEnd(std::string_view text, size_t header_end) {
  size_t last = header_end;
  while (true) {
    const size_t line = SkipLineBreak(text, last);
    if (line == last) return last;
    size_t r = line;
    while (r < text.size() && IsBase64(text[r])) ++r;
    if (r - line >= kMinBodyRun || (r > line && text[r - 1] == '=')) {
      last = r;
      continue;
    }
    const std::string_view rest = text.substr(line);
    const bool header = std::any_of(kArmorHeaders.begin(), kArmorHeaders.end(),
                                    [&](std::string_view h) { return rest.starts_with(h); });
    if (!header) return last;
    r = line;
    while (r < text.size() && text[r] != '\n' && text[r] != '\r' && text[r] != '\\') ++r;
    last = r;
  }
}

}  // namespace

void FindPrivateKeys(std::string_view text, std::vector<Span>& out) {
  NextOccurrence next_begin(text, kBegin);
  NextOccurrence next_end(text, kEnd);
  size_t pos = 0;
  while (true) {
    const size_t begin = next_begin.From(pos);
    if (begin == std::string_view::npos) return;
    const size_t header_end = ArmorLineEnd(text, begin, kBegin);
    if (header_end == std::string_view::npos) {
      pos = begin + 1;
      continue;
    }
    const size_t end = next_end.From(header_end);
    const size_t following = next_begin.From(header_end);
    size_t stop = std::string_view::npos;
    if (end != std::string_view::npos && end < following) stop = ArmorLineEnd(text, end, kEnd);
    if (stop == std::string_view::npos) stop = TruncatedBodyEnd(text, header_end);
    out.push_back({begin, stop, Rule::kPrivateKey});
    pos = stop;
  }
}

}  // namespace taskshare::redact
