// Realistic inputs for the micro-benchmarks, shaped like the share benchmark's first transcripts (the
// benchmark now makes its own, bench/gen_task.py, of the same sizes): a completed pentest task whose
// messages are about 500 bytes of compact JSON each, every fifth one from the user, and every third
// assistant message carrying a tool call. Deterministic for a given count.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/task.h"

namespace taskshare::bench {

inline constexpr const char* kTaskId = "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11";

// A UUID-shaped id from 128 random bits, as uuid.UUID(int=getrandbits(128)) prints one.
inline std::string RandomUuid(std::mt19937_64& rng) {
  const std::uint64_t hi = rng();
  const std::uint64_t lo = rng();
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
      static_cast<unsigned long long>((hi >> 16) & 0xffff), static_cast<unsigned long long>(hi & 0xffff),
      static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

// Message `i` of a transcript, as compact JSON text.
inline std::string TranscriptMessage(int i, std::mt19937_64& rng) {
  static const char* const kWords[] = {"nmap",
                                       "found",
                                       "open",
                                       "port",
                                       "443",
                                       "TLS",
                                       "header",
                                       "missing",
                                       "X-Frame-Options",
                                       "endpoint",
                                       "/api/v1/users",
                                       "returns",
                                       "200",
                                       "without",
                                       "auth",
                                       "IDOR",
                                       "confirmed",
                                       "severity",
                                       "high",
                                       "```bash\ncurl -s https://target.example/api\n```"};
  constexpr std::size_t kWordCount = sizeof kWords / sizeof kWords[0];
  const bool user = i % 5 == 0;
  std::string text;
  for (int w = 0; w < 40; ++w) {
    if (w > 0) text += ' ';
    text += kWords[rng() % kWordCount];
  }
  boost::json::object m;
  m["id"] = RandomUuid(rng);
  m["role"] = user ? "user" : "assistant";
  boost::json::array parts;
  parts.push_back(boost::json::object{{"type", "text"}, {"text", text}});
  if (!user && i % 3 == 0) {
    parts.push_back(boost::json::object{
        {"type", "tool-call"},
        {"tool", "http_request"},
        {"input", boost::json::object{{"url", "https://target.example/api/v1/users/" + std::to_string(i)},
                                      {"method", "GET"}}}});
  }
  m["parts"] = std::move(parts);
  char created[32];
  std::snprintf(created, sizeof created, "2026-11-20T10:%02d:%02dZ", i / 60 % 60, i % 60);
  m["created_at"] = created;
  return boost::json::serialize(m);
}

inline std::vector<std::string> TranscriptMessages(int n) {
  std::mt19937_64 rng(7);
  std::vector<std::string> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(TranscriptMessage(i, rng));
  return out;
}

inline Task TranscriptTask() {
  Task t;
  t.id = kTaskId;
  t.owner_id = "0b7a4bd4-95d5-4b0e-9c54-0d3f0a1c2e3f";
  t.created_by = "analyst@example.com";
  t.title = "External pentest of target.example";
  t.status = TaskStatus::kCompleted;
  t.visibility = Visibility::kUnlisted;
  t.source = Source::kWeb;
  t.model = "auto";
  t.secret_names = {"TARGET_API_TOKEN"};
  t.created_at = *ParseRfc3339("2026-11-20T10:00:00Z");
  t.updated_at = *ParseRfc3339("2026-11-20T11:00:00Z");
  return t;
}

inline TaskSnapshot TranscriptSnapshot(int n) {
  return TaskSnapshot{TranscriptTask(), TranscriptMessages(n), {}};
}

inline std::size_t TotalBytes(const std::vector<std::string>& messages) {
  std::size_t n = 0;
  for (const auto& m : messages) n += m.size();
  return n;
}

}  // namespace taskshare::bench
