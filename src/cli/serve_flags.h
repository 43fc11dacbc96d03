// The flags of `serve`: their values, their registration on the command line (help text, defaults and
// the ranges CLI11 checks while it parses), and CheckServeFlags, the checks CLI11 cannot express.
//
// Every flag is checked before anything is opened (database, key file, access log, socket): a value
// refused by CLI11 or by CheckServeFlags is a bad command line, exit status kExitUsage (cli/commands.h)
// with a message naming the flag. What only the outside world can refuse (a database that cannot be
// opened, a key file that cannot be read, a port in use) is found later and exits kExitFailed.
//
// Sizes are read as signed numbers so that a negative one is refused by its range rather than
// wrapped around to a huge unsigned value; rates are refused when not finite (CLI11's ranges let NaN
// through, since every comparison with it is false).
//
// Not thread-safe: the command line is parsed once, at start; the flags must outlive the parse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/quotas.h"

namespace CLI {
class App;
}

namespace taskshare::cli {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string db = "sqlite:taskshare.db";
  std::string db_replica;
  // One network thread and one read thread a usable CPU (set by AddServeFlags): share misses on
  // SQLite are CPU work (the database's pages come from the page cache), and more threads than CPUs
  // only take turns.
  int threads = 1;
  int read_threads = 1;
  int write_threads = 4;
  // The network threads, which answer cached links, take the CPU at once when they wake, also from a
  // pool thread building a large view (docs/performance.md).
  int network_slice_us = 300;
  // Reads that were costly run apart, this much nicer (http/server.h), so that one account's expensive
  // views take the CPU only when serving everyone else leaves it free.
  int costly_read_nice = 19;
  // The base URL of links, without trailing slashes once checked; empty: http:// + the bound address.
  std::string public_url;
  std::int64_t max_body_bytes = 8 << 20;
  std::int64_t max_header_bytes = 16 << 10;
  int idle_timeout = 60;
  int request_timeout = 10;
  int max_connections = 10000;
  int shutdown_grace = 10;
  std::int64_t cache_bytes = std::int64_t{256} << 20;
  bool index_public = false;
  std::string access_log = "stderr";
  bool metrics_public = false;
  std::string sharing = "on";
  double rate_limit = 20;
  double rate_burst = 100;
  std::vector<std::string> trusted_proxies;
  std::string auth_header;         // the authenticating proxy's header (api/sign_in.h); empty: none
  std::string auth_groups_header;  // and its groups header; empty: none
  std::string auth_admin_group;
  std::string auth_support_group;
  // Sign-in through an OpenID Connect provider (docs/sign-in.md); off without an issuer.
  std::string oidc_issuer;
  std::string oidc_client_id;
  std::string oidc_client_secret_file;  // else TASKSHARE_OIDC_CLIENT_SECRET holds the secret itself
  bool oidc_auto_create = false;
  std::string oidc_team_claim;
  std::string oidc_groups_claim = "groups";
  std::string oidc_admin_group;
  std::string oidc_support_group;
  int session_idle_minutes = 8 * 60;
  int session_lifetime_hours = 7 * 24;
  std::string secrets_key_file;
  Quotas quotas;  // cli/quota_flags.h
  // Tests only, hidden from --help: the time that decides behaviour (schedules, share expiry, the
  // response cache's expiry) is read from this file (common/clock.h, FileClock) instead of the system
  // clock. Spelled --clock-file; --scheduler-clock-file is its older name.
  std::string clock_file;
  // Tests only, hidden from --help: how often share view counts are flushed to the database.
  int view_flush_ms = 1000;
};

// The largest --cache-bytes: 1 TiB, far above any machine this runs on.
inline constexpr std::int64_t kMaxCacheBytes = std::int64_t{1} << 40;

// Registers every flag of `serve` on `cmd`, writing into `flags`.
void AddServeFlags(CLI::App& cmd, ServeFlags& flags);

// Checks what CLI11's ranges cannot: --listen is IPV4:PORT or [IPV6]:PORT, the address numeric, --public-url
// an absolute http or https URL with a host and nothing after its path (no user, query or fragment; its
// trailing slashes are removed), every --trusted-proxy an address or a CIDR block, --auth-header a
// header name that the server reads for nothing else, given with at least one --trusted-proxy,
// --auth-groups-header another such name, only with --auth-header and with --auth-admin-group and/or
// --auth-support-group (group names without commas or surrounding blanks, only with it), the
// --oidc-* flags only with --oidc-issuer (an https URL, or http to a loopback host) and
// --oidc-client-id, --rate-limit and --rate-burst finite. Ok, or kInvalidArgument with a message that names
// the flag and the value.
Status CheckServeFlags(ServeFlags& flags);

// Splits "IPV4:PORT" or "[IPV6]:PORT" into the address (without brackets) and the port; false if `s`
// is neither, or its address is not a numeric IPv4 or IPv6 address.
bool SplitHostPort(const std::string& s, std::string& host, std::uint16_t& port);

}  // namespace taskshare::cli
