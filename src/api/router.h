// Router: the pure request handler of the server. It maps a request to its operation, authenticates
// where the operation needs it, and returns the response; it never touches a socket. Handle() blocks
// on the store, so the network layer calls it from the blocking-work pool; TryHandleNow() never blocks
// and is called first, on the network thread, to answer share requests straight from the cache.
// Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "api/admin_api.h"
#include "api/http_types.h"
#include "api/rate_limit.h"
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
  // The time that decides behaviour: the due times of the Schedules API (the scheduler's clock) and
  // the expiry of share links (null: the system clock). The cache's expiry reads the same clock.
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
};

// The route `target` (origin-form, query string allowed) falls under, for metrics. Allocates nothing.
observe::Route RouteOf(std::string_view target);

class Router {
 public:
  Router(Store& store, ResponseCache& cache, RouterOptions options)
      : store_(store), cache_(cache), options_(std::move(options)),
        own_redactors_(options_.redactors == nullptr ? std::make_unique<secrets::ViewRedactors>(nullptr) : nullptr) {}

  // The response if it can be given without blocking (a cached share response, or a share request
  // refused because sharing is off or its client is over its rate), else nullopt. The network layer
  // calls it first for every request, and it is the one place that charges the rate limiter, and it
  // counts the views it answers (RouterOptions::views). Allocates nothing on a cache hit but a task's
  // first counted view in a flush interval (observe/view_counter.h).
  std::optional<Response> TryHandleNow(const Request& request) const;

  // Unknown paths answer 404, known paths with another method 405 with an Allow header, targets that
  // are not origin-form 400. Counts each refusal by a quota (RouterOptions::refusals).
  Response Handle(const Request& request) const;

 private:
  // What Handle() answers, before it counts a refusal.
  Response Dispatch(const Request& request) const;
  // 403 while sharing is off, 429 (with Retry-After) when the client is over its rate, as JSON or as
  // a page; nullopt to go ahead. Takes a token from the client's bucket.
  std::optional<Response> Refusal(const Request& request, bool page) const;
  // Counts `response` to `request` for task `id` if it is a view (api/share_stats_api.h).
  void CountView(const Request& request, std::string_view id, const Response& response) const;
  // `response`, counted as a view of the task whose id (as in the path) is `raw_id`.
  Response Counted(const Request& request, std::string_view raw_id, Response response) const;
  // Whether share links are served: the one question the router asks of the kill switch.
  bool SharingOn() const { return options_.sharing == nullptr || options_.sharing->on(); }
  secrets::ViewRedactors& redactors() const {
    return options_.redactors != nullptr ? *options_.redactors : *own_redactors_;
  }

  Store& store_;
  ResponseCache& cache_;
  RouterOptions options_;
  const std::unique_ptr<secrets::ViewRedactors> own_redactors_;
};

}  // namespace taskshare::api
