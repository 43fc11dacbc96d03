// The token buckets of the anonymous endpoints and the client address they are charged to.
#include "api/rate_limit.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <random>
#include <string>

namespace taskshare::api {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Options with the given rate and burst (and slots), the rest at their defaults.
RateLimitOptions Limits(double rate, double burst, std::size_t slots = RateLimitOptions{}.slots) {
  RateLimitOptions options;
  options.rate = rate;
  options.burst = burst;
  options.slots = slots;
  return options;
}

TEST(RateLimiterTest, AllowsTheBurstThenRefillsAtTheRate) {
  RateLimiter limiter(Limits(2, 3));
  const Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("203.0.113.7", t0), 0) << i;
  EXPECT_EQ(limiter.Take("203.0.113.7", t0), 1);  // empty: one token comes in half a second
  EXPECT_EQ(limiter.Take("198.51.100.1", t0), 0) << "another address has its own bucket";
  EXPECT_EQ(limiter.Take("203.0.113.7", t0 + 499ms), 1);
  // Refilled at 2 per second: two tokens after one second.
  EXPECT_EQ(limiter.Take("203.0.113.7", t0 + 1s), 0);
  EXPECT_EQ(limiter.Take("203.0.113.7", t0 + 1s), 0);
  EXPECT_EQ(limiter.Take("203.0.113.7", t0 + 1s), 1);
  // A long pause refills no more than the burst.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("203.0.113.7", t0 + 1h), 0) << i;
  EXPECT_GE(limiter.Take("203.0.113.7", t0 + 1h), 1);
}

TEST(RateLimiterTest, RetryAfterCoversTheWaitForOneToken) {
  RateLimiter limiter(Limits(0.1, 1));
  EXPECT_EQ(limiter.Take("a", Clock::time_point{}), 0);
  EXPECT_EQ(limiter.Take("a", Clock::time_point{}), 10);
}

TEST(RateLimiterTest, OffAtRateZero) {
  RateLimiter limiter(Limits(0, 1));
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Take("a", Clock::time_point{}), 0);
}

TEST(RateLimiterTest, MemoryIsFixedHoweverManyAddressesCall) {
  // Four slots a table for a million addresses: they only share buckets.
  RateLimiter limiter(Limits(1, 1, 4));
  for (int i = 0; i < 1'000'000; ++i) limiter.Take("10.0." + std::to_string(i), Clock::time_point{});
  SUCCEED();
}

TEST(RateLimiterTest, CollidingAddressesShareABurstRatherThanResetEachOther) {
  // One slot per table: every address collides with every other in both.
  RateLimiter limiter(Limits(1, 3, 1));
  const Clock::time_point t0{};
  int served = 0;
  for (int i = 0; i < 100; ++i) served += limiter.Take(i % 2 == 0 ? "203.0.113.7" : "198.51.100.1", t0) == 0;
  EXPECT_EQ(served, 3) << "alternating between two addresses of one slot escaped the limit";
  EXPECT_GE(limiter.Take("203.0.113.7", t0), 1);
  EXPECT_EQ(limiter.Take("198.51.100.1", t0 + 1s), 0) << "the shared bucket still refills";
}

// Addresses of 10.0.0.0/16 that land in the slots `wanted` picks, from the limiter's own (random) hash.
template <typename Wanted>
std::string FindAddress(const RateLimiter& limiter, Wanted wanted) {
  for (int i = 0; i < 65'536; ++i) {
    std::string address = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    if (wanted(limiter.SlotsOf(address))) return address;
  }
  ADD_FAILURE() << "no such address";
  return {};
}

TEST(RateLimiterTest, OnlyAnAddressWhoseSlotsAreBothDrainedIsLimited) {
  RateLimiter limiter(Limits(1, 3, 16));
  using Slots = std::array<std::size_t, 2>;
  const std::string a = "203.0.113.7";
  const Slots of_a = limiter.SlotsOf(a);
  const std::string twin = FindAddress(limiter, [&](const Slots& s) { return s == of_a; });
  const std::string half =
      FindAddress(limiter, [&](const Slots& s) { return s[0] == of_a[0] && s[1] != of_a[1]; });
  const Slots of_half = limiter.SlotsOf(half);
  const std::string apart = FindAddress(
      limiter, [&](const Slots& s) { return s[0] != of_a[0] && s[1] != of_a[1] && s[1] != of_half[1]; });
  const Clock::time_point t0{};
  int served = 0;
  for (int i = 0; i < 100; ++i) served += limiter.Take(i % 2 == 0 ? a : twin, t0) == 0;
  EXPECT_EQ(served, 3) << "two addresses in the same two slots share one burst";
  EXPECT_EQ(limiter.Take(apart, t0), 0) << "an address in other slots is served";
  // One shared slot is not enough to limit: its other bucket is its own.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take(half, t0), 0) << i;
  EXPECT_GE(limiter.Take(half, t0), 1);
}

// Many addresses on a tiny table, in a random order over time: every request the shared tables let
// through, the address's own bucket (a table large enough that nobody collides) lets through too.
TEST(RateLimiterTest, CollisionsOnlyEverLimitMoreThanAnAddressOwnBucket) {
  RateLimiter shared(Limits(2, 4, 8));
  RateLimiter own(Limits(2, 4));
  std::mt19937 random(7);
  Clock::time_point now{};
  int served = 0;
  for (int i = 0; i < 20'000; ++i) {
    // Steps of 1/64 s keep every token count exact in binary, so both limiters round alike.
    now += std::chrono::microseconds(15'625 * (random() % 2));
    const std::string client = "10.0.0." + std::to_string(random() % 40);
    if (shared.Take(client, now) != 0) continue;
    ++served;
    ASSERT_EQ(own.Take(client, now), 0) << client << " was let through past its own limit, request " << i;
  }
  EXPECT_GT(served, 0);
}

TEST(RateLimiterTest, AnIpv6ClientIsCountedByItsSlash64) {
  RateLimiter limiter(Limits(1, 2));
  const Clock::time_point t0{};
  EXPECT_EQ(limiter.Take("2001:db8:1:2::1", t0), 0);
  EXPECT_EQ(limiter.Take("2001:db8:1:2:ffff:1:2:3", t0), 0);
  EXPECT_GE(limiter.Take("2001:db8:1:2::99", t0), 1) << "another host of the same /64";
  EXPECT_EQ(limiter.Take("2001:db8:1:3::1", t0), 0) << "the next /64 is someone else";
  // IPv4, plain or mapped into IPv6, is counted by the whole address.
  EXPECT_EQ(limiter.Take("203.0.113.7", t0), 0);
  EXPECT_EQ(limiter.Take("::ffff:203.0.113.7", t0), 0);
  EXPECT_GE(limiter.Take("203.0.113.7", t0), 1);
  EXPECT_EQ(limiter.Take("::ffff:203.0.113.8", t0), 0);
}

Request From(std::string peer, std::string forwarded_for = {}) {
  Request r;
  r.client_address = std::move(peer);
  r.forwarded_for = std::move(forwarded_for);
  return r;
}

TEST(RateLimiterTest, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  RateLimiter untrusting(RateLimitOptions{});
  EXPECT_EQ(untrusting.ClientOf(From("203.0.113.7", "1.2.3.4")), "203.0.113.7");

  RateLimitOptions behind_proxies;
  behind_proxies.trusted_proxies = {"127.0.0.1", "10.0.0.0/8", "fd00::/8"};
  RateLimiter limiter(behind_proxies);
  EXPECT_EQ(limiter.ClientOf(From("127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(limiter.ClientOf(From("127.0.0.1", "198.51.100.9")), "198.51.100.9");
  // The right-most address that is not a trusted hop; what a client wrote further left is ignored.
  EXPECT_EQ(limiter.ClientOf(From("10.1.2.3", "6.6.6.6, 198.51.100.9, 10.9.9.9")), "198.51.100.9");
  EXPECT_EQ(limiter.ClientOf(From("fd12::1", "2001:db8::5")), "2001:db8::5");
  EXPECT_EQ(limiter.ClientOf(From("11.0.0.1", "198.51.100.9")), "11.0.0.1") << "11/8 is not trusted";
  // Garbage in the header counts against the proxy that passed it on.
  EXPECT_EQ(limiter.ClientOf(From("127.0.0.1", "not-an-address")), "127.0.0.1");
  // Only trusted hops: the left-most of them.
  EXPECT_EQ(limiter.ClientOf(From("127.0.0.1", "10.0.0.1")), "10.0.0.1");
}

TEST(RateLimiterTest, InvalidTrustedProxiesAreReported) {
  EXPECT_TRUE(InvalidTrustedProxies({"127.0.0.1", "::1", "10.0.0.0/8", "2001:db8::/32"}).empty());
  EXPECT_EQ(InvalidTrustedProxies({"10.0.0.0/33", "example.com", "1.2.3.4/x", "1.2.3.4"}),
            (std::vector<std::string>{"10.0.0.0/33", "example.com", "1.2.3.4/x"}));
}

}  // namespace
}  // namespace taskshare::api
