// The JSON mapping: TaskInfo out, request bodies in, and the compaction of stored messages.
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/task_requests.h"
#include "domain/messages.h"
#include "domain/task_json.h"
#include "transcript.h"

namespace taskshare::bench {
namespace {

// A fully populated task, schedule included, so every field of the mapping runs.
Task ScheduledTask() {
  Task t = TranscriptTask();
  t.completion_delivery = CompletionDelivery::kArtifact;
  t.is_scheduled = true;
  t.project_id = "0b7a4bd4-95d5-4b0e-9c54-0d3f0a1c2e3f";
  ScheduleInfo s;
  s.schedule_id = "6a1f8e2c-1d3b-4c5d-8e9f-0a1b2c3d4e5f";
  s.schedule_name = "nightly";
  s.execution_count = 3;
  s.last_executed_at = *ParseRfc3339("2026-11-19T02:00:00Z");
  s.next_execution_at = *ParseRfc3339("2026-11-21T02:00:00Z");
  s.scan_frequency = ScanFrequency::kDaily;
  s.start_time = "02:00";
  s.execution_info =
      ExecutionInfo{"7b2e9f3d-2e4c-4d6e-9f0a-1b2c3d4e5f60", *ParseRfc3339("2026-11-20T02:00:00Z"),
                    *ParseRfc3339("2026-11-20T02:00:01Z"), std::nullopt, ExecutionStatus::kRunning};
  t.schedule_info = s;
  return t;
}

void BM_TaskInfoToJsonSerialize(benchmark::State& state) {
  const Task task = state.range(0) != 0 ? ScheduledTask() : TranscriptTask();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = boost::json::serialize(TaskInfoToJson(task, TaskView::kFull));
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.SetLabel(state.range(0) != 0 ? "with schedule_info" : "plain");
}
BENCHMARK(BM_TaskInfoToJsonSerialize)->Arg(0)->Arg(1);

void BM_ParseCreateTask(benchmark::State& state) {
  std::mt19937_64 rng(7);
  const std::string body =
      R"({"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","title":"External pentest of target.example",)"
      R"("task":"Run an external pentest of target.example and report every finding with evidence",)"
      R"("message":)" +
      TranscriptMessage(0, rng) +
      R"(,"visibility":"team","project_id":"0b7a4bd4-95d5-4b0e-9c54-0d3f0a1c2e3f","model":"auto",)"
      R"("source":"web","isolated":true,"secrets":["TARGET_API_TOKEN","SLACK_WEBHOOK"],)"
      R"("completion_delivery":"artifact"})";
  for (auto _ : state) {
    auto in = api::ParseCreateTask(body);
    if (!in.ok()) {
      state.SkipWithError("ParseCreateTask failed");
      break;
    }
    benchmark::DoNotOptimize(in->task.id.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseCreateTask);

std::string JoinMessages(const std::vector<std::string>& messages) {
  std::string out = "[";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) out += ',';
    out += messages[i];
  }
  return out + "]";
}

void BM_ParseAppendMessages(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string body = R"({"messages":)" + JoinMessages(TranscriptMessages(n)) + "}";
  for (auto _ : state) {
    auto messages = api::ParseAppendMessages(body);
    if (!messages.ok() || messages->size() != static_cast<std::size_t>(n)) {
      state.SkipWithError("ParseAppendMessages failed");
      break;
    }
    benchmark::DoNotOptimize(messages->data());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseAppendMessages)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_CompactJson(benchmark::State& state) {
  // 100 messages as a client would pretty-print them, two-space indented.
  const boost::json::value parsed = boost::json::parse(JoinMessages(TranscriptMessages(100)));
  std::string pretty;
  int depth = 0;
  bool in_string = false;
  const std::string compact = boost::json::serialize(parsed);
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    pretty += c;
    if (in_string) {
      if (c == '\\') {
        pretty += compact[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (c == ':') pretty += ' ';
    if (c == '{' || c == '[' || c == ',') {
      pretty += '\n';
      pretty.append(2 * static_cast<std::size_t>(depth), ' ');
    }
  }
  for (auto _ : state) {
    const std::string out = CompactJson(pretty);
    if (out.size() != compact.size()) {
      state.SkipWithError("CompactJson did not restore the compact text");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 100);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(pretty.size()));
  state.counters["input_bytes"] = static_cast<double>(pretty.size());
}
BENCHMARK(BM_CompactJson)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace taskshare::bench
