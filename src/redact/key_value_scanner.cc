#include "redact/key_value_scanner.h"

#include <algorithm>

#include "redact/byte_scan.h"
#include "redact/credentials.h"

namespace taskshare::redact {
namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kMaxKey = 64;
constexpr size_t kMaxBlanksBeforeSeparator = 16;

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}
bool IsQuote(char c) { return c == '"' || c == '\'' || c == '`'; }
bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }

bool EndsUnquotedValue(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
    case '"':
    case '\'':
    case '`':
    case '\\':
    case ',':
    case ';':
    case '&':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '<':
    case '>':
    case '|':
      return true;
    default:
      return false;
  }
}

// A quote as written in the text: a quote character, preceded by a backslash when the text holds
// escaped JSON (\"), in which case it ends only at another backslash-quote.
struct Quote {
  char c = 0;  // 0: none
  bool escaped = false;
  [[nodiscard]] size_t size() const { return c == 0 ? 0 : (escaped ? 2 : 1); }
};

Quote QuoteAt(std::string_view text, size_t i) {
  if (i < text.size() && IsQuote(text[i])) return {text[i], false};
  if (i + 1 < text.size() && text[i] == '\\' && IsQuote(text[i + 1])) return {text[i + 1], true};
  return {};
}

// The quote that ends just before `end` (so at end-1, or end-2..end-1 when escaped).
Quote QuoteBefore(std::string_view text, size_t end) {
  if (end == 0 || !IsQuote(text[end - 1])) return {};
  return {text[end - 1], end >= 2 && text[end - 2] == '\\'};
}

struct Key {
  KeyKind kind = KeyKind::kNone;
  Quote opening;  // the quote just before an unquoted key: a string that the pair lies inside
};

Key KeyBefore(std::string_view text, size_t sep) {
  size_t j = sep;
  while (j > 0 && sep - j < kMaxBlanksBeforeSeparator && (text[j - 1] == ' ' || text[j - 1] == '\t')) --j;
  const Quote closing = QuoteBefore(text, j);
  j -= closing.size();
  const size_t end = j;
  while (j > 0 && end - j < kMaxKey && IsKeyChar(text[j - 1])) --j;
  if (j == end || (j > 0 && IsKeyChar(text[j - 1]))) return {};  // no key, or one too long to be a name
  Key key{ClassifyKey(text.substr(j, end - j)), {}};
  if (closing.c == 0) key.opening = QuoteBefore(text, j);
  return key;
}

// Where the value of a quoted or header value ends: the first of `quote` (if any), a line end or, when
// `stop_at_backslash`, a backslash; kNpos if `limit` bytes pass without one and `limit` is not kNpos.
size_t FindValueEnd(std::string_view text, size_t from, Quote quote, bool stop_at_backslash, size_t limit) {
  const size_t stop = limit == kNpos ? text.size() : std::min(text.size(), from + limit + 1);
  for (size_t i = from; i < stop; ++i) {
    const char c = text[i];
    if (IsLineEnd(c)) return limit == kNpos ? i : kNpos;
    if (quote.c != 0 && !quote.escaped && c == quote.c) return i;
    if (c == '\\' &&
        (stop_at_backslash || (quote.escaped && i + 1 < text.size() && text[i + 1] == quote.c))) {
      return i;
    }
  }
  return limit == kNpos ? stop : kNpos;
}

// Applies the header rule to the value that starts at `from`; returns where scanning resumes.
size_t ScanHeaderValue(std::string_view text, const Key& key, size_t from, std::vector<Span>& out) {
  while (from < text.size() && (text[from] == ' ' || text[from] == '\t')) ++from;
  const Quote quoted = QuoteAt(text, from);
  size_t end;
  if (quoted.c != 0) {
    from += quoted.size();
    end = FindValueEnd(text, from, quoted, quoted.escaped, kNpos);
  } else {
    end = FindValueEnd(text, from, key.opening, true, kNpos);
  }
  FindKeyedValue(key.kind, text, from, end, out);
  return end;
}

// Applies a credential rule to the value that starts at `from`; returns where scanning resumes.
size_t ScanAssignedValue(std::string_view text, KeyKind kind, size_t from, std::vector<Span>& out) {
  while (from < text.size() && (text[from] == ' ' || text[from] == '\t')) ++from;
  if (const Quote quoted = QuoteAt(text, from); quoted.c != 0) {
    const size_t begin = from + quoted.size();
    const size_t end = FindValueEnd(text, begin, quoted, false, kMaxCredentialLength);
    if (end == kNpos) return begin;
    FindKeyedValue(kind, text, begin, end, out);
    return end + quoted.size();
  }
  size_t end = from;
  while (end < text.size() && !EndsUnquotedValue(text[end])) ++end;
  size_t value_end = end;
  while (value_end > from && text[value_end - 1] == '.') --value_end;
  FindKeyedValue(kind, text, from, value_end, out);
  return end;
}

// What the ':' or '=' at text[sep] is: a separator, with where its value may start (`next`), or part of
// an operator (==, !=, <=, >=, ::, ://), with where scanning resumes.
struct Separator {
  bool ok = false;
  bool colon = false;
  size_t next = 0;
};

Separator ReadSeparator(std::string_view text, size_t sep) {
  const char next = sep + 1 < text.size() ? text[sep + 1] : '\0';
  if (text[sep] == ':') {
    if (next == ':') return {false, true, sep + 2};
    if (text.substr(sep, 3) == "://") return {false, true, sep + 3};
    return {true, true, sep + (next == '=' ? 2 : 1)};  // ":" or ":="
  }
  const char prev = sep > 0 ? text[sep - 1] : '\0';
  if (next == '=') return {false, false, sep + 2};
  if (prev == '=' || prev == '!' || prev == '<' || prev == '>') return {false, false, sep + 1};
  return {true, false, sep + (next == '>' ? 2 : 1)};  // "=" or "=>"
}

}  // namespace

bool IsKeyValueSeparator(std::string_view text, size_t sep) {
  const Separator s = ReadSeparator(text, sep);
  if (!s.ok) return false;
  const KeyKind kind = KeyBefore(text, sep).kind;
  return kind != KeyKind::kNone && (s.colon || !IsHeaderKind(kind));
}

void FindKeyValueMatches(std::string_view text, std::vector<Span>& out) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t sep = ByteScan<AnyOf<':', '='>>::Find(text, i);
    if (sep == text.size()) return;
    const Separator s = ReadSeparator(text, sep);
    i = s.next;
    if (!s.ok) continue;
    const Key key = KeyBefore(text, sep);
    if (key.kind == KeyKind::kNone || (IsHeaderKind(key.kind) && !s.colon)) continue;
    const size_t resume = IsHeaderKind(key.kind) ? ScanHeaderValue(text, key, s.next, out)
                                                 : ScanAssignedValue(text, key.kind, s.next, out);
    i = std::max(resume, s.next);
  }
}

}  // namespace taskshare::redact
