#include "redact/credentials.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace taskshare::redact {
namespace {

constexpr std::array<std::string_view, 12> kCredentialSuffixes = {
    "password",  "passwd",    "passphrase", "secret",     "token",      "apikey",
    "accesskey", "secretkey", "privatekey", "signingkey", "credential", "credentials",
};

constexpr std::array<std::string_view, 15> kAuthSchemes = {
    "basic", "bearer", "digest", "token", "bot",   "negotiate", "ntlm", "aws4-hmac-sha256",
    "hoba",  "mutual", "apikey", "key",   "oauth", "dpop",      "ssws",
};

// Longer keys are compared by their last kMaxKeyTail normalized characters, which decide a suffix; a
// header name that long cannot be an exact match anyway.
constexpr size_t kMaxKeyTail = 64;
constexpr size_t kMaxSchemeLength = 16;  // "aws4-hmac-sha256"

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
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

bool IsAuthScheme(std::string_view word) {
  if (word.size() > kMaxSchemeLength) return false;
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(), Lower);
  return std::find(kAuthSchemes.begin(), kAuthSchemes.end(), lower) != kAuthSchemes.end();
}

}  // namespace

KeyKind ClassifyKey(std::string_view key) {
  std::string norm;  // the normalized key's last kMaxKeyTail characters, reversed at first
  bool truncated = false;
  for (size_t i = key.size(); i-- > 0;) {
    const char c = key[i];
    if (c == '_' || c == '-' || c == '.' || c == ' ') continue;
    if (norm.size() == kMaxKeyTail) {
      truncated = true;
      break;
    }
    norm += Lower(c);
  }
  std::reverse(norm.begin(), norm.end());
  if (!truncated) {
    if (norm == "authorization" || norm == "proxyauthorization") return KeyKind::kAuthorization;
    if (norm == "cookie" || norm == "setcookie") return KeyKind::kCookie;
  }
  const std::string_view n = norm;
  if (n.ends_with("secretaccesskey") || n.ends_with("awssecretkey")) return KeyKind::kAwsSecret;
  for (std::string_view suffix : kCredentialSuffixes) {
    if (n.ends_with(suffix)) return KeyKind::kCredential;
  }
  return KeyKind::kNone;
}

double EntropyBitsPerChar(std::string_view value) {
  if (value.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  for (char c : value) ++counts[static_cast<unsigned char>(c)];
  double bits = 0;
  const auto n = static_cast<double>(value.size());
  for (uint32_t count : counts) {
    if (count == 0) continue;
    const double p = count / n;
    bits -= p * std::log2(p);
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
