// Metrics: request counts and latency histograms by route and status, recorded without locks on the
// network threads, and rendered on demand in the Prometheus text format together with gauges read
// from the rest of the server (cache, connections, database pools).
//
// Each network thread records into its own shard of relaxed atomic counters, so recording costs a few
// uncontended increments and Render() may run concurrently from any thread; a rendering sees each
// counter at some moment of the last few microseconds, which is all Prometheus asks.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace taskshare::observe {

// The routes requests are counted under; kOther for anything that matched none.
enum class Route {
  kShare,
  kSharePage,
  kTasks,
  kTask,
  kMessages,
  kOpenApi,
  kHealth,
  kReady,
  kMetrics,
  kSchedules,  // /api/v1/schedules and /api/v1/schedules/{id}
  kApiKey,     // /api/v1/user/apikey and /api/v1/user/apikey/rotate
  kSecrets,    // /api/v1/secrets and /api/v1/secrets/{name}
  kShares,     // /api/v1/shares/revoke-all
  kAdmin,      // /api/v1/admin/sharing
  kAuth,       // /auth/...: sign-in, its callback, sign-out
  kApp,        // /app, the signed-in home
  kOther
};
inline constexpr std::size_t kRouteCount = 17;
std::string_view RouteName(Route route);

// One sample of a gauge or counter kept elsewhere, rendered as `name{labels} value`.
struct Sample {
  std::string name;  // e.g. "taskshare_cache_entries"
  std::string type;  // "gauge" or "counter"
  std::string help;
  std::string labels;  // e.g. R"(pool="read")", or empty
  double value = 0;
};

class Metrics {
 public:
  // `threads` shards, one per network thread; `gauges` is called by Render() for the samples of the
  // rest of the server (it may be empty).
  Metrics(int threads, std::function<std::vector<Sample>()> gauges);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Counts one answered request. Call only from network thread `thread` (0 .. threads - 1).
  void Record(int thread, Route route, int status, std::chrono::nanoseconds duration);

  // Everything, in the Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  struct Shard;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::function<std::vector<Sample>()> gauges_;
};

}  // namespace taskshare::observe
