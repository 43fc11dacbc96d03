#include "cache/response_cache.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cache/cached_response.h"
#include "common/lz4.h"

namespace taskshare {
namespace {

using Response = std::shared_ptr<const CachedResponse>;

Response MakeResponse(std::size_t body_bytes, char fill = 'x') {
  return CachedResponse::Make(200, "application/json", std::string(body_bytes, fill),
                              CachedResponse::Policy::kRevalidate);
}

std::string Id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "5f0c6f5e-8a3e-4c57-9d7e-%012d", i);
  return buf;
}

void FillNow(ResponseCache& cache, const std::string& id, CachedView view, Response r) {
  const ResponseCache::Ticket ticket = cache.BeginFill(id);
  cache.Fill(ticket, id, view, std::move(r));
}

// What one slot holding `r` as its only view is charged, measured on a scratch cache.
std::size_t SlotCost(const std::string& id, const Response& r) {
  ResponseCache scratch(std::size_t{1} << 30, 1);
  FillNow(scratch, id, CachedView::kShareJson, r);
  return scratch.stats().bytes;
}

// A response of `body_bytes` repetitive bytes kept packed: one LZ4 piece.
Response MakePacked(std::size_t body_bytes) {
  const std::string body(body_bytes, 'p');
  PackedBody packed;
  packed.Add(Lz4Compress(body), body.size(), true);
  return CachedResponse::Make(200, "application/json", body, CachedResponse::Policy::kRevalidate)
      ->Packed(std::move(packed));
}

TEST(ResponseCacheTest, APackedViewReadOftenIsUnpackedInPlace) {
  ResponseCache cache(1 << 24);
  const std::string id = Id(1);
  const Response packed = MakePacked(20000);
  ASSERT_TRUE(packed->packed());
  FillNow(cache, id, CachedView::kShareJson, packed);
  EXPECT_EQ(cache.stats().bytes, ResponseCache::SlotCharge(id, packed->bytes()));
  for (std::uint32_t i = 1; i < ResponseCache::kUnpackAfterHits; ++i) {
    ASSERT_EQ(cache.Get(id, CachedView::kShareJson), packed) << "hit " << i;
    ASSERT_NE(cache.Peek(id, CachedView::kShareJson), nullptr);  // a Peek is no hit
  }
  const Response whole = cache.Get(id, CachedView::kShareJson);
  ASSERT_NE(whole, nullptr);
  EXPECT_FALSE(whole->packed());
  EXPECT_EQ(whole->body(), std::string(20000, 'p'));
  EXPECT_EQ(whole->etag(), packed->etag());
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), whole);
  EXPECT_EQ(cache.stats().bytes, ResponseCache::SlotCharge(id, whole->bytes()));
  EXPECT_GT(whole->bytes(), packed->bytes() * 10);
  // A new fill starts the count again.
  FillNow(cache, id, CachedView::kShareJson, packed);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), packed);
}

TEST(ResponseCacheTest, UnpackingEvictsColderSlotsAndNeverTheSlotItself) {
  const Response packed = MakePacked(20000);
  // One shard with room for the unpacked view and a few packed ones, not for both.
  const std::size_t budget = ResponseCache::SlotCharge(Id(0), packed->Unpacked()->bytes()) + 100;
  ResponseCache cache(budget, 1);
  for (int i = 0; i < 4; ++i) FillNow(cache, Id(i), CachedView::kShareJson, packed);
  ASSERT_EQ(cache.stats().entries, 4u);
  for (std::uint32_t i = 0; i < ResponseCache::kUnpackAfterHits; ++i) {
    cache.Get(Id(3), CachedView::kShareJson);
  }
  const Response whole = cache.Get(Id(3), CachedView::kShareJson);
  ASSERT_NE(whole, nullptr);
  EXPECT_FALSE(whole->packed());
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_LE(cache.stats().bytes, budget);

  // Where even the slot alone would not fit unpacked, the view stays packed.
  ResponseCache tight(ResponseCache::SlotCharge(Id(0), packed->bytes()) + 100, 1);
  FillNow(tight, Id(0), CachedView::kShareJson, packed);
  for (std::uint32_t i = 0; i <= ResponseCache::kUnpackAfterHits; ++i) {
    ASSERT_EQ(tight.Get(Id(0), CachedView::kShareJson), packed);
  }
}

TEST(ResponseCacheTest, MissFillHit) {
  ResponseCache cache(1 << 20);
  const std::string id = Id(1);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);
  Response r = MakeResponse(100);
  FillNow(cache, id, CachedView::kShareJson, r);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), r);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), r);
  const ResponseCache::Stats s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_GE(s.bytes, r->bytes() + id.size());
  EXPECT_EQ(s.evictions, 0u);
  EXPECT_EQ(cache.budget_bytes(), std::size_t{1} << 20);

  // A second look on behalf of a counted request finds the same and counts nothing.
  EXPECT_EQ(cache.Peek(id, CachedView::kShareJson), r);
  EXPECT_EQ(cache.Peek(Id(2), CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_EQ(cache.stats().misses, 1u);
}

// A response with an expires_at is served until the cache's clock reaches it, whatever the wall clock
// says (the expiry here is long past by the wall clock).
TEST(ResponseCacheTest, AResponseExpiresByTheCachesClock) {
  constexpr std::int64_t kExpiresAt = 1'000'000'000'000'000;
  ManualClock clock(kExpiresAt - 2);
  ResponseCache cache(1 << 20, 1, &clock);
  const std::string id = Id(1);
  const Response r = CachedResponse::Make(200, "application/json", "{}", CachedResponse::Policy::kRevalidate,
                                          {}, kExpiresAt);
  FillNow(cache, id, CachedView::kShareJson, r);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), r);
  clock.Set(kExpiresAt - 1);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), r);
  clock.Set(kExpiresAt);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.Peek(id, CachedView::kShareJson), nullptr);
}

TEST(ResponseCacheTest, NullResponseIsNotStored) {
  ResponseCache cache(1 << 20);
  FillNow(cache, Id(1), CachedView::kShareJson, nullptr);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(ResponseCacheTest, ViewsAreKeptApart) {
  ResponseCache cache(1 << 20);
  const std::string id = Id(1);
  Response json = MakeResponse(100, 'j');
  FillNow(cache, id, CachedView::kShareJson, json);
  EXPECT_EQ(cache.Get(id, CachedView::kSharePage), nullptr);
  Response page = MakeResponse(200, 'p');
  FillNow(cache, id, CachedView::kSharePage, page);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), json);
  EXPECT_EQ(cache.Get(id, CachedView::kSharePage), page);
  EXPECT_EQ(cache.stats().entries, 1u) << "both views live in one slot";
}

TEST(ResponseCacheTest, InvalidateDropsEveryViewAndOnlyThatId) {
  ResponseCache cache(1 << 20);
  Response other = MakeResponse(100, 'o');
  FillNow(cache, Id(2), CachedView::kShareJson, other);
  const std::size_t other_bytes = cache.stats().bytes;
  FillNow(cache, Id(1), CachedView::kShareJson, MakeResponse(100, 'j'));
  FillNow(cache, Id(1), CachedView::kSharePage, MakeResponse(300, 'p'));
  ASSERT_EQ(cache.stats().entries, 2u);

  cache.Invalidate(Id(1));
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kSharePage), nullptr);
  EXPECT_EQ(cache.Get(Id(2), CachedView::kShareJson), other);
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().bytes, other_bytes);

  cache.Invalidate(Id(3));  // not cached: a no-op for the contents
  EXPECT_EQ(cache.Get(Id(2), CachedView::kShareJson), other);
  EXPECT_EQ(cache.stats().bytes, other_bytes);
}

TEST(ResponseCacheTest, ReplacingAViewUpdatesAccounting) {
  ResponseCache cache(1 << 24);
  const std::string id = Id(1);
  Response big = MakeResponse(50000);
  Response small = MakeResponse(100);
  FillNow(cache, id, CachedView::kShareJson, big);
  EXPECT_EQ(cache.stats().bytes, ResponseCache::SlotCharge(id, big->bytes()));
  FillNow(cache, id, CachedView::kShareJson, small);
  EXPECT_EQ(cache.stats().bytes, ResponseCache::SlotCharge(id, small->bytes()));
  EXPECT_GT(ResponseCache::SlotCharge(id, small->bytes()), small->bytes() + id.size());
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), small);
  EXPECT_EQ(cache.stats().entries, 1u);

  Response page = MakeResponse(700);
  FillNow(cache, id, CachedView::kSharePage, page);
  EXPECT_EQ(cache.stats().bytes, ResponseCache::SlotCharge(id, small->bytes() + page->bytes()));
  FillNow(cache, id, CachedView::kShareJson, big);
  EXPECT_EQ(cache.stats().bytes, ResponseCache::SlotCharge(id, big->bytes() + page->bytes()));

  cache.Invalidate(id);
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(ResponseCacheTest, FillWithTicketTakenBeforeInvalidateIsDropped) {
  ResponseCache cache(1 << 20);
  const std::string id = Id(1);
  const ResponseCache::Ticket stale = cache.BeginFill(id);
  cache.Invalidate(id);
  cache.Fill(stale, id, CachedView::kShareJson, MakeResponse(100));
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);

  // A ticket taken after the invalidation fills normally.
  Response fresh = MakeResponse(100);
  FillNow(cache, id, CachedView::kShareJson, fresh);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), fresh);
}

TEST(ResponseCacheTest, StaleFillDoesNotReplaceWhatWasInvalidated) {
  ResponseCache cache(1 << 20);
  const std::string id = Id(1);
  FillNow(cache, id, CachedView::kShareJson, MakeResponse(100, 'a'));
  const ResponseCache::Ticket stale = cache.BeginFill(id);
  cache.Invalidate(id);
  cache.Fill(stale, id, CachedView::kSharePage, MakeResponse(100, 'b'));
  cache.Fill(stale, id, CachedView::kShareJson, MakeResponse(100, 'c'));
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.Get(id, CachedView::kSharePage), nullptr);
}

TEST(ResponseCacheTest, InvalidationInAnotherShardDoesNotDropAFill) {
  ResponseCache cache(1 << 20, 16);
  const std::string id = Id(1);
  const ResponseCache::Ticket ticket = cache.BeginFill(id);
  std::string elsewhere;
  for (int i = 2; i < 1000 && elsewhere.empty(); ++i) {
    if (cache.BeginFill(Id(i)).shard != ticket.shard) elsewhere = Id(i);
  }
  ASSERT_FALSE(elsewhere.empty());
  cache.Invalidate(elsewhere);
  Response r = MakeResponse(100);
  cache.Fill(ticket, id, CachedView::kShareJson, r);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), r);
}

TEST(ResponseCacheTest, ClearDropsEverythingAndEarlierFills) {
  ResponseCache cache(1 << 20, 8);
  for (int i = 0; i < 20; ++i) FillNow(cache, Id(i), CachedView::kShareJson, MakeResponse(100));
  ASSERT_EQ(cache.stats().entries, 20u);
  std::vector<ResponseCache::Ticket> tickets;
  for (int i = 0; i < 20; ++i) tickets.push_back(cache.BeginFill(Id(100 + i)));
  cache.Clear();
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(cache.Get(Id(i), CachedView::kShareJson), nullptr) << i;
  for (int i = 0; i < 20; ++i) cache.Fill(tickets[i], Id(100 + i), CachedView::kShareJson, MakeResponse(100));
  EXPECT_EQ(cache.stats().entries, 0u) << "fills begun before Clear() are dropped";
  Response r = MakeResponse(100);
  FillNow(cache, Id(1), CachedView::kShareJson, r);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), r);
}

TEST(ResponseCacheTest, ZeroBudgetDisablesTheCache) {
  ResponseCache cache(0);
  FillNow(cache, Id(1), CachedView::kShareJson, MakeResponse(10));
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), nullptr);
  cache.Invalidate(Id(1));
  cache.Clear();
  const ResponseCache::Stats s = cache.stats();
  EXPECT_EQ(s.entries, 0u);
  EXPECT_EQ(s.bytes, 0u);
  EXPECT_EQ(s.hits, 0u);
}

TEST(ResponseCacheTest, LeastRecentlyUsedIsEvictedFirst) {
  const Response r = MakeResponse(1000);
  const std::size_t cost = SlotCost(Id(0), r);
  ResponseCache cache(3 * cost, 1);
  FillNow(cache, Id(0), CachedView::kShareJson, r);
  FillNow(cache, Id(1), CachedView::kShareJson, r);
  FillNow(cache, Id(2), CachedView::kShareJson, r);
  ASSERT_EQ(cache.stats().entries, 3u);
  ASSERT_EQ(cache.stats().evictions, 0u);

  // A hit on the oldest makes Id(1) the least recently used.
  ASSERT_EQ(cache.Get(Id(0), CachedView::kShareJson), r);
  FillNow(cache, Id(3), CachedView::kShareJson, r);
  EXPECT_EQ(cache.stats().evictions, 1u);
  EXPECT_EQ(cache.stats().entries, 3u);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), nullptr);
  EXPECT_NE(cache.Get(Id(0), CachedView::kShareJson), nullptr);
  EXPECT_NE(cache.Get(Id(2), CachedView::kShareJson), nullptr);
  EXPECT_NE(cache.Get(Id(3), CachedView::kShareJson), nullptr);
  EXPECT_LE(cache.stats().bytes, cache.budget_bytes());

  // Recency is now 3, 2, 0 from hottest to coldest (the Gets above ran 0, 2, 3): 0 goes next.
  FillNow(cache, Id(4), CachedView::kShareJson, r);
  EXPECT_EQ(cache.Get(Id(0), CachedView::kShareJson), nullptr);
  EXPECT_NE(cache.Get(Id(2), CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.stats().evictions, 2u);
}

TEST(ResponseCacheTest, RefillingAViewRefreshesRecency) {
  const Response r = MakeResponse(1000);
  const std::size_t cost = SlotCost(Id(0), r);
  ResponseCache cache(3 * cost, 1);
  for (int i = 0; i < 3; ++i) FillNow(cache, Id(i), CachedView::kShareJson, r);
  FillNow(cache, Id(0), CachedView::kShareJson, r);
  FillNow(cache, Id(3), CachedView::kShareJson, r);
  EXPECT_NE(cache.Get(Id(0), CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), nullptr);
}

TEST(ResponseCacheTest, EvictsAsManyAsNeededForALargeEntry) {
  const Response small = MakeResponse(1000);
  const std::size_t cost = SlotCost(Id(0), small);
  ResponseCache cache(4 * cost, 1);
  for (int i = 0; i < 4; ++i) FillNow(cache, Id(i), CachedView::kShareJson, small);
  ASSERT_EQ(cache.stats().entries, 4u);
  // Needs the room of between two and three small slots: the three coldest go, the hottest stays.
  const Response large = MakeResponse(2 * cost + cost / 4);
  const std::size_t large_cost = SlotCost(Id(10), large);
  ASSERT_GT(large_cost, 2 * cost);
  ASSERT_LE(large_cost, 3 * cost);
  FillNow(cache, Id(10), CachedView::kShareJson, large);
  EXPECT_EQ(cache.Get(Id(10), CachedView::kShareJson), large);
  EXPECT_EQ(cache.stats().evictions, 3u);
  EXPECT_NE(cache.Get(Id(3), CachedView::kShareJson), nullptr);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(cache.Get(Id(i), CachedView::kShareJson), nullptr) << i;
  EXPECT_LE(cache.stats().bytes, cache.budget_bytes());
}

TEST(ResponseCacheTest, ResponseLargerThanAShardIsNotStored) {
  constexpr std::size_t kShards = 4;
  constexpr std::size_t kBudget = kShards * 10000;
  ResponseCache cache(kBudget, kShards);
  // Larger than a shard's 10,000 bytes but well within the whole budget.
  const Response huge = MakeResponse(20000);
  ASSERT_GT(huge->bytes(), kBudget / kShards);
  ASSERT_LT(huge->bytes(), kBudget);
  const Response small = MakeResponse(100);
  FillNow(cache, Id(1), CachedView::kShareJson, small);
  FillNow(cache, Id(1), CachedView::kSharePage, huge);
  FillNow(cache, Id(2), CachedView::kShareJson, huge);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kSharePage), nullptr);
  EXPECT_EQ(cache.Get(Id(2), CachedView::kShareJson), nullptr);
  EXPECT_LE(cache.stats().bytes, kBudget / kShards);
}

TEST(ResponseCacheTest, BudgetBelowOneSlotPerShardStoresNothing) {
  ResponseCache cache(100, 64);
  FillNow(cache, Id(1), CachedView::kShareJson, MakeResponse(1));
  EXPECT_EQ(cache.Get(Id(1), CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

// Each view is stored if it alone fits a shard; the views of one slot together may not, in which case
// the cache may drop the other view, but it must keep the one it was just given.
TEST(ResponseCacheTest, ViewWithinShardBudgetIsStoredBesideALargeSibling) {
  constexpr std::size_t kBudget = 100000;
  ResponseCache cache(kBudget, 1);
  const Response json = MakeResponse(60000, 'j');
  const Response page = MakeResponse(60000, 'p');
  ASSERT_LT(page->bytes() + Id(1).size() + 1024, kBudget);
  FillNow(cache, Id(1), CachedView::kShareJson, json);
  ASSERT_EQ(cache.Get(Id(1), CachedView::kShareJson), json);
  FillNow(cache, Id(1), CachedView::kSharePage, page);
  EXPECT_EQ(cache.Get(Id(1), CachedView::kSharePage).get(), page.get()) << "the view just filled was dropped";
  EXPECT_LE(cache.stats().bytes, kBudget);
}

TEST(ResponseCacheTest, BytesNeverExceedTheBudget) {
  constexpr std::size_t kBudget = 200000;
  ResponseCache cache(kBudget, 8);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> id_of(0, 199);
  std::uniform_int_distribution<std::size_t> size_of(0, 30000);
  std::uniform_int_distribution<int> op(0, 9);
  for (int step = 0; step < 5000; ++step) {
    const std::string id = Id(id_of(rng));
    const int o = op(rng);
    if (o == 0) {
      cache.Invalidate(id);
    } else if (o <= 3) {
      cache.Get(id, CachedView::kShareJson);
    } else {
      FillNow(cache, id, o % 2 == 0 ? CachedView::kShareJson : CachedView::kSharePage,
              MakeResponse(size_of(rng)));
    }
    ASSERT_LE(cache.stats().bytes, kBudget) << "step " << step;
  }
  EXPECT_GT(cache.stats().evictions, 0u);
  for (int i = 0; i < 200; ++i) cache.Invalidate(Id(i));
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

// Writers commit a new version of a task, invalidate it and only then acknowledge the version; fillers
// take a ticket, read the current version and, a moment later, fill a response carrying it; readers
// check that nothing they get is older than a version acknowledged before their Get(). The threads run
// for a fixed time so that every kind overlaps every other even on two loaded cores.
TEST(ResponseCacheTest, ConcurrentReadersWritersAndFillersNeverServeRevokedData) {
  constexpr int kIds = 16;
  constexpr int kReaders = 3;
  constexpr int kWriters = 2;
  constexpr int kFillers = 3;
  constexpr auto kRunFor = std::chrono::milliseconds(300);
  ResponseCache cache(64 * 1024, 4);  // small enough that fills evict

  std::vector<std::string> ids;
  for (int i = 0; i < kIds; ++i) ids.push_back(Id(i));
  std::array<std::atomic<std::uint64_t>, kIds> committed{};
  std::array<std::atomic<std::uint64_t>, kIds> acknowledged{};
  std::atomic<std::uint64_t> gets{0}, stale{0}, served{0}, fills{0};
  std::atomic<bool> go{false}, stop{false};
  auto await_go = [&go] {
    while (!go.load()) std::this_thread::yield();
  };
  auto version_of = [](const CachedResponse& r) { return std::stoull(r.body().substr(2, 20)); };

  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      await_go();
      for (int n = 0; !stop.load(); ++n) {
        const int i = static_cast<int>(rng() % kIds);
        const CachedView view = (n & 1) ? CachedView::kSharePage : CachedView::kShareJson;
        if (n % 64 == 63) std::this_thread::yield();
        const std::uint64_t floor = acknowledged[i].load();
        Response r = cache.Get(ids[i], view);
        gets.fetch_add(1);
        if (!r) continue;
        served.fetch_add(1);
        if (version_of(*r) < floor) stale.fetch_add(1);
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(200 + t);
      await_go();
      for (int n = 0; !stop.load(); ++n) {
        const int i = static_cast<int>(rng() % kIds);
        const std::uint64_t v = committed[i].fetch_add(1) + 1;
        cache.Invalidate(ids[i]);
        std::uint64_t seen = acknowledged[i].load();
        while (seen < v && !acknowledged[i].compare_exchange_weak(seen, v)) {
        }
        if (n % 2000 == 1999) cache.Clear();
        std::this_thread::yield();
      }
    });
  }
  for (int t = 0; t < kFillers; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(300 + t);
      await_go();
      for (int n = 0; !stop.load(); ++n) {
        const int i = static_cast<int>(rng() % kIds);
        const CachedView view = (rng() & 1) ? CachedView::kSharePage : CachedView::kShareJson;
        const ResponseCache::Ticket ticket = cache.BeginFill(ids[i]);
        const std::uint64_t v = committed[i].load();
        // The time a real filler spends reading and rendering: writes land meanwhile.
        if (n % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(20));
        std::string body = "v=" + std::to_string(v) + ";";
        body.resize(body.size() + rng() % 6000, 'x');
        cache.Fill(ticket, ids[i], view,
                   CachedResponse::Make(200, "application/json", std::move(body),
                                        CachedResponse::Policy::kRevalidate));
        fills.fetch_add(1);
      }
    });
  }
  go.store(true);
  std::this_thread::sleep_for(kRunFor);
  stop.store(true);
  for (auto& th : threads) th.join();

  EXPECT_EQ(stale.load(), 0u) << "of " << served.load() << " responses served";
  EXPECT_GT(served.load(), 0u);
  EXPECT_GT(fills.load(), 0u);
  const ResponseCache::Stats s = cache.stats();
  EXPECT_EQ(s.hits + s.misses, gets.load());
  EXPECT_EQ(s.hits, served.load());
  EXPECT_LE(s.bytes, cache.budget_bytes());
  EXPECT_LE(s.entries, static_cast<std::size_t>(kIds));
  EXPECT_GT(s.evictions, 0u);

  // Quiescent now: whatever is left is the newest committed data, and the charges add up to zero once
  // every slot is dropped.
  for (int i = 0; i < kIds; ++i) {
    for (CachedView view : {CachedView::kShareJson, CachedView::kSharePage}) {
      if (Response r = cache.Get(ids[i], view)) {
        EXPECT_EQ(version_of(*r), committed[i].load()) << i;
      }
    }
  }
  for (int i = 0; i < kIds; ++i) cache.Invalidate(ids[i]);
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

}  // namespace
}  // namespace taskshare

namespace taskshare {
namespace {

// Suspend() empties the cache and keeps it empty until Resume(), which empties it again: no response
// whose data may have been read before Resume() is ever stored.
TEST(ResponseCacheSuspensionTest, SuspendedCacheMissesAndStoresNothingUntilResumed) {
  ResponseCache cache(1 << 20);
  const std::string id = Id(1);
  FillNow(cache, id, CachedView::kShareJson, MakeResponse(100));
  const ResponseCache::Ticket before_suspend = cache.BeginFill(Id(2));

  cache.Suspend();
  EXPECT_TRUE(cache.suspended());
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  cache.Fill(before_suspend, Id(2), CachedView::kShareJson, MakeResponse(100));
  const ResponseCache::Ticket during = cache.BeginFill(id);
  cache.Fill(during, id, CachedView::kShareJson, MakeResponse(100));
  FillNow(cache, Id(3), CachedView::kShareJson, MakeResponse(100));
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);

  cache.Resume();
  EXPECT_FALSE(cache.suspended());
  // Tickets taken before Resume() belong to reads that may have missed a change: dropped.
  cache.Fill(during, id, CachedView::kShareJson, MakeResponse(100));
  cache.Fill(before_suspend, Id(2), CachedView::kShareJson, MakeResponse(100));
  EXPECT_EQ(cache.stats().entries, 0u);
  const Response r = MakeResponse(100);
  FillNow(cache, id, CachedView::kShareJson, r);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), r);
}

// Fills racing a suspension: once Suspend() has returned, nothing is in the cache, whatever the
// interleaving of fillers that took their tickets before, during or after it.
TEST(ResponseCacheSuspensionTest, NoFillSurvivesASuspensionRace) {
  ResponseCache cache(1 << 22, 4);
  for (int round = 0; round < 50; ++round) {
    std::atomic<bool> go{false};
    std::vector<std::thread> fillers;
    for (int t = 0; t < 3; ++t) {
      fillers.emplace_back([&, t] {
        while (!go) {
        }
        for (int i = 0; i < 200; ++i)
          FillNow(cache, Id(t * 1000 + i), CachedView::kShareJson, MakeResponse(10));
      });
    }
    go = true;
    cache.Suspend();
    EXPECT_EQ(cache.stats().entries, 0u);
    for (std::thread& f : fillers) f.join();
    EXPECT_EQ(cache.stats().entries, 0u) << "a fill was stored while suspended";
    cache.Resume();
  }
}

}  // namespace
}  // namespace taskshare
