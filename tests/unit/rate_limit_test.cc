// The token buckets of the anonymous endpoints and the client address they are charged to.
#include "api/rate_limit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
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
  // Four slots for a million addresses: they only take slots over from one another.
  RateLimiter limiter(Limits(1, 1, 4));
  for (int i = 0; i < 1'000'000; ++i) limiter.Take("10.0." + std::to_string(i), Clock::time_point{});
  SUCCEED();
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
