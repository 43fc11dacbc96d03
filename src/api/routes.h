// The route table: every HTTP operation of the server, declared once. A route is a path pattern
// ("/api/v1/tasks/{id}/share": literal segments and at most one {placeholder}), its metrics label, what
// it needs to exist, and its operations; an operation is a method, who may call it, whether it is a
// share read, and its handler. Everything the router decides about a request comes from here:
//   - 404 for a path that matches no pattern (patterns are tried in table order; literals first);
//   - 405 for a method the route has no operation for, with an Allow header listing the route's methods
//     (HEAD wherever GET is: a HEAD request is handled as its GET);
//   - 404 for a route whose dependency the server was built without (RouteNeeds);
//   - for share reads: the sharing switch, the rate limit, view counting and the cached fast path; the
//     rate limit for the operations marked rate_limited too;
//   - who may call (Access: anyone, an API key, an admin, anyone with a signed-in reader, or a browser
//     session with its CSRF token), then the handler;
//   - the route label of /metrics (Routing::label, api/routing.h).
// Adding a route is one entry in the table of routes.cc plus its handler; nothing else in the router
// changes. The table is immutable and built at compile time; every function here is thread-safe and
// allocates nothing, but AllowOf.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "api/forms.h"
#include "api/http_types.h"
#include "api/routing.h"
#include "api/target.h"
#include "cache/response_cache.h"
#include "domain/session.h"
#include "domain/user.h"
#include "observe/metrics.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"

namespace taskshare::api {

struct RouterOptions;  // api/router.h

// Who may call an operation.
enum class Access {
  kAnonymous,  // anyone; credentials sent are not looked at
  kApiKey,     // a user's API key (401 without a valid one); the handler decides what the user may do
  // An admin's API key (401 without a valid key, 403 for other users), or anyone when the server was
  // started with metrics public (RouterOptions::metrics_public). For /metrics.
  kOperator,
  // Anyone, as kAnonymous; and when the request is signed in (api/sign_in.h, RouterOptions::sign_in),
  // the signed-in user as the caller. A signed-in request is never answered from the cache on the
  // network thread. For the share page.
  kReader,
  // A browser session (api/sign_in.h), for the signed-in pages. A GET reaches the handler with the
  // session's user as the caller, or with none (it shows a signed-out page). Any other method needs a
  // live session (a 403 page "Signed out" otherwise), the session's CSRF token in the form field `csrf`
  // and an Origin or Referer of this server (a 403 page "Refused" otherwise): checked here, once, for
  // every state-changing request a signed-in page makes. Only on RouteNeeds::kSignIn routes.
  kSession,
};

// A share read: an anonymous GET of a share link. Share reads answer 403 while sharing is off and 429
// when the client is over its rate, and a 200 or 304 of one counts as a view of the task whose id is
// the route's placeholder (api/share_stats_api.h). The value says in which form refusals are given.
enum class ShareRead { kNo, kJson, kPage };

// What a route needs from RouterOptions to exist; without it the route answers 404 (after 405).
// kSignIn: sign-in through an OpenID Connect provider (RouterOptions::oidc and a SignIn with sessions).
enum class RouteNeeds { kNothing, kMetrics, kSharingSwitch, kSignIn };

// What handlers are given: the server's parts, and the request with its route's placeholder.
struct RouteContext {
  Store& store;
  ResponseCache& cache;
  secrets::ViewRedactors& redactors;
  const RouterOptions& options;
};
struct Call {
  const Request& request;
  const Routing& routing;  // its target as routed once (api/routing.h): the route and the query
  std::string_view param;  // routing.param(): the value of the route's {placeholder}, percent-decoded
  // The authenticated caller; null for kAnonymous (and public kOperator), and for a kReader request
  // that is anonymous or signed in as nobody the store knows.
  const User* caller;
  bool signed_in = false;  // kReader: the request is signed in (SignIn::Claims), whoever it names
  // kSession: the live session and its user (`caller` is the same user); null without one.
  const SessionUser* session = nullptr;
};
using Handler = Response (*)(const RouteContext& context, const Call& call);

// The query's parameters, decoded ('+' as a space), as Boost.URL's url_view::params() gives them: a
// "?" with nothing after it is one parameter with an empty name.
QueryParams ParamsOf(const Routing& target);
// The server's time: the server's clock (RouterOptions::clock), else the system's. It decides
// behaviour (share expiry, schedules, sessions) and stamps every write a handler makes (created_at,
// updated_at), so that the two never disagree.
UnixMicros Now(const RouteContext& context);

// A share read's answer from the cache alone, without blocking, for a canonical task id; nullopt on a
// miss.
using CachedHandler = std::optional<Response> (*)(ResponseCache& cache, const Request& request,
                                                  std::string_view id);

struct Operation {
  Method method = Method::kOther;  // kOther: no operation (the end of a route's list)
  Access access = Access::kApiKey;
  Handler handler = nullptr;
  ShareRead share = ShareRead::kNo;
  CachedHandler cached = nullptr;  // share reads only: the fast path, tried on the network thread
  // Charged to the rate limiter of anonymous requests as share reads are (429 with Retry-After past
  // the client's rate), for an anonymous operation that costs the server a write: GET /auth/sign-in,
  // which stores a sign-in attempt. Share reads are always charged.
  bool rate_limited = false;
};

struct Route {
  static constexpr std::size_t kMaxOperations = 3;
  std::string_view pattern;
  observe::Route label = observe::Route::kOther;
  std::array<Operation, kMaxOperations> operations{};
  RouteNeeds needs = RouteNeeds::kNothing;

  // The operation for `method`, or null when the route has none.
  const Operation* Find(Method method) const;
};

// The table, in the order patterns are tried. Read-only; for the router and for tests that compare it
// with the OpenAPI document.
std::span<const Route> Routes();

// The Allow header of `route`: its methods in table order, with HEAD after GET ("GET, HEAD, POST").
std::string AllowOf(const Route& route);

// The name of a method as it appears in Allow ("GET"); "" for kOther.
std::string_view MethodName(Method method);

}  // namespace taskshare::api
