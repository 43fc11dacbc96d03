#include "api/cached_serving.h"

#include <future>
#include <map>
#include <mutex>
#include <tuple>

#include "api/negotiation.h"

namespace taskshare::api {
namespace {

// The builds in progress, one per cache, view and id: a request that misses while another request
// builds the same view waits for that build rather than repeating it, so that a burst of requests for
// one uncached (and costly) view costs one build and holds one request's memory, not one per request.
// A waiter takes the build's result only if no write reached the id's shard between the build's ticket
// and its own (equal epochs): otherwise the build may have read data older than a write that was
// acknowledged before the waiter arrived, and the waiter builds for itself.
class BuildsInFlight {
 public:
  struct Build {
    ResponseCache::Ticket ticket;
    std::shared_future<BuiltResponse> result;
  };
  using Key = std::tuple<const ResponseCache*, CachedView, std::string>;

  // The build to wait for, or null: then the caller builds, after Start(), and calls Finish().
  std::shared_ptr<const Build> Join(const Key& key, const ResponseCache::Ticket& ticket) {
    std::lock_guard lock(mu_);
    auto it = builds_.find(key);
    if (it == builds_.end() || it->second->ticket.epoch != ticket.epoch) return nullptr;
    return it->second;
  }
  void Start(const Key& key, const ResponseCache::Ticket& ticket, std::shared_future<BuiltResponse> result) {
    std::lock_guard lock(mu_);
    builds_[key] = std::make_shared<const Build>(Build{ticket, std::move(result)});
  }
  void Finish(const Key& key, const ResponseCache::Ticket& ticket) {
    std::lock_guard lock(mu_);
    auto it = builds_.find(key);
    if (it != builds_.end() && it->second->ticket.epoch == ticket.epoch) builds_.erase(it);
  }

 private:
  std::mutex mu_;
  std::map<Key, std::shared_ptr<const Build>> builds_;
};

BuildsInFlight& InFlight() {
  static BuildsInFlight builds;
  return builds;
}

// `build`'s result, or that of the same build already running for another request (see BuildsInFlight).
BuiltResponse BuildOnce(const ResponseCache& cache, CachedView view, const std::string& id,
                        const ResponseCache::Ticket& ticket, const std::function<BuiltResponse()>& build) {
  const BuildsInFlight::Key key{&cache, view, id};
  if (auto running = InFlight().Join(key, ticket)) {
    const BuiltResponse& built = running->result.get();
    // The packed body stays with the builder, which fills the cache with it.
    return {built.response, built.cacheable, {}};
  }
  std::promise<BuiltResponse> promise;
  InFlight().Start(key, ticket, promise.get_future().share());
  BuiltResponse built;
  try {
    built = build();
  } catch (...) {
    promise.set_exception(std::current_exception());
    InFlight().Finish(key, ticket);
    throw;
  }
  promise.set_value({built.response, built.cacheable, {}});
  InFlight().Finish(key, ticket);
  return built;
}

bool NeedsGzip(const CachedResponse& cached, const Request& request) {
  return cached.status() == 200 && !cached.has_gzip_attempted() && AcceptsGzip(request.accept_encoding);
}

}  // namespace

std::optional<Response> ServeFromCache(ResponseCache& cache, CachedView view, std::string_view id,
                                       const Request& request) {
  auto cached = cache.Get(id, view);
  if (!cached || NeedsGzip(*cached, request)) return std::nullopt;
  return Serve(std::move(cached), request);
}

Response ServeThroughCache(ResponseCache& cache, CachedView view, const std::string& id,
                           const Request& request, const std::function<BuiltResponse()>& build) {
  // The ticket comes first: whatever is read after it is dropped by Fill() if a write lands meanwhile.
  const ResponseCache::Ticket ticket = cache.BeginFill(id);
  auto cached = cache.Peek(id, view);
  bool fresh = false;
  PackedBody packed;
  if (!cached) {
    BuiltResponse built = BuildOnce(cache, view, id, ticket, build);
    if (!built.cacheable) return Serve(std::move(built.response), request);
    cached = std::move(built.response);
    packed = std::move(built.packed);
    fresh = true;
  }
  if (NeedsGzip(*cached, request)) {
    cached = cached->WithGzip();
    fresh = true;
  }
  // This request is answered from the body as built; the cache keeps it packed when it can be.
  if (fresh) cache.Fill(ticket, id, view, packed.empty() ? cached : cached->Packed(std::move(packed)));
  return Serve(std::move(cached), request);
}

}  // namespace taskshare::api
