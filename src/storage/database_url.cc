#include "storage/database_url.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/strings.h"

namespace taskshare {
namespace {

constexpr std::string_view kMask = "***";

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
// The blanks libpq skips between key/value pairs.
bool IsBlank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

int HexValue(char c) { return IsAlpha(c) ? AsciiLower(c) - 'a' + 10 : c - '0'; }

// Whether a parameter named `key` holds a secret: libpq's password and sslpassword, and, since masking
// a harmless value costs nothing while missing a secret leaks it, any other name containing "pass".
bool IsSecretKey(std::string_view key) { return AsciiLower(key).find("pass") != std::string::npos; }

// Whether `text` holds no control character and every '%' in it starts a two-digit escape (libpq
// refuses any other '%'). Other characters, even those RFC 3986 wants encoded (a space, '"', '#'),
// libpq takes as they are, and so does this reading.
bool IsCleanUriText(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == '%') {
      if (i + 2 >= text.size() || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) return false;
      i += 2;
    }
  }
  return true;
}

// `text` percent-decoded; IsCleanUriText(text) holds.
std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The query `query` (after '?') with secret values masked; nullopt if a parameter has no '='.
std::optional<std::string> MaskedQuery(std::string_view query) {
  std::string out;
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    const std::string_view key = param.substr(0, eq);
    out +=
        IsSecretKey(PercentDecoded(key)) ? std::string(key) + "=" + std::string(kMask) : std::string(param);
    if (amp == std::string_view::npos) return out;
    out += '&';
    query.remove_prefix(amp + 1);
  }
}

// `rest`, what follows "scheme://", with its secrets masked; nullopt if it is not read with certainty.
// As libpq reads it: user information up to the first '@' if one comes before any '/' (the password
// after its first ':'), then hosts and the database name up to the first '?', then the query. An '@'
// left before that '?' means a password holding '@' or '/', of which libpq would take a part for a
// host, a port or the database name, and which would otherwise be shown in part.
std::optional<std::string> MaskedUriRest(std::string_view rest) {
  if (!IsCleanUriText(rest)) return std::nullopt;
  std::string out;
  std::size_t host = 0;
  if (const std::size_t at = rest.find_first_of("@/"); at != std::string_view::npos && rest[at] == '@') {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    out += colon == std::string_view::npos ? std::string(userinfo)
                                           : std::string(userinfo.substr(0, colon + 1)) + std::string(kMask);
    out += '@';
    host = at + 1;
  }
  const std::size_t question = std::min(rest.find('?', host), rest.size());
  const std::string_view hosts_and_database = rest.substr(host, question - host);
  if (hosts_and_database.find('@') != std::string_view::npos) return std::nullopt;
  out += hosts_and_database;
  if (question == rest.size()) return out;
  std::optional<std::string> query = MaskedQuery(rest.substr(question + 1));
  if (!query) return std::nullopt;
  return out + "?" + *query;
}

// `url` (a URL: "scheme://" at `scheme_end`) masked; nullopt if it is not read with certainty.
std::optional<std::string> MaskedUri(std::string_view url, std::size_t scheme_end) {
  const std::size_t rest = scheme_end + 3;  // past "://"
  std::optional<std::string> masked = MaskedUriRest(url.substr(rest));
  if (!masked) return std::nullopt;
  return std::string(url.substr(0, rest)) + *masked;
}

// The end of the value that starts at text[i] in a libpq key/value string: past the closing quote of
// a quoted value, else at the next blank; a backslash escapes the byte after it. nullopt if a quote or
// an escape is left open.
std::optional<std::size_t> ValueEnd(std::string_view text, std::size_t i) {
  const bool quoted = i < text.size() && text[i] == '\'';
  if (quoted) ++i;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) return std::nullopt;
      i += 2;
      continue;
    }
    if (quoted && c == '\'') return i + 1;
    if (!quoted && IsBlank(c)) return i;
    ++i;
  }
  if (quoted) return std::nullopt;
  return i;
}

// A key/value connection string (libpq's grammar: keyword, optional blanks, '=', optional blanks,
// value) with secret values masked; nullopt if it does not follow that grammar.
std::optional<std::string> MaskedKeyValues(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  const auto copy_blanks = [&] {
    while (i < text.size() && IsBlank(text[i])) out += text[i++];
  };
  while (true) {
    copy_blanks();
    if (i == text.size()) return out;
    const std::size_t key_begin = i;
    while (i < text.size() && !IsBlank(text[i]) && text[i] != '=') ++i;
    const std::string_view key = text.substr(key_begin, i - key_begin);
    out += key;
    copy_blanks();
    if (key.empty() || i == text.size() || text[i] != '=') return std::nullopt;
    out += text[i++];
    copy_blanks();
    const std::optional<std::size_t> end = ValueEnd(text, i);
    if (!end) return std::nullopt;
    const std::string_view value = text.substr(i, *end - i);
    if (IsSecretKey(key)) {
      out += kMask;
    } else if (value.find("://") != std::string_view::npos) {
      // A URL as a value (dbname=postgresql://...) carries secrets of its own.
      const bool quoted = value.starts_with('\'');
      const std::string_view inner = quoted ? value.substr(1, value.size() - 2) : value;
      out += quoted ? "'" + UrlForLogs(inner) + "'" : UrlForLogs(inner);
    } else {
      out += value;
    }
    i = *end;
  }
}

// `url` with its secrets masked; nullopt if it is not read with certainty.
std::optional<std::string> MaskedForLogs(std::string_view url) {
  const std::string_view scheme = UrlScheme(url);
  if (!scheme.empty()) {
    if (EqualsIgnoringCase(scheme, "sqlite")) return std::string(url);
    if (url.substr(scheme.size()).starts_with("://")) return MaskedUri(url, scheme.size());
    return std::nullopt;
  }
  // No scheme: a file path, unless it holds '=' and so may be a key/value connection string.
  if (url.find('=') == std::string_view::npos) return std::string(url);
  return MaskedKeyValues(url);
}

}  // namespace

std::string_view UrlScheme(std::string_view url) {
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  if (!IsAlpha(url[0])) return {};
  for (char c : url.substr(0, colon)) {
    if (!IsAlnum(c) && c != '+' && c != '-' && c != '.') return {};
  }
  return url.substr(0, colon);
}

std::string UrlForLogs(std::string_view url) {
  if (std::optional<std::string> masked = MaskedForLogs(url)) return *masked;
  const std::string_view scheme = UrlScheme(url);
  if (scheme.empty()) return std::string(kMask);
  const bool slashes = url.substr(scheme.size()).starts_with("://");
  return std::string(scheme) + (slashes ? "://" : ":") + std::string(kMask);
}

bool IsReadWithCertainty(std::string_view url) { return MaskedForLogs(url).has_value(); }

}  // namespace taskshare
