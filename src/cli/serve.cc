#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "api/admin_api.h"
#include "api/rate_limit.h"
#include "api/router.h"
#include "cache/cache_coherence.h"
#include "cache/invalidating_store.h"
#include "cache/response_cache.h"
#include "cli/commands.h"
#include "cli/quota_flags.h"
#include "cli/secrets_key.h"
#include "common/log.h"
#include "http/server.h"
#include "observe/access_log.h"
#include "observe/limit_refusals.h"
#include "observe/metrics.h"
#include "observe/view_counter.h"
#include "scheduler/scheduler.h"
#include "storage/change_feed.h"
#include "storage/database_url.h"
#include "storage/store.h"

namespace taskshare::cli {
namespace {

// The CPUs this process may run on (its affinity mask, as taskset or a cpuset sets it), at least 1.
int UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string db = "sqlite:taskshare.db";
  std::string db_replica;
  // One network thread and one read thread a usable CPU: share misses on SQLite are CPU work (the
  // database's pages come from the page cache), and more threads than CPUs only take turns.
  int threads = UsableCpus();
  int read_threads = UsableCpus();
  int write_threads = 4;
  // The network threads, which answer cached links, take the CPU at once when they wake, also from a
  // pool thread building a large view (docs/performance.md).
  int network_slice_us = 300;
  std::string public_url;
  std::size_t max_body_bytes = 8 << 20;
  std::size_t max_header_bytes = 16 << 10;
  int idle_timeout = 60;
  int request_timeout = 10;
  int max_connections = 10000;
  int shutdown_grace = 10;
  std::size_t cache_bytes = std::size_t{256} << 20;
  bool index_public = false;
  std::string access_log = "stderr";
  bool metrics_public = false;
  std::string sharing = "on";
  double rate_limit = 20;
  double rate_burst = 100;
  std::vector<std::string> trusted_proxies;
  std::string secrets_key_file;
  Quotas quotas;  // cli/quota_flags.h
  // Tests only, hidden from --help: the scheduler's (and the Schedules API's) time is read from this
  // file (common/clock.h, FileClock) instead of the system clock.
  std::string scheduler_clock_file;
  // Tests only, hidden from --help: how often share view counts are flushed to the database.
  int view_flush_ms = 1000;
};

// Splits "HOST:PORT" or "[V6]:PORT".
bool SplitHostPort(const std::string& s, std::string& host, std::uint16_t& port) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = s.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    const unsigned long p = std::stoul(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// Every connection is a file descriptor: raise the soft limit to the hard one so that max_connections
// can be reached, and say so when even the hard limit is lower.
void RaiseDescriptorLimit(int max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  const rlim_t wanted = static_cast<rlim_t>(max_connections) + 64;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    LogError("the open file limit (" + std::to_string(limit.rlim_cur) + ") is below --max-connections plus " +
             "the server's own files; raise it (ulimit -n) or lower --max-connections");
  }
}

// The descriptor --access-log names: stderr, a file opened for appending, or -1 for off.
int OpenAccessLog(const std::string& where) {
  if (where == "off") return -1;
  if (where == "stderr") return 2;
  return ::open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

std::string_view MethodName(const api::Request& r) {
  if (r.head) return "HEAD";
  switch (r.method) {
    case api::Method::kGet:
      return "GET";
    case api::Method::kPost:
      return "POST";
    case api::Method::kPut:
      return "PUT";
    case api::Method::kPatch:
      return "PATCH";
    case api::Method::kDelete:
      return "DELETE";
    case api::Method::kOther:
      break;
  }
  return "OTHER";
}

// The change feed's samples: none without a feed (SQLite).
void AddFeedSamples(const ChangeFeed* feed, const CacheCoherence* coherence, std::vector<observe::Sample>& out) {
  if (feed == nullptr || coherence == nullptr) return;
  const auto d = [](auto v) { return static_cast<double>(v); };
  out.push_back({"taskshare_change_feed_up", "gauge",
                 "1 while the database change feed is subscribed; 0 while the response cache is bypassed.", "",
                 feed->up() ? 1.0 : 0.0});
  out.push_back({"taskshare_change_feed_changes_total", "counter",
                 "Task changes announced by the database (from any node).", "", d(coherence->changes())});
  out.push_back({"taskshare_change_feed_losses_total", "counter", "Times the change feed's connection was lost.",
                 "", d(coherence->losses())});
}

// The gauges /metrics shows besides the request counters.
std::vector<observe::Sample> Gauges(const ResponseCache& cache, std::size_t cache_budget,
                                    const http::Server& server, const http::ServerOptions& options) {
  const ResponseCache::Stats c = cache.stats();
  const http::ServerStats s = server.stats();
  const auto d = [](auto v) { return static_cast<double>(v); };
  return {
      {"taskshare_cache_hits_total", "counter", "Share requests answered from the response cache.", "",
       d(c.hits)},
      {"taskshare_cache_misses_total", "counter",
       "Share requests whose response was not in the response cache (each counted once).", "", d(c.misses)},
      {"taskshare_cache_evictions_total", "counter", "Cache entries dropped to stay within the budget.", "",
       d(c.evictions)},
      {"taskshare_cache_entries", "gauge", "Tasks with a cached response.", "", d(c.entries)},
      {"taskshare_cache_bytes", "gauge", "Bytes charged against the cache budget.", "", d(c.bytes)},
      {"taskshare_cache_budget_bytes", "gauge", "The cache budget (--cache-bytes).", "", d(cache_budget)},
      {"taskshare_connections_open", "gauge", "Open client connections.", "", d(s.open_connections)},
      {"taskshare_connections_refused_total", "counter",
       "Connections closed at once: --max-connections reached.", "", d(s.refused_connections)},
      {"taskshare_db_pool_threads", "gauge", "Threads, each with a database connection, per pool.",
       R"(pool="read")", d(options.read_threads)},
      {"taskshare_db_pool_threads", "gauge", "", R"(pool="write")", d(options.write_threads)},
      {"taskshare_db_pool_requests", "gauge", "Requests queued for or running on a database pool.",
       R"(pool="read")", d(s.read_pool_busy)},
      {"taskshare_db_pool_requests", "gauge", "", R"(pool="write")", d(s.write_pool_busy)},
  };
}

int Serve(const ServeFlags& f) {
  http::ServerOptions options;
  if (!SplitHostPort(f.listen, options.host, options.port)) {
    std::cerr << "taskshare: --listen must be HOST:PORT, got " << f.listen << "\n";
    return 2;
  }
  options.threads = f.threads;
  options.read_threads = f.read_threads;
  options.write_threads = f.write_threads;
  options.network_slice = std::chrono::microseconds(f.network_slice_us);
  options.max_body_bytes = f.max_body_bytes;
  options.max_header_bytes = f.max_header_bytes;
  options.idle_timeout = std::chrono::seconds(f.idle_timeout);
  options.request_timeout = std::chrono::seconds(f.request_timeout);
  options.max_connections = f.max_connections;
  options.shutdown_grace = std::chrono::seconds(f.shutdown_grace);
  RaiseDescriptorLimit(f.max_connections);

  if (auto bad = api::InvalidTrustedProxies(f.trusted_proxies); !bad.empty()) {
    std::cerr << "taskshare: --trusted-proxy " << bad.front()
              << " is neither an IP address nor a CIDR block\n";
    return 2;
  }
  api::RateLimiter rate_limiter(
      {.rate = f.rate_limit, .burst = f.rate_burst, .trusted_proxies = f.trusted_proxies});
  const int log_fd = OpenAccessLog(f.access_log);
  if (log_fd == -1 && f.access_log != "off") {
    std::cerr << "taskshare: cannot open the access log " << f.access_log << "\n";
    return 1;
  }
  auto secrets_key = LoadSecretsKey(f.secrets_key_file);
  if (!secrets_key.ok()) {
    std::cerr << "taskshare: " << secrets_key.status().message() << "\n";
    return 1;
  }
  const StoreOptions store_options{.url = f.db,
                                   .connections = f.read_threads + f.write_threads,
                                   .replica_url = f.db_replica,
                                   .quotas = f.quotas};
  auto opened = OpenStore(store_options);
  if (!opened.ok()) {
    std::cerr << "taskshare: cannot open " << UrlForLogs(f.db) << ": " << opened.status().message() << " "
              << opened.status().detail() << "\n";
    return 1;
  }
  if (secrets_key->box) {
    if (Status s = CheckSecretsKey(**opened, *secrets_key); !s.ok()) {
      std::cerr << "taskshare: " << s.message() << (s.detail().empty() ? "" : " " + s.detail()) << "\n";
      return 1;
    }
  }
  ResponseCache cache(f.cache_bytes);
  secrets::ViewRedactors redactors(secrets_key->box.get());
  InvalidatingStore store(std::move(*opened), cache, &redactors);
  // Other nodes' writes reach the cache, and the kill switch, through the database's change feed (none
  // on SQLite). It is subscribed before the first request, while the cache is still empty.
  api::SharingSwitch sharing(store, f.sharing == "off");
  CacheCoherence coherence(cache, &redactors, [&sharing] { sharing.Refresh(); });
  auto feed = OpenChangeFeed(store_options, coherence);
  if (!feed.ok()) {
    std::cerr << "taskshare: cannot listen for changes on " << UrlForLogs(f.db) << ": "
              << feed.status().message() << " " << feed.status().detail() << "\n";
    return 1;
  }
  // Read once the feed is subscribed: any later change to the stored switch is announced.
  if (Status s = sharing.Load(); !s.ok()) {
    std::cerr << "taskshare: cannot read the sharing switch from " << UrlForLogs(f.db) << ": " << s.message()
              << " " << s.detail() << "\n";
    return 1;
  }
  // Every node runs a scheduler; on a shared PostgreSQL database one of them at a time acts.
  std::unique_ptr<Clock> clock = std::make_unique<SystemClock>();
  if (!f.scheduler_clock_file.empty()) {
    clock = std::make_unique<FileClock>(f.scheduler_clock_file);
    LogInfo("schedules run by the time in " + f.scheduler_clock_file +
            " (--scheduler-clock-file is for tests only)");
  }
  using std::chrono_literals::operator""ms;
  Scheduler scheduler(store, *clock, {.poll_interval = f.scheduler_clock_file.empty() ? 1000ms : 50ms});
  observe::ViewCounter views(store, std::chrono::milliseconds(f.view_flush_ms));
  std::unique_ptr<observe::AccessLog> access_log;
  if (log_fd != -1) access_log = std::make_unique<observe::AccessLog>(log_fd, options.threads);
  // The router needs the public URL, which needs the bound port; no request is read before Run().
  std::unique_ptr<api::Router> router;
  std::unique_ptr<observe::Metrics> metrics;
  observe::LimitRefusals refusals;
  auto observe = [&metrics, &access_log](const http::Exchange& e) {
    metrics->Record(e.thread, api::RouteOf(e.request.target), e.status, e.duration);
    if (!access_log) return;
    access_log->Record(e.thread, {.request_id = e.request.id.view(),
                                  .remote = e.request.client_address,
                                  .method = MethodName(e.request),
                                  .target = e.request.target,
                                  .status = e.status,
                                  .bytes = e.body_bytes,
                                  .duration = e.duration,
                                  .from_memory = e.from_memory});
  };
  http::Server server(options, {.now = [&router](const api::Request& r) { return router->TryHandleNow(r); },
                                .blocking = [&router](const api::Request& r) { return router->Handle(r); },
                                .observe = observe});
  metrics = std::make_unique<observe::Metrics>(options.threads, [&] {
    std::vector<observe::Sample> samples = Gauges(cache, f.cache_bytes, server, options);
    AddFeedSamples(feed->get(), &coherence, samples);
    for (observe::Sample& sample : refusals.Samples()) samples.push_back(std::move(sample));
    return samples;
  });
  auto port = server.Listen();
  if (!port.ok()) {
    std::cerr << "taskshare: " << port.status().message() << "\n";
    return 1;
  }
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string bound = (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(*port);
  api::RouterOptions routing;
  routing.page = {.public_url = f.public_url, .site_name = "taskshare", .index = f.index_public};
  if (routing.page.public_url.empty()) routing.page.public_url = "http://" + bound;
  while (routing.page.public_url.ends_with('/')) routing.page.public_url.pop_back();
  routing.metrics = metrics.get();
  routing.metrics_public = f.metrics_public;
  routing.rate_limiter = &rate_limiter;
  routing.sharing = &sharing;
  routing.clock = clock.get();
  routing.redactors = &redactors;
  routing.views = &views;
  routing.quotas = f.quotas;
  routing.refusals = &refusals;
  router = std::make_unique<api::Router>(store, cache, routing);
  std::string database = UrlForLogs(f.db);
  if (!f.db_replica.empty()) database += " (read replica " + UrlForLogs(f.db_replica) + ")";
  if (*feed) database += ", listening for other nodes' changes";
  LogInfo("database " + database + ", " + std::to_string(options.threads) + " network threads, " +
          std::to_string(options.read_threads) + "+" + std::to_string(options.write_threads) +
          " read+write threads, " + std::to_string(f.cache_bytes >> 20) + " MiB response cache");
  LogInfo("share links: " + routing.page.public_url + "/share/{id}");
  if (f.sharing == "off") {
    LogInfo("sharing is off on this node (--sharing off), whatever the stored switch says");
  }
  if (redactors.box() == nullptr) {
    LogInfo("no secrets key (--secrets-key-file or TASKSHARE_SECRETS_KEY): secrets cannot be created, "
            "and shares of tasks naming stored secrets answer 503");
  }
  std::cerr << "taskshare listening on http://" << bound << std::endl;
  scheduler.Start();
  views.Start();
  server.Run();
  scheduler.Stop();
  views.Stop();  // after the last request: every view answered is flushed
  if (access_log) access_log->Flush();
  LogInfo("stopped");
  return 0;
}

}  // namespace

void AddServe(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the API and share links over HTTP");
  cmd->add_option("--listen", flags->listen, "Address to listen on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--db", flags->db,
                  "Database URL: sqlite:PATH (or a bare path), or postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
                  "for PostgreSQL, which several nodes can share")
      ->capture_default_str();
  cmd->add_option("--db-replica", flags->db_replica,
                  "PostgreSQL only: a read replica (postgresql://...) for share reads that miss the cache; "
                  "each read is confirmed current on --db, so a lagging replica never shows a revoked task");
  cmd->add_option("--threads", flags->threads, "Network threads (default: the CPUs the process may run on)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--read-threads", flags->read_threads,
                  "Threads (each with a database connection) for GET requests not answered from the cache "
                  "(default: the CPUs the process may run on)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--write-threads", flags->write_threads,
                  "Threads (each with a database connection) for requests that write")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--network-slice-us", flags->network_slice_us,
                  "Scheduler slice, in microseconds, that the network threads ask for (Linux 6.12 and later): "
                  "shorter than the other threads' slices, it lets a network thread that wakes take the CPU at "
                  "once; 0 keeps the kernel's default")
      ->capture_default_str()
      ->check(CLI::Range(0, 100'000));
  cmd->add_option("--public-url", flags->public_url, "Base URL of printed links (default: http://LISTEN)");
  cmd->add_option("--max-body-bytes", flags->max_body_bytes, "Largest request body; larger ones get 413")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  cmd->add_option("--max-header-bytes", flags->max_header_bytes,
                  "Largest request header block; larger get 431")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20));
  cmd->add_option("--idle-timeout", flags->idle_timeout,
                  "Seconds a keep-alive connection may wait for a request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--request-timeout", flags->request_timeout,
                  "Seconds to receive a whole request once it has begun (and to send a response)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--max-connections", flags->max_connections,
                  "Open connections at most; more are closed as soon as accepted")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--shutdown-grace", flags->shutdown_grace,
                  "Seconds requests in flight get to finish after SIGTERM or SIGINT")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  cmd->add_option("--cache-bytes", flags->cache_bytes,
                  "Memory budget of the share response cache; 0 disables it")
      ->capture_default_str();
  cmd->add_flag("--index-public", flags->index_public,
                "Let search engines index the pages of public tasks (unlisted ones are never indexed)");
  cmd->add_option("--access-log", flags->access_log,
                  "Where JSON access log lines go: stderr, off, or a file path")
      ->capture_default_str();
  cmd->add_flag("--metrics-public", flags->metrics_public,
                "Serve /metrics to anyone (by default it needs an admin's API key)");
  cmd->add_option(
         "--sharing", flags->sharing,
         "on: share links follow the switch stored in the database (admins set it at "
         "/api/v1/admin/sharing); off: this node answers every share link with 403 whatever is stored")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--rate-limit", flags->rate_limit,
                  "Share requests per second each client address may make on average; 0 turns limiting off")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--rate-burst", flags->rate_burst, "Share requests a client address may make at once")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  cmd->add_option("--trusted-proxy", flags->trusted_proxies,
                  "Address or CIDR block of a proxy whose X-Forwarded-For is believed (repeatable)");
  cmd->add_option("--secrets-key-file", flags->secrets_key_file,
                  "File holding the 32-byte key of users' secrets as 64 hex digits (openssl rand -hex 32), "
                  "private to its owner (chmod 600); "
                  "else the TASKSHARE_SECRETS_KEY environment variable; without either, secrets are off")
      ->check(CLI::ExistingFile);
  AddQuotaFlags(*cmd, flags->quotas);
  // No group: left out of --help. docs/testing.md.
  cmd->add_option("--scheduler-clock-file", flags->scheduler_clock_file,
                  "Tests only: read the scheduler's current time (RFC 3339) from this file")
      ->group("");
  cmd->add_option("--view-flush-ms", flags->view_flush_ms,
                  "Tests only: milliseconds between flushes of share view counts to the database")
      ->check(CLI::Range(10, 86'400'000))
      ->group("");
  cmd->callback([flags, &exit_code] { exit_code = Serve(*flags); });
}

}  // namespace taskshare::cli
