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
// A waiter takes the build's result only if no write reached the id's shard, and no secret was
// written, between the build's ticket and its own (equal tickets): otherwise the build may have read data
// older than a write that was acknowledged before the waiter arrived, and the waiter builds for itself.
class BuildsInFlight {
 public:
  struct Build {
    ResponseCache::Ticket ticket;
    std::shared_future<BuiltResponse> result;
  };
  using Key = std::tuple<const ResponseCache*, CachedView, std::string>;

  // The build of `key` to wait for, if one runs under `ticket`'s epoch; otherwise registers `mine`
  // (the caller's, which it then runs and ends with Finish()) and returns null. One lock for both, so
  // that of the requests that miss together exactly one builds.
  std::shared_ptr<const Build> JoinOrStart(const Key& key, const std::shared_ptr<const Build>& mine) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = builds_.try_emplace(key, mine);
    if (inserted) return nullptr;
    if (it->second->ticket == mine->ticket) return it->second;
    it->second = mine;  // the running build read before a write: later requests must not take it
    return nullptr;
  }
  void Finish(const Key& key, const std::shared_ptr<const Build>& mine) {
    std::lock_guard lock(mu_);
    auto it = builds_.find(key);
    if (it != builds_.end() && it->second == mine) builds_.erase(it);
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
  std::promise<BuiltResponse> promise;
  const auto mine = std::make_shared<const BuildsInFlight::Build>(
      BuildsInFlight::Build{ticket, promise.get_future().share()});
  if (auto running = InFlight().JoinOrStart(key, mine)) {
    const BuiltResponse& built = running->result.get();
    // The packed body stays with the builder, which fills the cache with it.
    return {built.response, {}, {}};
  }
  BuiltResponse built;
  try {
    built = build();
  } catch (...) {
    promise.set_exception(std::current_exception());
    InFlight().Finish(key, mine);
    throw;
  }
  promise.set_value({built.response, {}, {}});
  InFlight().Finish(key, mine);
  return built;
}

// Responses from this size on are kept packed (CachedResponse::Packed) when their builder did not
// pack them: a few in a cache, each costing a few hundred microseconds per MiB to unpack when sent.
constexpr std::size_t kPackFromBytes = std::size_t{1} << 20;

bool NeedsGzip(const CachedResponse& cached, const Request& request) {
  return cached.status() == 200 && !cached.has_gzip_attempted() && AcceptsGzip(request.accept_encoding);
}

}  // namespace

bool Cacheable(int http_status) { return http_status == 200 || http_status == 403; }

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
  SecretsUsed secrets;
  if (!cached) {
    BuiltResponse built = BuildOnce(cache, view, id, ticket, build);
    if (!Cacheable(built.response->status())) return Serve(std::move(built.response), request);
    cached = std::move(built.response);
    packed = std::move(built.packed);
    secrets = std::move(built.secrets);
    fresh = true;
    // A large response is kept packed, so that one up to several times a shard's budget is still
    // cached rather than built again for every request.
    if (packed.empty() && cached->status() == 200 && cached->body().size() >= kPackFromBytes) {
      packed = PackedBody::Of(cached->body());
    }
  }
  if (NeedsGzip(*cached, request)) {
    cached = cached->WithGzip();
    fresh = true;
  }
  // This request is answered from the body as built; the cache keeps it packed when it can be.
  if (fresh) {
    cache.Fill(ticket, id, view, packed.empty() ? cached : cached->Packed(std::move(packed)),
               std::move(secrets));
  }
  return Serve(std::move(cached), request);
}

}  // namespace taskshare::api
