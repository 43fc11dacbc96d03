// Rate limiting of the anonymous endpoints (the share JSON and the share page): a token bucket per
// client, so that one client cannot take the server for itself, in memory that does not grow with the
// number of clients.
//
// A client is its address, with one exception: an IPv6 client is its /64, since one host commonly has
// a whole /64 to itself (SLAAC and privacy addresses) and could otherwise spread its requests over as
// many buckets as it likes. IPv4, plain or mapped into IPv6 (::ffff:a.b.c.d), counts by the whole
// address; text that is not an address counts as itself.
//
// Buckets live in two tables of `slots` entries each, and a client is counted in one slot of each,
// picked by a keyed hash (SipHash with a key drawn at random per process, so that nobody can choose
// addresses that share slots). Clients whose slots coincide share those buckets. A request goes ahead
// when the fuller of its client's two buckets holds a token, and then takes a token from both (none
// goes below zero). Invariant: a bucket never holds more tokens than any client counted in it would
// hold in a bucket of its own, because every bucket starts full, refills at the same rate to the same
// cap, and loses a token whenever one of its clients goes ahead. So colliding clients can never help one
// another past the limit (the newcomer to a slot does not get a fresh bucket); a collision can only
// limit a client sooner, and only when both of its slots are shared with busy clients. The cost is that
// a caller with very many clients (a botnet, or many /64s) can drain most buckets and slow everyone:
// with every client already held to its own rate, that is the price of a fixed table.
//
// Slots are guarded by a fixed set of striped mutexes, the two of a request taken in a fixed order.
// Take() hashes the address on the stack, allocates nothing, never blocks on I/O and takes well under
// a microsecond, so it runs on network threads. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "api/trusted_proxies.h"

namespace taskshare::api {

struct RateLimitOptions {
  double rate = 20;    // tokens added per second per client; 0 turns limiting off
  double burst = 100;  // the most tokens a client can hold (its first burst)
  // Slots in each of the two tables (16 bytes a slot: 2 MiB in all at the default). At least 1; a
  // handful forces collisions in tests.
  std::size_t slots = 1 << 16;
  // Peers whose X-Forwarded-For is believed (api/trusted_proxies.h).
  std::vector<std::string> trusted_proxies;
};

class RateLimiter {
 public:
  // Entries of trusted_proxies that do not parse are ignored: check them with InvalidTrustedProxies
  // first. Throws std::runtime_error if libsodium cannot be initialised (for the hash key).
  explicit RateLimiter(RateLimitOptions options);

  // 0 if a request from `client` (an address, as ClientOf returns) may go ahead now (taking a token),
  // else how many whole seconds until it may (at least 1).
  int Take(std::string_view client, std::chrono::steady_clock::time_point now);

  // The address a request is counted under: the peer's, or when the peer is a trusted proxy, the
  // right-most address of X-Forwarded-For that is not itself a trusted proxy. A view into `request`.
  std::string_view ClientOf(const Request& request) const;

  // The slot of each table that `client` is counted in, for tests and diagnostics: two clients of the
  // same IPv6 /64 get the same pair.
  std::array<std::size_t, 2> SlotsOf(std::string_view client) const;

  bool enabled() const { return options_.rate > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t last_ns = 0;  // when `tokens` was last brought up to date
  };
  // Adds the tokens earned since the bucket's last use, up to the burst.
  void Refill(Bucket& bucket, std::int64_t now_ns) const;

  RateLimitOptions options_;
  TrustedProxies proxies_;
  std::size_t slots_;            // per table
  std::vector<Bucket> buckets_;  // table 0, then table 1
  std::array<unsigned char, 16> key_{};
  std::array<std::mutex, 64> stripes_;  // bucket i is guarded by stripes_[i % 64]
};

}  // namespace taskshare::api
