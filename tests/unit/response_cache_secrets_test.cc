// ResponseCache::InvalidateSecret: a write of one owner's secret evicts exactly the cached views that
// were redacted with it, and no other owner's entries; a fill that depends on secrets and began before
// the write is dropped, one that depends on none is kept.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "cache/cached_response.h"
#include "cache/response_cache.h"

namespace taskshare {
namespace {

using Response = std::shared_ptr<const CachedResponse>;

constexpr char kAlice[] = "a1a1a1a1-0000-4000-8000-000000000001";
constexpr char kBob[] = "b0b0b0b0-0000-4000-8000-000000000002";

Response MakeResponse(const std::string& body) {
  return CachedResponse::Make(200, "application/json", body, CachedResponse::Policy::kRevalidate);
}

std::string Id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "5f0c6f5e-8a3e-4c57-9d7e-%012d", i);
  return buf;
}

void FillNow(ResponseCache& cache, const std::string& id, SecretsUsed used,
             CachedView view = CachedView::kShareJson) {
  const ResponseCache::Ticket ticket = cache.BeginFill(id);
  cache.Fill(ticket, id, view, MakeResponse("view of " + id), std::move(used));
}

bool Cached(ResponseCache& cache, const std::string& id, CachedView view = CachedView::kShareJson) {
  return cache.Peek(id, view) != nullptr;
}

TEST(ResponseCacheSecretsTest, AWriteEvictsOnlyTheViewsOfThatOwnerThatNameThatSecret) {
  ResponseCache cache(1 << 24, 4);
  FillNow(cache, Id(1), {kAlice, {"DB_PASSWORD"}});
  FillNow(cache, Id(1), {kAlice, {"DB_PASSWORD"}}, CachedView::kSharePage);
  FillNow(cache, Id(2), {kAlice, {"API_TOKEN", "DB_PASSWORD"}});
  FillNow(cache, Id(3), {kAlice, {"API_TOKEN"}});
  FillNow(cache, Id(4), {kAlice, {}});
  FillNow(cache, Id(5), {kBob, {"DB_PASSWORD"}});
  FillNow(cache, Id(6), {});

  cache.InvalidateSecret(kAlice, "DB_PASSWORD");

  EXPECT_FALSE(Cached(cache, Id(1)));
  EXPECT_FALSE(Cached(cache, Id(1), CachedView::kSharePage));
  EXPECT_FALSE(Cached(cache, Id(2)));
  EXPECT_TRUE(Cached(cache, Id(3))) << "names another secret of the owner";
  EXPECT_TRUE(Cached(cache, Id(4))) << "names no secret";
  EXPECT_TRUE(Cached(cache, Id(5))) << "another owner's secret of the same name";
  EXPECT_TRUE(Cached(cache, Id(6)));
  EXPECT_EQ(cache.stats().entries, 4U);

  cache.InvalidateSecret(kAlice, "API_TOKEN");
  EXPECT_FALSE(Cached(cache, Id(3)));
  EXPECT_TRUE(Cached(cache, Id(5)));
  cache.InvalidateSecret(kBob, "NOT_NAMED");
  EXPECT_TRUE(Cached(cache, Id(5)));
}

TEST(ResponseCacheSecretsTest, AFillThatDependsOnSecretsAndBeganBeforeAWriteIsDropped) {
  ResponseCache cache(1 << 24, 4);
  const ResponseCache::Ticket with = cache.BeginFill(Id(1));
  const ResponseCache::Ticket without = cache.BeginFill(Id(2));
  const ResponseCache::Ticket other_owner = cache.BeginFill(Id(3));
  cache.InvalidateSecret(kAlice, "DB_PASSWORD");
  cache.Fill(with, Id(1), CachedView::kShareJson, MakeResponse("old redaction"), {kAlice, {"DB_PASSWORD"}});
  cache.Fill(without, Id(2), CachedView::kShareJson, MakeResponse("no secrets"), {});
  cache.Fill(other_owner, Id(3), CachedView::kShareJson, MakeResponse("bob"), {kBob, {"X_TOKEN"}});
  EXPECT_FALSE(Cached(cache, Id(1)));
  EXPECT_TRUE(Cached(cache, Id(2))) << "a view that depends on no secret is not disturbed by a secret write";
  // Which owner a fill depends on is known only once it is built: any secret write drops it, which
  // costs that one request's fill, never an entry already cached.
  EXPECT_FALSE(Cached(cache, Id(3)));

  FillNow(cache, Id(1), {kAlice, {"DB_PASSWORD"}});
  EXPECT_TRUE(Cached(cache, Id(1))) << "a fill begun after the write is kept";
}

TEST(ResponseCacheSecretsTest, EvictedAndRefilledSlotsLeaveNoStaleIndexEntry) {
  ResponseCache cache(1 << 24, 1);
  FillNow(cache, Id(1), {kAlice, {"DB_PASSWORD"}});
  cache.Invalidate(Id(1));
  FillNow(cache, Id(1), {kAlice, {"API_TOKEN"}});  // the same task, refilled after a write
  cache.InvalidateSecret(kAlice, "DB_PASSWORD");
  EXPECT_TRUE(Cached(cache, Id(1))) << "the slot's dependencies are those of its latest fill";
  cache.InvalidateSecret(kAlice, "API_TOKEN");
  EXPECT_FALSE(Cached(cache, Id(1)));
  cache.Clear();
  FillNow(cache, Id(2), {kAlice, {"DB_PASSWORD"}});
  cache.InvalidateSecret(kAlice, "DB_PASSWORD");
  EXPECT_EQ(cache.stats().entries, 0U);
  EXPECT_EQ(cache.stats().bytes, 0U);
}

TEST(ResponseCacheSecretsTest, EvictionForRoomKeepsTheOwnerIndexConsistent) {
  const std::string body(4000, 'x');
  ResponseCache cache(3 * 4500, 1);  // room for about two such slots
  for (int i = 0; i < 50; ++i) {
    const ResponseCache::Ticket ticket = cache.BeginFill(Id(i));
    cache.Fill(ticket, Id(i), CachedView::kShareJson, MakeResponse(body), {kAlice, {"DB_PASSWORD"}});
  }
  EXPECT_GT(cache.stats().evictions, 0U);
  EXPECT_TRUE(Cached(cache, Id(49)));
  cache.InvalidateSecret(kAlice, "DB_PASSWORD");
  EXPECT_EQ(cache.stats().entries, 0U);
  EXPECT_EQ(cache.stats().bytes, 0U);
}

}  // namespace
}  // namespace taskshare
