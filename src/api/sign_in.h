// Who a browser's request is signed in as, for the routes open to signed-in readers (Access::kReader,
// api/routes.h) and for the sign-in routes themselves (api/sign_in_api.h). Two ways in:
//
//   - A session (docs/sign-in.md): made when a user signs in through the OpenID Connect provider, kept
//     in the store, named by the browser's session cookie (auth/browser_session.h). Each request looks
//     the session and its user up in the store, so a session that ended, or a user changed, is seen at
//     once on every node. A session is used until its idle expiry, which each use moves forward (a
//     write at most once a minute), or its absolute expiry, whichever comes first.
//   - An authenticating proxy in front (oauth2-proxy, Authelia, Pomerium and the like), which signs
//     users in itself and passes each request on with the user's email in a header (--auth-header,
//     e.g. X-Forwarded-Email). The header is believed from the proxies of --trusted-proxy
//     (api/trusted_proxies.h) and from no other peer: from anyone else it is ignored and the request is
//     anonymous, so a client that reaches the server directly cannot sign itself in by sending it.
//     When a request carries both, the proxy's word wins. With a groups header as well
//     (--auth-groups-header, e.g. X-Forwarded-Groups), the proxy's groups decide the reader's role for
//     that request (domain/role_groups.h): no groups, or none of the role groups, is a plain user.
//     The stored role, which the user's API key carries, is not changed.
//
// A request that claims a sign-in (Claims) is never answered from, nor stored in, the cache shared by
// anonymous readers, and its answer carries Cache-Control: private, no-store (api/share_page_api.h).
// Immutable once made; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/trusted_proxies.h"
#include "auth/browser_session.h"
#include "common/clock.h"
#include "common/status.h"
#include "domain/role_groups.h"
#include "domain/session.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

struct SignInOptions {
  // The header in which a trusted proxy names the signed-in user's email; empty: no proxy sign-in.
  // The network layer copies it into Request::signed_in_email (http/request_parser.h).
  std::string auth_header;
  // Whether the proxy names the user's groups (Request::signed_in_groups), and which make admins and
  // support users; false: the stored role holds.
  bool proxy_groups = false;
  RoleGroups proxy_role_groups;
  std::vector<std::string> trusted_proxies;  // as --trusted-proxy gives them (api/trusted_proxies.h)
  // Sessions: on when sign-in through an OpenID Connect provider is configured.
  bool sessions = false;
  std::string public_url;  // decides the cookies' names and flags (auth/browser_session.h)
  std::chrono::seconds idle{std::chrono::hours(8)};
  std::chrono::seconds lifetime{std::chrono::hours(24 * 7)};
  const Clock* clock = nullptr;  // null: the system clock
};

class SignIn {
 public:
  explicit SignIn(const SignInOptions& options);

  // True when proxy sign-in is configured.
  bool proxy() const { return !auth_header_.empty(); }
  // True when sessions are (sign-in through an OpenID Connect provider).
  bool sessions() const { return sessions_; }
  bool enabled() const { return proxy() || sessions(); }

  // True if `request` claims a signed-in user: the proxy's header sent by a trusted proxy, or a
  // session cookie. Allocates nothing; for the network thread.
  bool Claims(const Request& request) const;

  // The user a claiming request (Claims) is signed in as, looked up in the store on every call (with
  // the role the proxy's groups give, when it names them).
  // nullopt when the claim names no one: an email no user has, or a session that ended (expired,
  // signed out, its user changed); the reader is then anonymous, though still private. kInvalidArgument
  // when the proxy's header is not one email address (as when it was sent more than once). Other store
  // errors pass through.
  Result<std::optional<User>> ReaderOf(Store& store, const Request& request) const;

  // The live session the request's cookie names, and its user; nullopt without one. Moves its idle
  // expiry forward when it was last moved more than a minute ago. Store errors pass through.
  Result<std::optional<SessionUser>> SessionOf(Store& store, const Request& request) const;

  // A session for `user_id` signed in at `now`, with this server's idle and absolute expiries.
  Session NewSession(std::string id_hash, std::string user_id, UnixMicros now) const;

  // The session id in the request's cookie, if any (not checked against the store).
  std::optional<std::string_view> SessionId(const Request& request) const;

  const auth::CookieNames& cookies() const { return cookies_; }
  std::chrono::seconds idle() const { return idle_; }
  std::chrono::seconds lifetime() const { return lifetime_; }
  UnixMicros Now() const;

 private:
  bool ProxyClaims(const Request& request) const;

  std::string auth_header_;
  bool proxy_groups_;
  RoleGroups proxy_role_groups_;
  TrustedProxies proxies_;
  bool sessions_;
  auth::CookieNames cookies_;
  std::chrono::seconds idle_;
  std::chrono::seconds lifetime_;
  const Clock* clock_;
};

}  // namespace taskshare::api
