// CachedResponse: making a response ready to send (ETag, header blocks) and adding its gzip variant.
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <string>

#include "cache/cached_response.h"
#include "domain/task_views.h"
#include "transcript.h"

namespace taskshare::bench {
namespace {

// Transcript text of exactly `bytes` bytes: a share body, repeated and cut to size. Compresses like
// the real thing.
const std::string& TranscriptText(std::size_t bytes) {
  static std::map<std::size_t, std::string> cache;
  auto it = cache.find(bytes);
  if (it != cache.end()) return it->second;
  const std::string body = SharedTaskBody(TranscriptSnapshot(static_cast<int>(bytes / 500 + 10)));
  std::string out;
  while (out.size() < bytes) out += body;
  out.resize(bytes);
  return cache.emplace(bytes, std::move(out)).first->second;
}

// Make() takes the body by value, as the share handler moves the assembled body in; the copy that
// stands in for that body is made outside the timed region, as is the release of the response.
void BM_CachedResponseMake(benchmark::State& state) {
  const std::string& text = TranscriptText(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string body = text;
    const auto start = std::chrono::steady_clock::now();
    auto r =
        CachedResponse::Make(200, "application/json", std::move(body), CachedResponse::Policy::kRevalidate);
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r.get());
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CachedResponseMake)->Arg(16 << 10)->Arg(5 << 20)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_CachedResponseWithGzip(benchmark::State& state) {
  const auto base =
      CachedResponse::Make(200, "application/json", TranscriptText(static_cast<std::size_t>(state.range(0))),
                           CachedResponse::Policy::kRevalidate);
  std::size_t gzip_bytes = 0;
  for (auto _ : state) {
    auto r = base->WithGzip();
    if (r->gzip() == nullptr) {
      state.SkipWithError("no gzip variant");
      break;
    }
    gzip_bytes = r->gzip()->size();
    benchmark::DoNotOptimize(r.get());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.counters["ratio"] = static_cast<double>(state.range(0)) / static_cast<double>(gzip_bytes);
}
BENCHMARK(BM_CachedResponseWithGzip)->Arg(16 << 10)->Arg(5 << 20)->Unit(benchmark::kMicrosecond);

void BM_CachedResponseMatchesIfNoneMatch(benchmark::State& state) {
  const auto r = CachedResponse::Make(200, "application/json", TranscriptText(16 << 10),
                                      CachedResponse::Policy::kRevalidate);
  const std::string header = R"(W/"0123456789abcdef0123456789abcdef", )" + std::string(r->etag());
  for (auto _ : state) {
    bool match = r->MatchesIfNoneMatch(header, CachedResponse::Variant::kIdentity);
    benchmark::DoNotOptimize(match);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CachedResponseMatchesIfNoneMatch);

}  // namespace
}  // namespace taskshare::bench
