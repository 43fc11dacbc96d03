// Rate limiting of the anonymous endpoints (the share JSON and the share page): a token bucket per
// client address, so that one address cannot take the server for itself, in memory that does not
// grow with the number of addresses.
//
// Buckets live in a fixed table of `slots` entries indexed by a hash of the address. An address whose
// slot holds another address takes the slot over with a full bucket: many addresses can only reset
// each other's buckets, never make the table grow. Slots are guarded by a fixed set of striped
// mutexes; Take() is a few dozen nanoseconds and never blocks on I/O, so it runs on network threads.
// Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"

namespace taskshare::api {

struct RateLimitOptions {
  double rate = 20;    // tokens added per second per address; 0 turns limiting off
  double burst = 100;  // the most tokens an address can hold (its first burst)
  std::size_t slots = 1 << 16;
  // Peers whose X-Forwarded-For is believed: exact addresses or CIDR blocks ("10.0.0.0/8", "::1").
  std::vector<std::string> trusted_proxies;
};

class RateLimiter {
 public:
  // Entries of trusted_proxies that do not parse are ignored: check them with InvalidTrustedProxies
  // first.
  explicit RateLimiter(RateLimitOptions options);

  // 0 if a request from `client` may go ahead now (taking a token), else how many whole seconds until
  // it may (at least 1).
  int Take(std::string_view client, std::chrono::steady_clock::time_point now);

  // The address a request is counted under: the peer's, or when the peer is a trusted proxy, the
  // right-most address of X-Forwarded-For that is not itself a trusted proxy. A view into `request`.
  std::string_view ClientOf(const Request& request) const;

  bool enabled() const { return options_.rate > 0; }

  // An address block of trusted_proxies: 16 bytes (IPv4 as ::ffff:a.b.c.d) and how many leading bits
  // count.
  struct Network {
    std::array<unsigned char, 16> bytes{};
    int bits = 128;
  };

 private:
  struct Slot {
    std::uint64_t key = 0;  // hash of the address; 0 for a free slot
    double tokens = 0;
    std::int64_t last_ns = 0;
  };
  bool Trusted(std::string_view address) const;

  RateLimitOptions options_;
  std::vector<Network> proxies_;
  std::vector<Slot> slots_;
  std::array<std::mutex, 64> stripes_;
};

// The entries of `proxies` that are neither an IP address nor a CIDR block (empty when all parse).
std::vector<std::string> InvalidTrustedProxies(const std::vector<std::string>& proxies);

}  // namespace taskshare::api
