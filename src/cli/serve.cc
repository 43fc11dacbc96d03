#include <fcntl.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "api/admin_api.h"
#include "api/rate_limit.h"
#include "api/router.h"
#include "api/sign_in.h"
#include "auth/lazy_provider.h"
#include "cache/cache_coherence.h"
#include "cache/response_cache.h"
#include "cli/commands.h"
#include "cli/secrets_key.h"
#include "cli/serve_flags.h"
#include "common/log.h"
#include "common/strings.h"
#include "http/server.h"
#include "observe/access_log.h"
#include "observe/limit_refusals.h"
#include "observe/metrics.h"
#include "observe/view_counter.h"
#include "scheduler/scheduler.h"
#include "secrets/private_file.h"
#include "storage/change_feed.h"
#include "storage/database_url.h"
#include "storage/store.h"

namespace taskshare::cli {
namespace {

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
// The OpenID Connect client secret: from --oidc-client-secret-file (private to its owner), else from
// TASKSHARE_OIDC_CLIENT_SECRET; "" when sign-in is off. kInvalidArgument, never quoting the secret, when
// sign-in is on without a usable one.
Result<std::string> LoadOidcClientSecret(const ServeFlags& f) {
  if (f.oidc_issuer.empty()) return std::string();
  if (!f.oidc_client_secret_file.empty()) {
    auto text =
        secrets::ReadPrivateFile(f.oidc_client_secret_file, "OpenID Connect client secret file", 4096);
    if (!text.ok()) return text.status();
    std::string secret(Trim(*text));
    if (secret.empty()) {
      return Status::InvalidArgument("the OpenID Connect client secret file " + f.oidc_client_secret_file +
                                     " is empty");
    }
    return secret;
  }
  const char* env = std::getenv("TASKSHARE_OIDC_CLIENT_SECRET");
  if (env != nullptr && *env != '\0') return std::string(env);
  return Status::InvalidArgument(
      "--oidc-issuer needs the client secret: --oidc-client-secret-file or TASKSHARE_OIDC_CLIENT_SECRET");
}

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
void AddFeedSamples(const ChangeFeed* feed, const CacheCoherence* coherence,
                    std::vector<observe::Sample>& out) {
  if (feed == nullptr || coherence == nullptr) return;
  const auto d = [](auto v) { return static_cast<double>(v); };
  out.push_back({"taskshare_change_feed_up", "gauge",
                 "1 while the database change feed is subscribed; 0 while the response cache is bypassed.",
                 "", feed->up() ? 1.0 : 0.0});
  out.push_back({"taskshare_change_feed_changes_total", "counter",
                 "Task changes announced by the database (from any node).", "", d(coherence->changes())});
  out.push_back({"taskshare_change_feed_losses_total", "counter",
                 "Times the change feed's connection was lost.", "", d(coherence->losses())});
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
      {"taskshare_db_pool_threads", "gauge", "", R"(pool="costly")", d(options.read_threads)},
      {"taskshare_db_pool_requests", "gauge", "Requests queued for or running on a database pool.",
       R"(pool="read")", d(s.read_pool_busy)},
      {"taskshare_db_pool_requests", "gauge", "", R"(pool="write")", d(s.write_pool_busy)},
      {"taskshare_db_pool_requests", "gauge", "", R"(pool="costly")", d(s.costly_pool_busy)},
      {"taskshare_costly_reads_total", "counter",
       "Reads run on the costly reads' pool, at a lower priority: a read of the same operation on the "
       "same id (or by the same caller) took 2 ms of CPU time or more.",
       "", d(s.costly_reads)},
  };
}

int Serve(ServeFlags& f) {
  if (Status s = CheckServeFlags(f); !s.ok()) {
    std::cerr << "taskshare: " << s.message() << "\n";
    return kExitUsage;
  }
  http::ServerOptions options;
  SplitHostPort(f.listen, options.host, options.port);  // checked above
  options.threads = f.threads;
  options.read_threads = f.read_threads;
  options.write_threads = f.write_threads;
  options.network_slice = std::chrono::microseconds(f.network_slice_us);
  options.costly_read_nice = f.costly_read_nice;
  options.max_body_bytes = static_cast<std::size_t>(f.max_body_bytes);
  options.max_header_bytes = static_cast<std::size_t>(f.max_header_bytes);
  options.idle_timeout = std::chrono::seconds(f.idle_timeout);
  options.request_timeout = std::chrono::seconds(f.request_timeout);
  options.max_connections = f.max_connections;
  options.shutdown_grace = std::chrono::seconds(f.shutdown_grace);
  options.auth_header = f.auth_header;
  options.auth_groups_header = f.auth_groups_header;
  RaiseDescriptorLimit(f.max_connections);

  api::RateLimiter rate_limiter(
      {.rate = f.rate_limit, .burst = f.rate_burst, .trusted_proxies = f.trusted_proxies});
  const int log_fd = OpenAccessLog(f.access_log);
  if (log_fd == -1 && f.access_log != "off") {
    std::cerr << "taskshare: cannot open the access log " << f.access_log << "\n";
    return kExitFailed;
  }
  auto oidc_secret = LoadOidcClientSecret(f);
  if (!oidc_secret.ok()) {
    std::cerr << "taskshare: " << oidc_secret.status().message() << "\n";
    return kExitFailed;
  }
  auto secrets_key = LoadSecretsKey(f.secrets_key_file);
  if (!secrets_key.ok()) {
    std::cerr << "taskshare: " << secrets_key.status().message() << "\n";
    return kExitFailed;
  }
  // The time that decides behaviour (schedules, share expiry, the cache's expiry): the system's, or in
  // tests the one a file holds.
  std::unique_ptr<Clock> file_clock;
  if (!f.clock_file.empty()) {
    file_clock = std::make_unique<FileClock>(f.clock_file);
    LogInfo("the time is read from " + f.clock_file + " (--clock-file is for tests only)");
  }
  const Clock& clock = file_clock ? *file_clock : SystemTime();
  ResponseCache cache(static_cast<std::size_t>(f.cache_bytes), ResponseCache::kDefaultShards, &clock);
  secrets::ViewRedactors redactors(secrets_key->box.get());
  // This node's writes reach the cache before they are acknowledged: the store tells `own_writes` of
  // each (storage/change_reports.h). Other nodes' come through the change feed below.
  CacheCoherence own_writes(cache, &redactors);
  // A connection for each thread of the read, costly reads' and write pools (http/server.h).
  const StoreOptions store_options{.url = f.db,
                                   .connections = 2 * f.read_threads + f.write_threads,
                                   .replica_url = f.db_replica,
                                   .quotas = f.quotas,
                                   .changes = &own_writes};
  auto opened = OpenStore(store_options);
  if (!opened.ok()) {
    std::cerr << "taskshare: cannot open " << UrlForLogs(f.db) << ": " << opened.status().message() << " "
              << opened.status().detail() << "\n";
    return kExitFailed;
  }
  Store& store = **opened;
  if (secrets_key->box) {
    if (Status s = CheckSecretsKey(store, *secrets_key); !s.ok()) {
      std::cerr << "taskshare: " << s.message() << (s.detail().empty() ? "" : " " + s.detail()) << "\n";
      return kExitFailed;
    }
  }
  // Other nodes' writes reach the cache, and the kill switch, through the database's change feed (none
  // on SQLite). It is subscribed before the first request, while the cache is still empty.
  api::SharingSwitch sharing(store, f.sharing == "off");
  CacheCoherence coherence(cache, &redactors, [&sharing] { sharing.Refresh(); });
  auto feed = OpenChangeFeed(store_options, coherence);
  if (!feed.ok()) {
    std::cerr << "taskshare: cannot listen for changes on " << UrlForLogs(f.db) << ": "
              << feed.status().message() << " " << feed.status().detail() << "\n";
    return kExitFailed;
  }
  // Read once the feed is subscribed: any later change to the stored switch is announced.
  if (Status s = sharing.Load(); !s.ok()) {
    std::cerr << "taskshare: cannot read the sharing switch from " << UrlForLogs(f.db) << ": " << s.message()
              << " " << s.detail() << "\n";
    return kExitFailed;
  }
  // Every node runs a scheduler; on a shared PostgreSQL database one of them at a time acts.
  using std::chrono_literals::operator""ms;
  Scheduler scheduler(store, clock, {.poll_interval = f.clock_file.empty() ? 1000ms : 50ms});
  observe::ViewCounter views(store, std::chrono::milliseconds(f.view_flush_ms));
  std::unique_ptr<observe::AccessLog> access_log;
  if (log_fd != -1) access_log = std::make_unique<observe::AccessLog>(log_fd, options.threads);
  // The router needs the public URL, which needs the bound port; no request is read before Run().
  // So do sign-in (its cookies) and the provider (its redirect URI).
  std::unique_ptr<auth::LazyOidcProvider> provider;
  std::unique_ptr<api::SignIn> sign_in;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<observe::Metrics> metrics;
  observe::LimitRefusals refusals;
  auto observe = [&metrics, &access_log](const http::Exchange& e) {
    const observe::Route route =
        e.routing != nullptr ? e.routing->label() : api::Routing(e.request.target).label();
    metrics->Record(e.thread, route, e.status, e.duration);
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
  http::Server server(
      options, {.now = [&router](const api::Request& r) { return router->TryHandleNow(r); },
                .blocking = [&router](const api::Request& r,
                                      const api::Routing& routing) { return router->Handle(r, routing); },
                .observe = observe});
  metrics = std::make_unique<observe::Metrics>(options.threads, [&] {
    std::vector<observe::Sample> samples =
        Gauges(cache, static_cast<std::size_t>(f.cache_bytes), server, options);
    AddFeedSamples(feed->get(), &coherence, samples);
    for (observe::Sample& sample : refusals.Samples()) samples.push_back(std::move(sample));
    return samples;
  });
  auto port = server.Listen();
  if (!port.ok()) {
    std::cerr << "taskshare: " << port.status().message() << "\n";
    return kExitFailed;
  }
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string bound = (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(*port);
  api::RouterOptions routing;
  routing.page = {.public_url = f.public_url, .site_name = "taskshare", .index = f.index_public};
  if (routing.page.public_url.empty()) routing.page.public_url = "http://" + bound;
  routing.metrics = metrics.get();
  routing.metrics_public = f.metrics_public;
  routing.rate_limiter = &rate_limiter;
  routing.sharing = &sharing;
  routing.clock = &clock;
  routing.redactors = &redactors;
  routing.views = &views;
  routing.quotas = f.quotas;
  routing.refusals = &refusals;
  sign_in = std::make_unique<api::SignIn>(
      api::SignInOptions{.auth_header = f.auth_header,
                         .proxy_groups = !f.auth_groups_header.empty(),
                         .proxy_role_groups = {.admin = f.auth_admin_group, .support = f.auth_support_group},
                         .trusted_proxies = f.trusted_proxies,
                         .sessions = !f.oidc_issuer.empty(),
                         .public_url = routing.page.public_url,
                         .idle = std::chrono::minutes(f.session_idle_minutes),
                         .lifetime = std::chrono::hours(f.session_lifetime_hours),
                         .clock = &clock});
  routing.sign_in = sign_in.get();
  if (!f.oidc_issuer.empty()) {
    provider = std::make_unique<auth::LazyOidcProvider>(
        auth::OidcSettings{.issuer = f.oidc_issuer,
                           .client_id = f.oidc_client_id,
                           .client_secret = *oidc_secret,
                           .redirect_uri = routing.page.public_url + "/auth/callback"},
        clock);
    routing.oidc = {.provider = provider.get(),
                    .auto_create = f.oidc_auto_create,
                    .team_claim = f.oidc_team_claim,
                    .groups_claim = f.oidc_groups_claim,
                    .role_groups = {.admin = f.oidc_admin_group, .support = f.oidc_support_group}};
    routing.page.sign_in = true;
  }
  router = std::make_unique<api::Router>(store, cache, routing);
  std::string database = UrlForLogs(f.db);
  if (!f.db_replica.empty()) database += " (read replica " + UrlForLogs(f.db_replica) + ")";
  if (*feed) database += ", listening for other nodes' changes";
  LogInfo("database " + database + ", " + std::to_string(options.threads) + " network threads, " +
          std::to_string(options.read_threads) + "+" + std::to_string(options.write_threads) +
          " read+write threads, " + std::to_string(f.cache_bytes >> 20) + " MiB response cache");
  LogInfo("share links: " + routing.page.public_url + "/share/{id}");
  if (sign_in->proxy()) LogInfo("signed-in readers: named by " + f.auth_header + " from trusted proxies");
  if (provider) {
    LogInfo("sign-in: through " + f.oidc_issuer + ", callback " + routing.page.public_url + "/auth/callback");
    // Found now if it can be, so that a wrong issuer shows in the log at start; else at a sign-in.
    (void)provider->Ready();
  }
  if (f.sharing == "off") {
    LogInfo("sharing is off on this node (--sharing off), whatever the stored switch says");
  }
  if (redactors.box() == nullptr) {
    LogInfo(
        "no secrets key (--secrets-key-file or TASKSHARE_SECRETS_KEY): secrets cannot be created, "
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
  return kExitOk;
}

}  // namespace

void AddServe(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the API and share links over HTTP");
  AddServeFlags(*cmd, *flags);
  cmd->callback([flags, &exit_code] { exit_code = Serve(*flags); });
}

}  // namespace taskshare::cli
