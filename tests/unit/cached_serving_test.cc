// ServeThroughCache (api/cached_serving.h): concurrent misses of one view share one build; a write (or
// a secret write) between two misses keeps the later one from taking the earlier build's response; a
// response larger than a shard's budget is kept packed, and served again without a build.
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
  return {CachedResponse::Make(200, "application/json", body, CachedResponse::Policy::kRevalidate), {}, {}};
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

TEST(CachedServingTest, AMissAfterASecretWriteDoesNotTakeABuildBegunBeforeIt) {
  ResponseCache cache(1 << 20);
  std::atomic<bool> release{false};
  std::atomic<bool> building{false};
  std::string first;
  std::thread t([&] {
    first = BodyOf(ServeThroughCache(cache, CachedView::kShareJson, kId, {}, [&] {
      building = true;
      while (!release) std::this_thread::sleep_for(1ms);
      return Built("{\"v\":\"old\"}");
    }));
  });
  while (!building) std::this_thread::sleep_for(1ms);
  cache.InvalidateSecret("owner", "TOKEN");  // acknowledged before the next request arrives
  int builds = 0;
  const Response second = ServeThroughCache(cache, CachedView::kShareJson, kId, {}, [&] {
    ++builds;
    return Built("{\"v\":\"new\"}");
  });
  release = true;
  t.join();
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(BodyOf(second), "{\"v\":\"new\"}");
}

TEST(CachedServingTest, AResponseLargerThanAShardIsKeptPackedAndServedWithoutABuild) {
  ResponseCache cache(std::size_t{2} << 20, 1);  // one shard of 2 MiB
  std::string body = "[";
  while (body.size() < (std::size_t{6} << 20))
    body += "{\"role\":\"tool\",\"content\":\"scan output line\"},";
  body.back() = ']';
  int builds = 0;
  auto build = [&] {
    ++builds;
    return Built(body);
  };
  for (int i = 0; i < 3; ++i) {
    const Response r = ServeThroughCache(cache, CachedView::kShareJson, kId, {}, build);
    ASSERT_TRUE(r.cached);
    std::string served;
    ASSERT_TRUE(r.cached->UnpackBody(served));
    EXPECT_EQ(served, body);
  }
  EXPECT_EQ(builds, 1);
  EXPECT_LE(cache.stats().bytes, std::size_t{2} << 20);
}

// Cacheable is the one rule: a view's 200 and its 403 (not shared, expired) are kept until a write; a
// 400, 404, 429, 500 or 503 is built again for the next request.
TEST(CachedServingTest, OnlyThe200AndThe403OfAViewAreKept) {
  for (const int status : {200, 403, 400, 404, 429, 500, 503}) {
    ResponseCache cache(1 << 20);
    int builds = 0;
    auto build = [&]() -> BuiltResponse {
      ++builds;
      return {
          CachedResponse::Make(status, "application/json", "{}", CachedResponse::Policy::kNoStore), {}, {}};
    };
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(ServeThroughCache(cache, CachedView::kShareJson, kId, {}, build).cached->status(), status);
    }
    const bool kept = status == 200 || status == 403;
    EXPECT_EQ(Cacheable(status), kept) << status;
    EXPECT_EQ(builds, kept ? 1 : 2) << status;
  }
}

}  // namespace
}  // namespace taskshare::api
