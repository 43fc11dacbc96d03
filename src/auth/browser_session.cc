#include "auth/browser_session.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <boost/url/parse.hpp>

#include "common/ids.h"
#include "common/strings.h"
#include "common/url_host.h"

namespace taskshare::auth {
namespace {

constexpr std::size_t kMaxReturnPathBytes = 1024;
constexpr std::string_view kCsrfLabel = "taskshare csrf token v1";

// scheme://host[:port] of an absolute URL, lower-cased, with the default port left out; "" if `url`
// is not an absolute http(s) URL with a host, or has a host that Boost.URL misread (common/url_host.h).
std::string OriginOf(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority() || parsed->host().empty() || HostMisread(*parsed)) return {};
  const std::string scheme = AsciiLower(parsed->scheme());
  if (scheme != "http" && scheme != "https") return {};
  std::string origin = scheme + "://" + AsciiLower(parsed->encoded_host());
  const std::string_view port = parsed->port();
  if (!port.empty() && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443")) {
    origin += ":" + std::string(port);
  }
  return origin;
}

}  // namespace

CookieNames CookieNamesFor(std::string_view public_url) {
  if (StartsWithIgnoringCase(public_url, "https://")) {
    return {"__Host-taskshare_session", "__Host-taskshare_sign_in", true};
  }
  return {"taskshare_session", "taskshare_sign_in", false};
}

std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  std::optional<std::string_view> found;
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    const std::string_view pair = Trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
    if (found) return std::nullopt;
    found = Trim(pair.substr(eq + 1));
  }
  if (found && found->empty()) return std::nullopt;
  return found;
}

std::string SetCookie(const CookieNames& names, std::string_view name, std::string_view value,
                      std::int64_t max_age_seconds) {
  std::string out(name);
  out += '=';
  out += value;
  out += "; Path=/; Max-Age=" + std::to_string(max_age_seconds) + "; HttpOnly; SameSite=Lax";
  if (names.secure) out += "; Secure";
  return out;
}

std::string CsrfToken(std::string_view session_id) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, session_id.data(), session_id.size(),
                reinterpret_cast<const unsigned char*>(kCsrfLabel.data()), kCsrfLabel.size(), mac, sizeof mac,
                &size) == nullptr) {
    return {};  // never matches: CsrfTokenMatches refuses an empty token
  }
  return Base64Url(std::string_view(reinterpret_cast<const char*>(mac), size));
}

bool CsrfTokenMatches(std::string_view session_id, std::string_view token) {
  const std::string expected = CsrfToken(session_id);
  return !expected.empty() && token.size() == expected.size() &&
         CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

std::optional<std::string> SafeReturnPath(std::string_view p) {
  if (p.empty() || p.size() > kMaxReturnPathBytes || p.front() != '/') return std::nullopt;
  if (p.size() > 1 && (p[1] == '/' || p[1] == '\\')) return std::nullopt;
  for (const char c : p) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\') return std::nullopt;
  }
  if (p.find("..") != std::string_view::npos) return std::nullopt;
  return std::string(p);
}

bool FromOurOrigin(std::string_view origin, std::string_view referer, std::string_view public_url) {
  const std::string ours = OriginOf(public_url);
  if (ours.empty()) return false;
  if (!origin.empty()) return OriginOf(Trim(origin)) == ours;
  if (referer.empty()) return false;
  const std::string theirs = OriginOf(Trim(referer));
  return theirs == ours;
}

}  // namespace taskshare::auth
