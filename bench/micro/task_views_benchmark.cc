// Assembly of the share response body from a stored snapshot: the cost of a cache miss after the
// database read.
#include <benchmark/benchmark.h>

#include "domain/task_views.h"
#include "transcript.h"

namespace taskshare::bench {
namespace {

void BM_SharedTaskBody(benchmark::State& state) {
  const TaskSnapshot snapshot = TranscriptSnapshot(static_cast<int>(state.range(0)));
  std::size_t body_bytes = 0;
  for (auto _ : state) {
    const std::string body = SharedTaskBody(snapshot);
    body_bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body_bytes));
  state.counters["body_bytes"] = static_cast<double>(body_bytes);
  state.counters["avg_message_bytes"] =
      static_cast<double>(TotalBytes(snapshot.messages)) / static_cast<double>(snapshot.messages.size());
}
BENCHMARK(BM_SharedTaskBody)->Arg(30)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_TaskDetailsBody(benchmark::State& state) {
  const TaskSnapshot snapshot = TranscriptSnapshot(static_cast<int>(state.range(0)));
  std::size_t body_bytes = 0;
  for (auto _ : state) {
    const std::string body = TaskDetailsBody(snapshot, TaskView::kFull, /*read_only=*/false);
    body_bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body_bytes));
}
BENCHMARK(BM_TaskDetailsBody)->Arg(30)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace taskshare::bench
