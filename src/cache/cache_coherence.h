// CacheCoherence: keeps this node's ResponseCache coherent with the database's writes, and passes on news
// of the stored share-link kill switch. It hears of them in one form from two sources: the store tells
// one instance of this node's own writes before each returns (StoreOptions::changes, storage/
// change_reports.h), and the database's change feed (storage/change_feed.h) tells another of every
// node's writes, some milliseconds after they commit.
//
// A change to task X committed anywhere evicts X (ResponseCache::Invalidate, which also makes fills of
// X begun before it drop their response); a write of secret N of user U drops U's redactors
// (secrets/view_redactors.h) and evicts the views of U's tasks that name N (ResponseCache::
// InvalidateSecret); news of a change to every task (kEveryTask) empties both. While the feed is
// down the cache and the redactors are suspended (ResponseCache::Suspend: emptied and bypassed, so every
// share request reads the database); when the feed is back it is resumed, which empties it once more, since
// changes made while the feed was down were never announced. Make the coherence and open its feed before the
// cache serves anything (an empty cache needs no news to be right); OpenChangeFeed() returns
// subscribed. The feed also brings news of this node's own writes, a little after the store did, and it
// costs one more eviction.
//
// The kill switch: when the feed announces that the stored switch changed, and whenever the feed is
// restored (a change may have been missed while it was down), `sharing_changed` is called, so that the
// node re-reads the switch (api/admin_api.h, SharingSwitch::Refresh). It runs on the feed's thread
// and must not block.
//
// The guarantee across nodes: once a write is acknowledged by any node, every other node stops serving
// the replaced response within the feed's delivery delay (measured by the two-node tests; a few ms on
// loopback), or at once if its feed is down.
//
// Thread-safe: the feed's thread calls the listener methods; anyone may read the counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

#include "cache/response_cache.h"
#include "secrets/view_redactors.h"
#include "storage/change_feed.h"

namespace taskshare {

class CacheCoherence final : public ChangeListener {
 public:
  // `cache` and `redactors` (null: none kept) must outlive this object. `sharing_changed` may be empty
  // (nothing to tell).
  explicit CacheCoherence(ResponseCache& cache, secrets::ViewRedactors* redactors = nullptr,
                          std::function<void()> sharing_changed = {})
      : cache_(cache), redactors_(redactors), sharing_changed_(std::move(sharing_changed)) {}

  void OnTaskChanged(std::string_view id) override;
  void OnSharingChanged() override;
  void OnSecretChanged(std::string_view owner_id, std::string_view name) override;
  void OnFeedLost() override;
  void OnFeedRestored() override;

  // Changes announced by the feed so far, and how often the feed was lost.
  std::uint64_t changes() const { return changes_.load(std::memory_order_relaxed); }
  std::uint64_t losses() const { return losses_.load(std::memory_order_relaxed); }

 private:
  ResponseCache& cache_;
  secrets::ViewRedactors* const redactors_;
  const std::function<void()> sharing_changed_;
  std::atomic<std::uint64_t> changes_{0};
  std::atomic<std::uint64_t> losses_{0};
};

}  // namespace taskshare
