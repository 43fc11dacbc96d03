// ResponseCache: the cost of serving from the cache (hit and miss) and of filling it when it is full.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "cache/cached_response.h"
#include "cache/response_cache.h"
#include "domain/task_views.h"
#include "transcript.h"

namespace taskshare::bench {
namespace {

constexpr int kIds = 4096;

const std::vector<std::string>& Ids() {
  static const std::vector<std::string> ids = [] {
    std::mt19937_64 rng(11);
    std::vector<std::string> out;
    for (int i = 0; i < kIds; ++i) out.push_back(RandomUuid(rng));
    return out;
  }();
  return ids;
}

// The share response of a 30-message transcript (about 16 KB), the common case.
std::shared_ptr<const CachedResponse> TypicalResponse() {
  static const std::shared_ptr<const CachedResponse> r = CachedResponse::Make(
      200, "application/json", SharedTaskBody(TranscriptSnapshot(30)), CachedResponse::Policy::kRevalidate);
  return r;
}

// A cache holding every id of Ids(), shared by the threads of one benchmark.
ResponseCache& WarmCache() {
  static ResponseCache* cache = [] {
    auto* c = new ResponseCache(std::size_t{1} << 30);
    for (const auto& id : Ids()) c->Fill(c->BeginFill(id), id, CachedView::kShareJson, TypicalResponse());
    return c;
  }();
  return *cache;
}

void BM_CacheGetHit(benchmark::State& state) {
  ResponseCache& cache = WarmCache();
  const auto& ids = Ids();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 997;
  for (auto _ : state) {
    auto r = cache.Get(ids[i++ % kIds], CachedView::kShareJson);
    benchmark::DoNotOptimize(r.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheGetHit)->Threads(1)->Threads(2);

void BM_CacheGetMiss(benchmark::State& state) {
  ResponseCache& cache = WarmCache();
  std::vector<std::string> absent;
  std::mt19937_64 rng(1000 + state.thread_index());
  for (int i = 0; i < 1024; ++i) absent.push_back(RandomUuid(rng));
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = cache.Get(absent[i++ % absent.size()], CachedView::kShareJson);
    benchmark::DoNotOptimize(r.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheGetMiss)->Threads(1)->Threads(2);

// Every fill lands in a full shard and evicts its coldest slot: the cache holds about a sixteenth
// of the ids that cycle through it.
void BM_CacheFillWithEviction(benchmark::State& state) {
  const auto response = TypicalResponse();
  const auto& ids = Ids();
  constexpr std::size_t kShards = 64;
  ResponseCache cache(kShards * 4 * (response->bytes() + 256), kShards);
  std::size_t i = 0;
  for (const auto& id : ids) cache.Fill(cache.BeginFill(id), id, CachedView::kShareJson, response);
  const std::uint64_t evictions_before = cache.stats().evictions;
  for (auto _ : state) {
    const std::string& id = ids[i++ % kIds];
    cache.Fill(cache.BeginFill(id), id, CachedView::kShareJson, response);
  }
  const ResponseCache::Stats s = cache.stats();
  state.SetItemsProcessed(state.iterations());
  state.counters["evictions_per_fill"] =
      static_cast<double>(s.evictions - evictions_before) / static_cast<double>(state.iterations());
  state.counters["entries"] = static_cast<double>(s.entries);
}
BENCHMARK(BM_CacheFillWithEviction);

// A write to a task that is not cached: the epoch bump every acknowledged write pays.
void BM_CacheInvalidate(benchmark::State& state) {
  const auto& ids = Ids();
  ResponseCache cache(std::size_t{1} << 30);
  std::size_t i = 0;
  for (auto _ : state) {
    cache.Invalidate(ids[i++ % kIds]);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheInvalidate);

}  // namespace
}  // namespace taskshare::bench
