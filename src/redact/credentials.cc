#include "redact/credentials.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "common/strings.h"

namespace taskshare::redact {
namespace {

// The names ClassifyKey knows, in the order it tries them: header names, which the normalized key must
// equal, then suffixes, which it must end with.
struct KeyName {
  std::string_view name;
  KeyKind kind;
  bool whole;  // the key must be the name itself, not merely end with it
};
constexpr std::array<KeyName, 18> kKeyNames = {{
    {"authorization", KeyKind::kAuthorization, true},
    {"proxyauthorization", KeyKind::kAuthorization, true},
    {"cookie", KeyKind::kCookie, true},
    {"setcookie", KeyKind::kCookie, true},
    {"secretaccesskey", KeyKind::kAwsSecret, false},
    {"awssecretkey", KeyKind::kAwsSecret, false},
    {"password", KeyKind::kCredential, false},
    {"passwd", KeyKind::kCredential, false},
    {"passphrase", KeyKind::kCredential, false},
    {"secret", KeyKind::kCredential, false},
    {"token", KeyKind::kCredential, false},
    {"apikey", KeyKind::kCredential, false},
    {"accesskey", KeyKind::kCredential, false},
    {"secretkey", KeyKind::kCredential, false},
    {"privatekey", KeyKind::kCredential, false},
    {"signingkey", KeyKind::kCredential, false},
    {"credential", KeyKind::kCredential, false},
    {"credentials", KeyKind::kCredential, false},
}};

// A key shorter than every name cannot end with one.
constexpr size_t kShortestKeyName =
    std::min_element(kKeyNames.begin(), kKeyNames.end(), [](const KeyName& a, const KeyName& b) {
      return a.name.size() < b.name.size();
    })->name.size();

// For each byte, the names whose byte `from_end` places before their end is that byte (bit k for
// kKeyNames[k]). ClassifyKey runs for every key of every JSON message and every separator in free text,
// and most keys are ruled out by their last two bytes.
constexpr std::array<uint32_t, 256> NamesByByteFromEnd(size_t from_end) {
  std::array<uint32_t, 256> table{};
  for (size_t k = 0; k < kKeyNames.size(); ++k) {
    const std::string_view name = kKeyNames[k].name;
    table[static_cast<unsigned char>(name[name.size() - 1 - from_end])] |= uint32_t{1} << k;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kNamesByLastByte = NamesByByteFromEnd(0);
constexpr std::array<uint32_t, 256> kNamesBySecondLastByte = NamesByByteFromEnd(1);

constexpr std::array<std::string_view, 15> kAuthSchemes = {
    "basic", "bearer", "digest", "token", "bot",   "negotiate", "ntlm", "aws4-hmac-sha256",
    "hoba",  "mutual", "apikey", "key",   "oauth", "dpop",      "ssws",
};

// Longer keys are compared by their last kMaxKeyTail normalized characters, which decide a suffix; a
// header name that long cannot be an exact match anyway.
constexpr size_t kMaxKeyTail = 64;
constexpr size_t kMaxSchemeLength = 16;  // "aws4-hmac-sha256"

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsPlaceholder(std::string_view v) {
  if (v.empty()) return false;
  if (v.starts_with("${") || v.starts_with("$(") || v.starts_with("{{") || v.starts_with("%(")) return true;
  if (v.front() == '<' && v.back() == '>') return true;
  if (v.size() > 2 && v.front() == '%' && v.back() == '%') return true;
  if (v.find("[REDACTED:") != std::string_view::npos) return true;
  if (v.front() == '$') {  // $NAME: a variable, not its value
    return std::all_of(v.begin() + 1, v.end(), [](char c) { return IsLetter(c) || IsDigit(c) || c == '_'; });
  }
  return false;
}

// Byte by byte from the end rather than memcmp: the last bytes usually differ.
bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t k = 1; k <= suffix.size(); ++k) {
    if (s[s.size() - k] != suffix[suffix.size() - k]) return false;
  }
  return true;
}

bool IsAuthScheme(std::string_view word) {
  if (word.size() > kMaxSchemeLength) return false;
  return std::find(kAuthSchemes.begin(), kAuthSchemes.end(), AsciiLower(word)) != kAuthSchemes.end();
}

}  // namespace

KeyKind ClassifyKey(std::string_view key) {
  if (key.size() < kShortestKeyName) return KeyKind::kNone;  // "id", "role", "type", "text", ...
  // The normalized key's last kMaxKeyTail characters, written from the end of `buf` backwards.
  std::array<char, kMaxKeyTail> buf;
  size_t n = 0;
  bool truncated = false;
  for (size_t i = key.size(); i-- > 0;) {
    const char c = key[i];
    if (c == '_' || c == '-' || c == '.' || c == ' ') continue;
    if (n == kMaxKeyTail) {
      truncated = true;
      break;
    }
    buf[kMaxKeyTail - ++n] = AsciiLower(c);
    if (n == 2 && (kNamesByLastByte[static_cast<unsigned char>(buf[kMaxKeyTail - 1])] &
                   kNamesBySecondLastByte[static_cast<unsigned char>(buf[kMaxKeyTail - 2])]) == 0) {
      return KeyKind::kNone;
    }
  }
  if (n == 0) return KeyKind::kNone;
  const std::string_view norm(buf.data() + kMaxKeyTail - n, n);
  for (uint32_t names = kNamesByLastByte[static_cast<unsigned char>(norm.back())]; names != 0;
       names &= names - 1) {
    const KeyName& candidate = kKeyNames[std::countr_zero(names)];
    const bool match =
        candidate.whole ? !truncated && norm == candidate.name : EndsWith(norm, candidate.name);
    if (match) return candidate.kind;
  }
  return KeyKind::kNone;
}

double EntropyBitsPerChar(std::string_view value) {
  if (value.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  std::array<uint64_t, 4> present{};  // the bytes that occur, so that only they are visited below
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    ++counts[c];
    present[c >> 6] |= uint64_t{1} << (c & 63);
  }
  double bits = 0;
  const auto n = static_cast<double>(value.size());
  // In increasing byte order, the order of a plain loop over `counts`: the sum is the same to the bit.
  for (size_t word = 0; word < present.size(); ++word) {
    for (uint64_t bytes = present[word]; bytes != 0; bytes &= bytes - 1) {
      const double p = counts[word * 64 + static_cast<size_t>(std::countr_zero(bytes))] / n;
      bits -= p * std::log2(p);
    }
  }
  return bits;
}

bool IsCredentialValue(std::string_view value) {
  if (value.size() < kMinCredentialLength || value.size() > kMaxCredentialLength) return false;
  bool letter = false;
  bool digit_or_symbol = false;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return false;
    if (IsLetter(ch)) {
      letter = true;
    } else if (c < 0x80 && ch != '.' && ch != '_' && ch != '-' && ch != '/' && ch != ':') {
      digit_or_symbol = true;  // a digit, or punctuation other than that of names, paths and URLs
    }
  }
  return letter && digit_or_symbol && !IsPlaceholder(value) &&
         EntropyBitsPerChar(value) >= kMinEntropyBitsPerChar;
}

bool IsAwsSecretKeyShape(std::string_view value) {
  return value.size() == 40 && std::all_of(value.begin(), value.end(), [](char c) {
           return IsLetter(c) || IsDigit(c) || c == '/' || c == '+';
         });
}

void FindKeyedValue(KeyKind kind, std::string_view text, size_t begin, size_t end, std::vector<Span>& out) {
  if (kind == KeyKind::kNone) return;  // every string of a JSON message comes here
  while (begin < end && IsBlank(text[begin])) ++begin;
  while (end > begin && IsBlank(text[end - 1])) --end;
  if (begin == end) return;
  const std::string_view value = text.substr(begin, end - begin);
  switch (kind) {
    case KeyKind::kNone:
      return;
    case KeyKind::kAuthorization: {
      const size_t word_end = value.find_first_of(" \t");
      if (IsAuthScheme(value.substr(0, word_end))) {
        if (word_end == std::string_view::npos) return;  // the scheme alone
        size_t rest = word_end;
        while (rest < value.size() && IsBlank(value[rest])) ++rest;
        begin += rest;
      }
      if (!IsPlaceholder(text.substr(begin, end - begin)))
        out.push_back({begin, end, Rule::kAuthorizationHeader});
      return;
    }
    case KeyKind::kCookie:
      if (!IsPlaceholder(value)) out.push_back({begin, end, Rule::kCookieHeader});
      return;
    case KeyKind::kAwsSecret:
      if (IsAwsSecretKeyShape(value)) {
        out.push_back({begin, end, Rule::kAwsSecretAccessKey});
        return;
      }
      [[fallthrough]];
    case KeyKind::kCredential:
      if (IsCredentialValue(value)) out.push_back({begin, end, Rule::kCredentialAssignment});
      return;
  }
}

}  // namespace taskshare::redact
