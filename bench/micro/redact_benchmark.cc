// Redaction of a shared task for anonymous viewers (RedactForViewers): the extra cost of a cache miss
// on the share endpoints, on a transcript with nothing to redact and on one where every tenth message
// carries a credential.
#include <benchmark/benchmark.h>

#include "api/share_api.h"
#include "transcript.h"

namespace taskshare::bench {
namespace {

void BM_RedactForViewers(benchmark::State& state) {
  TaskSnapshot snapshot = TranscriptSnapshot(static_cast<int>(state.range(0)));
  if (state.range(1) != 0) {
    for (std::size_t i = 0; i < snapshot.messages.size(); i += 10) {
      snapshot.messages[i].insert(snapshot.messages[i].size() - 1,
                                  R"(,"env":{"AWS_ACCESS_KEY_ID":"AKIAIOSFODNN7EXAMPLE","token":"ghp_16C7e42F292c6912E7710c838347Ae178B4a"})");
    }
  }
  std::size_t bytes = 0;
  for (const auto& m : snapshot.messages) bytes += m.size();
  for (auto _ : state) {
    TaskSnapshot copy = snapshot;
    api::RedactForViewers(copy);
    benchmark::DoNotOptimize(copy.messages.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RedactForViewers)->Args({30, 0})->Args({30, 1})->Args({10000, 0})->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace taskshare::bench
