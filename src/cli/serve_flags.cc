#include "cli/serve_flags.h"

#include <arpa/inet.h>
#include <sched.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cmath>
#include <thread>

#include "api/trusted_proxies.h"
#include "cli/quota_flags.h"
#include "common/strings.h"
#include "common/url_host.h"

namespace taskshare::cli {
namespace {

// The CPUs this process may run on (its affinity mask, as taskset or a cpuset sets it), at least 1.
int UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Status BadFlag(std::string_view flag, std::string_view value, std::string_view rule) {
  return Status::InvalidArgument(std::string(flag) + " " + std::string(rule) + ", got \"" +
                                 std::string(value) + "\"");
}

// Ok if `url` is an absolute http or https URL with a host and at most a path.
Status CheckPublicUrl(std::string_view url) {
  constexpr std::string_view kRule =
      "must be an absolute http:// or https:// URL with a host and no user, query or fragment "
      "(https://share.example.org, or with a path prefix)";
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return BadFlag("--public-url", url, kRule);
  const std::string_view scheme = parsed->scheme();
  if (!EqualsIgnoringCase(scheme, "http") && !EqualsIgnoringCase(scheme, "https")) {
    return BadFlag("--public-url", url, kRule);
  }
  if (parsed->encoded_host().empty() || parsed->has_userinfo() || parsed->has_query() ||
      parsed->has_fragment()) {
    return BadFlag("--public-url", url, kRule);
  }
  // Refused at start rather than have every link and origin check name another host than the one given.
  if (HostMisread(*parsed)) {
    return BadFlag("--public-url", url,
                   "must not have a host name that begins like an IPv4 address (10.0.0.5.example.org); "
                   "use the address itself or another name");
  }
  return Status::Ok();
}

}  // namespace

bool SplitHostPort(const std::string& s, std::string& host, std::uint16_t& port) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = s.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  in6_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1 && inet_pton(AF_INET6, host.c_str(), &address) != 1) {
    return false;
  }
  try {
    size_t used = 0;
    const std::string digits = s.substr(colon + 1);
    if (digits.empty() || !std::isdigit(static_cast<unsigned char>(digits.front()))) return false;
    const unsigned long p = std::stoul(digits, &used);
    if (used != digits.size() || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

namespace {

// A proxy's header: a field name (RFC 9110 token characters) that no other part of the server reads.
Status CheckProxyHeaderName(const std::string& flag, const std::string& name) {
  const bool token = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (name.empty() || !token || name.size() > 100) return BadFlag(flag, name, "must be a header name");
  for (std::string_view taken :
       {"X-Api-Key", "Authorization", "X-Forwarded-For", "Cookie", "Host", "Content-Length",
        "Transfer-Encoding", "If-None-Match", "Accept-Encoding", "Expect", "Origin", "Referer"}) {
    if (EqualsIgnoringCase(name, taken))
      return BadFlag(flag, name, "is a header the server reads for something else");
  }
  return Status::Ok();
}

// A group a proxy's groups header can name: its list is split at commas and trimmed.
Status CheckProxyGroup(const std::string& flag, const std::string& group) {
  if (group.empty() || group.find(',') != std::string::npos || Trim(group) != group) {
    return BadFlag(flag, group, "must be a group name without commas or surrounding blanks");
  }
  return Status::Ok();
}

// --auth-header only with a proxy to believe it from (a header believed from every peer would let
// anyone sign in as anyone); --auth-groups-header only with it, and with a group to look for.
Status CheckProxyFlags(const ServeFlags& f) {
  if (!f.auth_header.empty()) {
    if (Status s = CheckProxyHeaderName("--auth-header", f.auth_header); !s.ok()) return s;
    if (f.trusted_proxies.empty()) {
      return BadFlag("--auth-header", f.auth_header,
                     "needs --trusted-proxy: the header is believed only from the proxies it names");
    }
  }
  const bool groups = !f.auth_admin_group.empty() || !f.auth_support_group.empty();
  if (f.auth_groups_header.empty()) {
    if (groups)
      return BadFlag("--auth-groups-header", "",
                     "is needed with --auth-admin-group and --auth-support-group");
    return Status::Ok();
  }
  if (Status s = CheckProxyHeaderName("--auth-groups-header", f.auth_groups_header); !s.ok()) return s;
  if (f.auth_header.empty()) return BadFlag("--auth-header", "", "is needed with --auth-groups-header");
  if (EqualsIgnoringCase(f.auth_groups_header, f.auth_header)) {
    return BadFlag("--auth-groups-header", f.auth_groups_header, "must differ from --auth-header");
  }
  if (!groups) {
    return BadFlag("--auth-groups-header", f.auth_groups_header,
                   "needs --auth-admin-group or --auth-support-group: the groups that give a role");
  }
  if (!f.auth_admin_group.empty()) {
    if (Status s = CheckProxyGroup("--auth-admin-group", f.auth_admin_group); !s.ok()) return s;
  }
  if (!f.auth_support_group.empty()) {
    if (Status s = CheckProxyGroup("--auth-support-group", f.auth_support_group); !s.ok()) return s;
  }
  return Status::Ok();
}

// The --oidc-* flags: all or none, and an issuer reached over https (or plain http on this machine).
Status CheckOidcFlags(const ServeFlags& f) {
  const bool any = !f.oidc_issuer.empty() || !f.oidc_client_id.empty() ||
                   !f.oidc_client_secret_file.empty() || f.oidc_auto_create || !f.oidc_team_claim.empty() ||
                   !f.oidc_admin_group.empty() || !f.oidc_support_group.empty();
  if (!any) return Status::Ok();
  if (f.oidc_issuer.empty()) return BadFlag("--oidc-issuer", "", "is needed with the other --oidc-* flags");
  if (f.oidc_client_id.empty()) return BadFlag("--oidc-client-id", "", "is needed with --oidc-issuer");
  auto url = boost::urls::parse_absolute_uri(f.oidc_issuer);
  const std::string scheme = url ? AsciiLower(url->scheme()) : std::string();
  const std::string host = url ? AsciiLower(url->host()) : std::string();
  const bool loopback = host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "::1";
  if (!url || !url->has_authority() || host.empty() || url->has_query() || url->has_fragment() ||
      !(scheme == "https" || (scheme == "http" && loopback))) {
    return BadFlag("--oidc-issuer", f.oidc_issuer,
                   "must be an https:// URL (http:// only to a loopback host), without query or fragment");
  }
  return Status::Ok();
}

}  // namespace

Status CheckServeFlags(ServeFlags& f) {
  std::string host;
  std::uint16_t port = 0;
  if (!SplitHostPort(f.listen, host, port)) {
    return BadFlag("--listen", f.listen,
                   "must be IPV4:PORT or [IPV6]:PORT, the address numeric (port 0 picks a free one)");
  }
  if (!f.public_url.empty()) {
    if (Status s = CheckPublicUrl(f.public_url); !s.ok()) return s;
    while (f.public_url.ends_with('/')) f.public_url.pop_back();
  }
  if (auto bad = api::InvalidTrustedProxies(f.trusted_proxies); !bad.empty()) {
    return BadFlag("--trusted-proxy", bad.front(), "must be an IP address or a CIDR block");
  }
  if (Status s = CheckProxyFlags(f); !s.ok()) return s;
  if (Status s = CheckOidcFlags(f); !s.ok()) return s;
  if (!std::isfinite(f.rate_limit)) {
    return BadFlag("--rate-limit", std::to_string(f.rate_limit), "must be a number from 0 to 1000000");
  }
  if (!std::isfinite(f.rate_burst)) {
    return BadFlag("--rate-burst", std::to_string(f.rate_burst), "must be a number from 1 to 1000000");
  }
  return Status::Ok();
}

void AddServeFlags(CLI::App& cmd, ServeFlags& flags) {
  flags.threads = UsableCpus();
  flags.read_threads = UsableCpus();
  cmd.add_option("--listen", flags.listen, "Address to listen on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  cmd.add_option("--db", flags.db,
                 "Database URL: sqlite:PATH (or a bare path), or postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
                 "for PostgreSQL, which several nodes can share")
      ->capture_default_str();
  cmd.add_option("--db-replica", flags.db_replica,
                 "PostgreSQL only: a read replica (postgresql://...) for share reads that miss the cache; "
                 "each read is confirmed current on --db, so a lagging replica never shows a revoked task");
  cmd.add_option("--threads", flags.threads, "Network threads (default: the CPUs the process may run on)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd.add_option("--read-threads", flags.read_threads,
                 "Threads (each with a database connection) for GET requests not answered from the cache "
                 "(default: the CPUs the process may run on)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd.add_option("--write-threads", flags.write_threads,
                 "Threads (each with a database connection) for requests that write")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd.add_option(
         "--network-slice-us", flags.network_slice_us,
         "Scheduler slice, in microseconds, that the network threads ask for (Linux 6.12 and later): "
         "shorter than the other threads' slices, it lets a network thread that wakes take the CPU at "
         "once; 0 keeps the kernel's default")
      ->capture_default_str()
      ->check(CLI::Range(0, 100'000));
  cmd.add_option("--costly-read-nice", flags.costly_read_nice,
                 "How much nicer (lower in priority) than the other threads the reads remembered as "
                 "costly run (those of an operation on an id, or by a caller, that took 2 ms of CPU "
                 "time or more): 0 to 19")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  cmd.add_option("--public-url", flags.public_url,
                 "Base URL of printed links, http:// or https:// (default: http://LISTEN)");
  cmd.add_option("--max-body-bytes", flags.max_body_bytes, "Largest request body; larger ones get 413")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
  cmd.add_option("--max-header-bytes", flags.max_header_bytes, "Largest request header block; larger get 431")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1024}, std::int64_t{1} << 20));
  cmd.add_option("--idle-timeout", flags.idle_timeout,
                 "Seconds a keep-alive connection may wait for a request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd.add_option("--request-timeout", flags.request_timeout,
                 "Seconds to receive a whole request once it has begun (and to send a response)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd.add_option("--max-connections", flags.max_connections,
                 "Open connections at most; more are closed as soon as accepted")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd.add_option("--shutdown-grace", flags.shutdown_grace,
                 "Seconds requests in flight get to finish after SIGTERM or SIGINT")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  cmd.add_option("--cache-bytes", flags.cache_bytes,
                 "Memory budget of the share response cache, at most 1 TiB; 0 disables it")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, kMaxCacheBytes));
  cmd.add_flag("--index-public", flags.index_public,
               "Let search engines index the pages of public tasks (unlisted ones are never indexed)");
  cmd.add_option("--access-log", flags.access_log,
                 "Where JSON access log lines go: stderr, off, or a file path")
      ->capture_default_str();
  cmd.add_flag("--metrics-public", flags.metrics_public,
               "Serve /metrics to anyone (by default it needs an admin's API key)");
  cmd.add_option(
         "--sharing", flags.sharing,
         "on: share links follow the switch stored in the database (admins set it at "
         "/api/v1/admin/sharing); off: this node answers every share link with 403 whatever is stored")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd.add_option(
         "--rate-limit", flags.rate_limit,
         "Share requests (and sign-ins started) per second each client address may make on average; 0 "
         "turns limiting off")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd.add_option("--rate-burst", flags.rate_burst,
                 "Share requests (and sign-ins started) a client address may make at once")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  cmd.add_option("--trusted-proxy", flags.trusted_proxies,
                 "Address or CIDR block of a proxy whose X-Forwarded-For (and --auth-header) is believed "
                 "(repeatable)");
  cmd.add_option("--auth-header", flags.auth_header,
                 "Header in which an authenticating proxy in front (oauth2-proxy, Authelia, Pomerium) names "
                 "the signed-in user's email, e.g. X-Forwarded-Email; believed from --trusted-proxy peers "
                 "only; signed-in users open the team, support and private links they may read on the page")
      ->envname("TASKSHARE_AUTH_HEADER");
  cmd.add_option(
         "--auth-groups-header", flags.auth_groups_header,
         "Header in which the proxy lists the user's groups, comma-separated (e.g. X-Forwarded-Groups); "
         "with it, --auth-admin-group and --auth-support-group decide a signed-in reader's role")
      ->envname("TASKSHARE_AUTH_GROUPS_HEADER");
  cmd.add_option("--auth-admin-group", flags.auth_admin_group,
                 "Readers the proxy lists in this group are admins (everyone else a plain user, or support)");
  cmd.add_option("--auth-support-group", flags.auth_support_group,
                 "Readers the proxy lists in this group are support users");
  cmd.add_option("--oidc-issuer", flags.oidc_issuer,
                 "Sign users in through this OpenID Connect provider (its issuer URL; https, or http to a "
                 "loopback host); they then open on the page the links they may read, and /app")
      ->envname("TASKSHARE_OIDC_ISSUER");
  cmd.add_option("--oidc-client-id", flags.oidc_client_id, "This server's client id at the provider")
      ->envname("TASKSHARE_OIDC_CLIENT_ID");
  cmd.add_option("--oidc-client-secret-file", flags.oidc_client_secret_file,
                 "File holding the client secret, private to its owner (chmod 600); else the "
                 "TASKSHARE_OIDC_CLIENT_SECRET environment variable")
      ->envname("TASKSHARE_OIDC_CLIENT_SECRET_FILE");
  cmd.add_flag("--oidc-auto-create", flags.oidc_auto_create,
               "Create a user on first sign-in (else only users added with `user add` may sign in)");
  cmd.add_option("--oidc-team-claim", flags.oidc_team_claim,
                 "Claim whose value (a string, or the first of an array) is the user's team, set at each "
                 "sign-in");
  cmd.add_option("--oidc-groups-claim", flags.oidc_groups_claim,
                 "Claim that lists the user's groups, for --oidc-admin-group and --oidc-support-group")
      ->capture_default_str();
  cmd.add_option("--oidc-admin-group", flags.oidc_admin_group,
                 "Members of this group are admins, set at each sign-in (with --oidc-support-group: everyone "
                 "else is a plain user)");
  cmd.add_option("--oidc-support-group", flags.oidc_support_group,
                 "Members of this group are support users, set at each sign-in");
  cmd.add_option("--session-idle-minutes", flags.session_idle_minutes,
                 "A browser session ends after this long unused")
      ->capture_default_str()
      ->check(CLI::Range(1, 60 * 24 * 30));
  cmd.add_option("--session-lifetime-hours", flags.session_lifetime_hours,
                 "A browser session ends this long after sign-in, used or not")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 90));
  // Not checked here: a key file that is missing or unreadable is found when it is read (exit 1).
  cmd.add_option("--secrets-key-file", flags.secrets_key_file,
                 "File holding the 32-byte key of users' secrets as 64 hex digits (openssl rand -hex 32), "
                 "private to its owner (chmod 600); "
                 "else the TASKSHARE_SECRETS_KEY environment variable; without either, secrets are off");
  AddQuotaFlags(cmd, flags.quotas);
  // No group: left out of --help. docs/testing.md.
  cmd.add_option("--clock-file,--scheduler-clock-file", flags.clock_file,
                 "Tests only: read the current time (RFC 3339) from this file")
      ->group("");
  cmd.add_option("--view-flush-ms", flags.view_flush_ms,
                 "Tests only: milliseconds between flushes of share view counts to the database")
      ->check(CLI::Range(10, 86'400'000))
      ->group("");
}

}  // namespace taskshare::cli
