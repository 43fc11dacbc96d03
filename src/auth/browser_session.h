// The browser's side of sign-in (docs/sign-in.md): the cookies, the session's CSRF token, the path to
// return to after signing in, and the origin check of state-changing requests. Pure functions;
// thread-safe.
//
// Cookies are HttpOnly, SameSite=Lax and Path=/; on a server whose public URL is https they are also
// Secure and named with the __Host- prefix, which browsers accept only from a secure origin, without a
// Domain, for the whole site: a sibling subdomain cannot plant or shadow them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taskshare::auth {

struct CookieNames {
  std::string session;  // the session's id (domain/session.h)
  std::string sign_in;  // the state of a sign-in under way, binding it to this browser
  bool secure = false;  // https: Secure and __Host-
};

// The names and flags for a server whose public URL is `public_url`.
CookieNames CookieNamesFor(std::string_view public_url);

// The value of cookie `name` in a Cookie header ("a=b; c=d", RFC 6265 section 5.4); nullopt if it is
// absent, empty, or there more than once (two cookies of one name are one too many to trust).
std::optional<std::string_view> CookieValue(std::string_view cookie_header, std::string_view name);

// A Set-Cookie value that sets `name` to `value` (which must be cookie-safe: base64url) for
// `max_age_seconds`, with the flags above; with max_age_seconds 0, one that deletes it.
std::string SetCookie(const CookieNames& names, std::string_view name, std::string_view value,
                      std::int64_t max_age_seconds);

// The CSRF token of the session whose id is `session_id`: HMAC-SHA256 of a fixed label keyed by the id,
// base64url. Forms of signed-in pages carry it; only the holder of the cookie can make it, and it
// changes with every session.
std::string CsrfToken(std::string_view session_id);
// Whether `token` is CsrfToken(session_id), compared in constant time.
bool CsrfTokenMatches(std::string_view session_id, std::string_view token);

// `candidate` if it is a path on this server that a sign-in may return to: it starts with one '/'
// followed by something other than '/' or '\' (or is "/" alone), holds no '\', no control character,
// no space and no "..", and is at most 1024 bytes; nullopt otherwise (absolute URLs, "//host",
// "/\host" and the like, which browsers read as another site).
std::optional<std::string> SafeReturnPath(std::string_view candidate);

// Whether a state-changing request comes from this server's own pages: its Origin header names the
// origin (scheme, host and port) of `public_url`; without an Origin header, its Referer starts with
// that origin followed by '/'. Neither header: false.
bool FromOurOrigin(std::string_view origin, std::string_view referer, std::string_view public_url);

}  // namespace taskshare::auth
