// Who a browser's request is signed in as, for the routes open to signed-in readers (Access::kReader,
// api/routes.h): the share page, where a signed-in reader may open what the visibility table lets them
// read (domain/access.h), not only what a share link serves.
//
// One way to sign in today: behind an authenticating proxy (oauth2-proxy, Authelia, Pomerium and the
// like), which signs users in itself and passes each request on with the user's email in a header
// (--auth-header, e.g. X-Forwarded-Email). The header is believed from the proxies of --trusted-proxy
// (api/trusted_proxies.h) and from no other peer: from anyone else it is ignored and the request is
// anonymous, so a client that reaches the server directly cannot sign itself in by sending it.
//
// A request that claims a sign-in (Claims) is never answered from, nor stored in, the cache shared
// by anonymous readers, and its answer carries Cache-Control: private, no-store (api/share_page_api.h).
// Immutable once made; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/trusted_proxies.h"
#include "common/status.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

struct SignInOptions {
  // The header in which a trusted proxy names the signed-in user's email; empty: no proxy sign-in.
  // The network layer copies it into Request::signed_in_email (http/request_parser.h).
  std::string auth_header;
  std::vector<std::string> trusted_proxies;  // as --trusted-proxy gives them (api/trusted_proxies.h)
};

class SignIn {
 public:
  explicit SignIn(const SignInOptions& options);

  // True when proxy sign-in is configured.
  bool enabled() const { return !auth_header_.empty(); }

  // True if `request` claims a signed-in user that this server believes: the proxy's header, sent by
  // a trusted proxy. Allocates nothing; for the network thread.
  bool Claims(const Request& request) const;

  // The user a claiming request (Claims) is signed in as, looked up by email in the store on every
  // call (nothing is cached, so a user deleted or changed is seen at once). nullopt when no user has
  // that email: the reader is then anonymous, though still signed in. kInvalidArgument when the header
  // is not one email address (as when it was sent more than once). Other store errors pass through.
  Result<std::optional<User>> ReaderOf(Store& store, const Request& request) const;

 private:
  std::string auth_header_;
  TrustedProxies proxies_;
};

}  // namespace taskshare::api
