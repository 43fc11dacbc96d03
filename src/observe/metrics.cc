#include "observe/metrics.h"

#include <algorithm>
#include <charconv>

namespace taskshare::observe {
namespace {

// The statuses the server answers with, each counted under its own label; anything else is "other".
constexpr std::array<int, 20> kStatuses = {200, 201, 202, 204, 303, 304, 400, 401, 403, 404,
                                           405, 408, 409, 413, 415, 429, 431, 500, 503, 0};
constexpr std::size_t kStatusCount = kStatuses.size();

std::size_t StatusIndex(int status) {
  for (std::size_t i = 0; i + 1 < kStatusCount; ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatusCount - 1;
}

// Upper bounds of the latency buckets, in seconds; the last bucket (+Inf) is implicit.
constexpr std::array<double, 14> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
constexpr std::size_t kBucketCount = kBounds.size() + 1;

using Counter = std::atomic<std::uint64_t>;

void Add(Counter& c, std::uint64_t n) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// The shortest text that reads back as `v`.
std::string Number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) end = std::to_chars(buf, buf + sizeof buf, v).ptr;  // too long written out
  return std::string(buf, end);
}

}  // namespace

std::string_view RouteName(Route route) {
  switch (route) {
    case Route::kShare:
      return "share";
    case Route::kSharePage:
      return "share_page";
    case Route::kTasks:
      return "tasks";
    case Route::kTask:
      return "task";
    case Route::kMessages:
      return "messages";
    case Route::kOpenApi:
      return "openapi";
    case Route::kHealth:
      return "healthz";
    case Route::kReady:
      return "readyz";
    case Route::kMetrics:
      return "metrics";
    case Route::kSchedules:
      return "schedules";
    case Route::kApiKey:
      return "apikey";
    case Route::kSecrets:
      return "secrets";
    case Route::kShares:
      return "shares";
    case Route::kAdmin:
      return "admin";
    case Route::kAuth:
      return "auth";
    case Route::kApp:
      return "app";
    case Route::kOther:
      break;
  }
  return "other";
}

// Written only by its network thread (so a load and a store make an increment), read by anyone.
struct Metrics::Shard {
  std::array<std::array<Counter, kStatusCount>, kRouteCount> requests{};
  std::array<std::array<Counter, kBucketCount>, kRouteCount> buckets{};
  std::array<Counter, kRouteCount> nanos{};
};

Metrics::Metrics(int threads, std::function<std::vector<Sample>()> gauges) : gauges_(std::move(gauges)) {
  for (int i = 0; i < std::max(threads, 1); ++i) shards_.push_back(std::make_unique<Shard>());
}

Metrics::~Metrics() = default;

void Metrics::Record(int thread, Route route, int status, std::chrono::nanoseconds duration) {
  Shard& s = *shards_[static_cast<std::size_t>(thread)];
  const auto r = static_cast<std::size_t>(route);
  Add(s.requests[r][StatusIndex(status)], 1);
  const double seconds = std::chrono::duration<double>(duration).count();
  std::size_t b = 0;
  while (b < kBounds.size() && seconds > kBounds[b]) ++b;
  Add(s.buckets[r][b], 1);
  Add(s.nanos[r], static_cast<std::uint64_t>(duration.count()));
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP taskshare_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE taskshare_http_requests_total counter\n";
  for (std::size_t r = 0; r < kRouteCount; ++r) {
    for (std::size_t st = 0; st < kStatusCount; ++st) {
      std::uint64_t n = 0;
      for (const auto& s : shards_) n += s->requests[r][st].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string status = kStatuses[st] == 0 ? "other" : std::to_string(kStatuses[st]);
      out += "taskshare_http_requests_total{route=\"" + std::string(RouteName(static_cast<Route>(r))) +
             "\",status=\"" + status + "\"} " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP taskshare_http_request_duration_seconds Time from a request read whole to its response "
      "written, by route.\n";
  out += "# TYPE taskshare_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRouteCount; ++r) {
    std::array<std::uint64_t, kBucketCount> counts{};
    std::uint64_t nanos = 0;
    for (const auto& s : shards_) {
      for (std::size_t b = 0; b < kBucketCount; ++b)
        counts[b] += s->buckets[r][b].load(std::memory_order_relaxed);
      nanos += s->nanos[r].load(std::memory_order_relaxed);
    }
    std::uint64_t total = 0;
    for (auto c : counts) total += c;
    if (total == 0) continue;
    const std::string route = "route=\"" + std::string(RouteName(static_cast<Route>(r))) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBucketCount; ++b) {
      cumulative += counts[b];
      const std::string le = b < kBounds.size() ? Number(kBounds[b]) : "+Inf";
      out += "taskshare_http_request_duration_seconds_bucket{" + route + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "taskshare_http_request_duration_seconds_sum{" + route + "} " +
           Number(static_cast<double>(nanos) / 1e9) + "\n";
    out += "taskshare_http_request_duration_seconds_count{" + route + "} " + std::to_string(total) + "\n";
  }
  if (!gauges_) return out;
  std::string last_name;
  for (const Sample& g : gauges_()) {
    if (g.name != last_name) {
      out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " " + g.type + "\n";
      last_name = g.name;
    }
    out += g.name + (g.labels.empty() ? "" : "{" + g.labels + "}") + " " + Number(g.value) + "\n";
  }
  return out;
}

}  // namespace taskshare::observe
