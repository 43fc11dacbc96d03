#include "api/rate_limit.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "common/strings.h"

namespace taskshare::api {

RateLimiter::RateLimiter(RateLimitOptions options)
    : options_(std::move(options)),
      proxies_(options_.trusted_proxies),
      slots_(std::max<std::size_t>(options_.slots, 1)),
      buckets_(2 * slots_, Bucket{options_.burst, 0}) {
  if (sodium_init() < 0) throw std::runtime_error("rate limiter: libsodium failed to initialise");
  crypto_shorthash_keygen(key_.data());
}

std::string_view RateLimiter::ClientOf(const Request& request) const {
  if (request.forwarded_for.empty() || !proxies_.Trusts(request.client_address))
    return request.client_address;
  // Right to left: each trusted hop vouches for the address before it.
  std::string_view rest = request.forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!ParseIpAddress(hop)) break;  // garbage: count the request under the last trusted hop
    if (!proxies_.Trusts(hop) || rest.empty()) return hop;
  }
  return request.client_address;
}

std::array<std::size_t, 2> RateLimiter::SlotsOf(std::string_view client) const {
  static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);
  unsigned char hash[crypto_shorthash_BYTES];
  if (auto address = ParseIpAddress(Trim(client))) {
    // An IPv6 client is its /64: the interface half is the host's own to vary.
    if (!IsMappedIpv4(*address)) std::fill(address->begin() + 8, address->end(), 0);
    crypto_shorthash(hash, address->data(), address->size(), key_.data());
  } else {
    crypto_shorthash(hash, reinterpret_cast<const unsigned char*>(client.data()), client.size(), key_.data());
  }
  std::uint64_t h = 0;
  std::memcpy(&h, hash, sizeof h);
  // The halves of one keyed hash serve as the two tables' independent hashes.
  return {static_cast<std::size_t>((h & 0xffffffffu) % slots_), static_cast<std::size_t>((h >> 32) % slots_)};
}

void RateLimiter::Refill(Bucket& bucket, std::int64_t now_ns) const {
  const double elapsed = static_cast<double>(now_ns - bucket.last_ns) / 1e9;
  bucket.tokens = std::min(options_.burst, bucket.tokens + std::max(elapsed, 0.0) * options_.rate);
  bucket.last_ns = std::max(bucket.last_ns, now_ns);
}

int RateLimiter::Take(std::string_view client, std::chrono::steady_clock::time_point now) {
  if (!enabled()) return 0;
  const auto [slot0, slot1] = SlotsOf(client);
  const std::size_t first = slot0;
  const std::size_t second = slots_ + slot1;
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  // Two stripes, always locked lower first so that two requests cannot wait on each other.
  std::size_t low = first % stripes_.size();
  std::size_t high = second % stripes_.size();
  if (low > high) std::swap(low, high);
  std::unique_lock lock_low(stripes_[low]);
  std::unique_lock lock_high(stripes_[high], std::defer_lock);
  if (high != low) lock_high.lock();

  Bucket& a = buckets_[first];
  Bucket& b = buckets_[second];
  Refill(a, now_ns);
  Refill(b, now_ns);
  // Each bucket holds at most the client's own tokens (see the header), so the fuller one is the
  // closer estimate; taking from both keeps the invariant for every client counted in either.
  const double tokens = std::max(a.tokens, b.tokens);
  if (tokens >= 1) {
    a.tokens = std::max(a.tokens - 1, 0.0);
    b.tokens = std::max(b.tokens - 1, 0.0);
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - tokens) / options_.rate)));
}

}  // namespace taskshare::api
