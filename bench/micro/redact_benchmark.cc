// Redaction of a shared task for anonymous viewers (RedactForViewers): the extra cost of a cache miss
// on the share endpoints, on a transcript with nothing to redact and on one where every tenth message
// carries a credential. And RedactText on tool output that is full of near misses (key names, URLs,
// separators, dashes and underscores) but holds no credential: the redactor's slow paths.
#include <benchmark/benchmark.h>

#include <string>

#include "api/reader_view.h"
#include "redact/redactor.h"
#include "transcript.h"

namespace taskshare::bench {
namespace {

void BM_RedactForViewers(benchmark::State& state) {
  TaskSnapshot snapshot = TranscriptSnapshot(static_cast<int>(state.range(0)));
  if (state.range(1) != 0) {
    for (std::size_t i = 0; i < snapshot.messages.size(); i += 10) {
      snapshot.messages[i].insert(
          snapshot.messages[i].size() - 1,
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

std::string ToolOutput(int lines) {
  static const char* const kLines[] = {
      "export PATH=/usr/local/bin:/usr/bin:/bin GOFLAGS=-mod=vendor\n",
      "created_at: 2026-11-20T10:00:00Z  updated_at: 2026-11-20T11:00:00Z\n",
      "password_policy: min 12 chars; max_tokens=4096; token_count = 17; secret_names=[]\n",
      "GET https://target.example/api/v1/users?id=42&page=2 HTTP/1.1 -> 200 (glob matched)\n",
      "def get_user_by_id(user_id: int) -> dict:  # returns the user's profile, or None\n",
      "- [x] rotate the api-key (see docs/security.md); ---- Authorization header is required\n",
      "X-Frame-Options: DENY  Content-Type: application/json; charset=utf-8  Cache-Control: no-store\n",
      "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11 IDOR confirmed on /api/v1/orders/1337 by proxy box\n",
  };
  std::string out;
  for (int i = 0; i < lines; ++i) out += kLines[i % (sizeof kLines / sizeof kLines[0])];
  return out;
}

void BM_RedactToolOutput(benchmark::State& state) {
  static const redact::Redactor redactor;
  const std::string text = ToolOutput(static_cast<int>(state.range(0)));
  if (redactor.RedactText(text) != text)
    state.SkipWithError("the tool output was meant to hold no credential");
  for (auto _ : state) benchmark::DoNotOptimize(redactor.RedactText(text));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_RedactToolOutput)->Arg(256)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace taskshare::bench
