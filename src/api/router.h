// Router: the pure request handler of the server. It maps a request to its operation in the route
// table (api/routes.h), applies what the table says of it (methods, who may call, the sharing switch,
// the rate limit and view counts of share reads), and returns the handler's response; it never
// touches a socket. Handle() blocks on the store, so the network layer calls it from the blocking-work
// pool; TryHandleNow() never blocks and is called first, on the network thread, to answer share reads
// straight from the cache. The target is routed once (api/routing.h): TryHandleNow routes it and
// hands the result on, in its Immediate, to Handle. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "api/admin_api.h"
#include "api/http_types.h"
#include "api/rate_limit.h"
#include "api/routes.h"
#include "api/sign_in.h"
#include "api/sign_in_api.h"
#include "cache/response_cache.h"
#include "common/clock.h"
#include "domain/quotas.h"
#include "observe/limit_refusals.h"
#include "observe/metrics.h"
#include "observe/view_counter.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"
#include "web/share_page.h"

namespace taskshare::api {

struct RouterOptions {
  web::PageOptions page;
  const observe::Metrics* metrics = nullptr;  // GET /metrics answers 404 without it
  bool metrics_public = false;                // else /metrics needs an admin's API key
  RateLimiter* rate_limiter = nullptr;        // the anonymous endpoints are not limited without it
  SharingSwitch* sharing = nullptr;           // the kill switch (api/admin_api.h); always on without it
  // The server's time (null: the system clock): the due times of the Schedules API (the scheduler's
  // clock), the expiry of share links and sessions, and the stamps of every write the API makes. The
  // cache's expiry reads the same clock.
  const Clock* clock = nullptr;
  // The redactors of views shown to readers other than a task's owner, and the key of users' secrets
  // (secrets/view_redactors.h); null: the router keeps its own, without a secrets key (see
  // api/secrets_api.h and api/share_api.h for what that changes).
  secrets::ViewRedactors* redactors = nullptr;
  // Where views of share links are counted (api/share_stats_api.h says which); none are without it.
  observe::ViewCounter* views = nullptr;
  // The limits the handlers hold requests to (the store holds the ones it enforces itself, see
  // StoreOptions), and where their refusals are counted (none are without it).
  Quotas quotas;
  observe::LimitRefusals* refusals = nullptr;
  // Who a browser's request is signed in as (api/sign_in.h), for the kReader routes; without it, or
  // when it is not enabled, every request to them is anonymous.
  const SignIn* sign_in = nullptr;
  // Sign-in through an OpenID Connect provider (api/sign_in_api.h); its routes answer 404 without a
  // provider, or without sessions in `sign_in`.
  OidcOptions oidc;
};

class Router {
 public:
  Router(Store& store, ResponseCache& cache, RouterOptions options)
      : store_(store),
        cache_(cache),
        options_(std::move(options)),
        own_redactors_(options_.redactors == nullptr ? std::make_unique<secrets::ViewRedactors>(nullptr)
                                                     : nullptr),
        context_{store_, cache_, redactors(), options_} {}

  // The response if it can be given without blocking: a share read (api/routes.h) answered from the
  // cache, or refused because sharing is off or its client is over its rate; else no response, and the
  // request's cost key (Immediate::cost_key). Either way the target as routed (Immediate::routing), for
  // Handle(). The network layer calls it first for every request, and it is the one place that charges
  // the rate limiter. Counts the views it answers (RouterOptions::views). Allocates nothing on a cache
  // hit but a task's first counted view in a flush interval (observe/view_counter.h).
  Immediate TryHandleNow(const Request& request) const;

  // The whole request, as the route table declares it (api/routes.h): 400 for a target that is not
  // origin-form, 404 for an unknown path, 405 with an Allow header for a method the path does not
  // take, then the route's checks and handler. A share read is refused while sharing is off, but not
  // charged to the rate limiter (TryHandleNow did that). Counts each refusal by a quota
  // (RouterOptions::refusals) and the views it answers.
  //
  // Adding a route is one entry in the table (api/routes.cc) and its handler; this class does not
  // change.
  //
  // `routing` is the request's target as TryHandleNow routed it (Immediate::routing); the one-argument
  // form routes it itself, for a caller that did not call TryHandleNow first.
  Response Handle(const Request& request, const Routing& routing) const;
  Response Handle(const Request& request) const { return Handle(request, Routing(request.target)); }

 private:
  // What Handle() answers, before it counts a refusal.
  Response Dispatch(const Request& request, const Routing& routing) const;
  // 401 or 403 for a caller who may not call `operation`; nullopt to go ahead, with `caller` set to
  // the authenticated user (left empty for an operation open to anyone, for a kReader request signed
  // in as nobody the store knows, and for a kSession GET without a live session), and `session` to a
  // kSession request's live session.
  std::optional<Response> Admit(const Operation& operation, const Request& request,
                                std::optional<User>& caller, std::optional<SessionUser>& session) const;
  // Admit for Access::kSession (api/routes.h).
  std::optional<Response> AdmitSession(const Request& request, std::optional<SessionUser>& session) const;
  // True for a kReader operation's request that is signed in (SignIn::Claims).
  bool SignedIn(const Operation& operation, const Request& request) const;
  // For a share read: 403 while sharing is off, then (when `charge`) 429 with Retry-After when the
  // client is over its rate, taking a token from its bucket; as JSON or a page as the operation
  // says. For another rate-limited operation (Operation::rate_limited), the 429 alone, as a page.
  // nullopt to go ahead, and always for other operations.
  std::optional<Response> Refusal(const Operation& operation, const Request& request, bool charge) const;
  // Counts `response` to a share read of task `raw_id` if it is a view (api/share_stats_api.h).
  void CountView(const Operation& operation, std::string_view raw_id, const Request& request,
                 const Response& response) const;
  // Whether the server was given what `route` needs (RouteNeeds).
  bool Available(const Route& route) const;
  secrets::ViewRedactors& redactors() const {
    return options_.redactors != nullptr ? *options_.redactors : *own_redactors_;
  }

  Store& store_;
  ResponseCache& cache_;
  RouterOptions options_;
  const std::unique_ptr<secrets::ViewRedactors> own_redactors_;
  const RouteContext context_;
};

}  // namespace taskshare::api
