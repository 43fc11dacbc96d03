// ServeThroughCache (api/cached_serving.h): concurrent misses of one view share one build, and a write
// between two misses keeps the later one from taking the earlier build's response.
#include "api/cached_serving.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace taskshare::api {
namespace {

using namespace std::chrono_literals;

constexpr char kId[] = "0f5a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b";

BuiltResponse Built(const std::string& body) {
  return {CachedResponse::Make(200, "application/json", body, CachedResponse::Policy::kRevalidate), true, {}};
}

std::string BodyOf(const Response& r) {
  return r.cached ? std::string(r.cached->body(CachedResponse::Variant::kIdentity)) : r.body;
}

TEST(CachedServingTest, ConcurrentMissesOfOneViewShareOneBuild) {
  ResponseCache cache(1 << 20);
  std::atomic<int> builds{0};
  std::atomic<bool> release{false};
  auto build = [&] {
    ++builds;
    while (!release) std::this_thread::sleep_for(1ms);
    return Built("{\"n\":1}");
  };
  std::vector<std::string> bodies(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back(
        [&, i] { bodies[i] = BodyOf(ServeThroughCache(cache, CachedView::kSharePage, kId, {}, build)); });
  }
  // Let every request reach its miss while the first build is held.
  std::this_thread::sleep_for(200ms);
  release = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(builds.load(), 1);
  for (const std::string& body : bodies) EXPECT_EQ(body, "{\"n\":1}");
}

TEST(CachedServingTest, AMissAfterAWriteDoesNotTakeABuildBegunBeforeIt) {
  ResponseCache cache(1 << 20);
  std::atomic<int> builds{0};
  std::atomic<bool> release{false};
  std::atomic<bool> building{false};
  auto old_build = [&] {
    ++builds;
    building = true;
    while (!release) std::this_thread::sleep_for(1ms);
    return Built("{\"v\":\"old\"}");
  };
  std::string first;
  std::thread t(
      [&] { first = BodyOf(ServeThroughCache(cache, CachedView::kShareJson, kId, {}, old_build)); });
  while (!building) std::this_thread::sleep_for(1ms);
  cache.Invalidate(kId);  // a write, acknowledged before the next request arrives
  const Response second = ServeThroughCache(cache, CachedView::kShareJson, kId, {}, [&] {
    ++builds;
    return Built("{\"v\":\"new\"}");
  });
  release = true;
  t.join();
  EXPECT_EQ(BodyOf(second), "{\"v\":\"new\"}");
  EXPECT_EQ(first, "{\"v\":\"old\"}");
  EXPECT_EQ(builds.load(), 2);
}

}  // namespace
}  // namespace taskshare::api
