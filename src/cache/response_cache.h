// ResponseCache: ready-to-send responses by task id, within a memory budget.
//
// Each task id has one slot holding one CachedResponse per view (the JSON share response, and the web
// page once it exists), so that a write to a task drops every view of it at once. Slots are spread over
// shards by a hash of the id; each shard has its own mutex, its own share of the byte budget and its own
// least-recently-used list, and evicts from the cold end of that list until a new response fits.
//
// Invalidation and filling race, and the rule that keeps a revoked task from coming back is this: a
// filler takes a Ticket (the shard's invalidation epoch) *before* it reads the database, and Fill()
// drops its response if the shard's epoch has moved since. Invalidate() bumps the epoch and erases the
// slot under the shard lock, and writers call it after their transaction commits and before they
// acknowledge the write. So a response built from data read before a write can never be stored after
// that write's invalidation, and any request that starts after the write is acknowledged either misses
// or finds a response built from data at least as new as the write.
//
// Secrets: a view redacted with the values of its owner's secrets is filled with the names it depends
// on (SecretsUsed). A write to one of them is announced by InvalidateSecret(owner, name), which evicts
// exactly the views of that owner's tasks that name it, wherever they are, and bumps the secrets epoch;
// Fill() drops a response that depends on secrets if that epoch has moved since its ticket, so the
// ticket rule above holds for secret writes too, without touching any other owner's entries.
//
// Expiry: a response made with an expires_at (a share link with an expiry) is never returned by Get()
// from that instant on, by the cache's clock; the miss makes the caller build the response again (the 403 of
// an expired link) and fill it in its place. Entries without one are served until invalidated or evicted.
//
// Suspension (Suspend() / Resume()) is for a node whose cache may be stale without it knowing: one
// that has lost the feed through which other nodes' writes reach Invalidate() (cache/cache_coherence.h).
// Invariants: from the moment Suspend() returns until Resume() is called the cache is empty and stays
// empty: Get() misses and Fill() stores nothing, so every request is served from the database. Suspend()
// sets the flag and then clears each shard, bumping its epoch, under the shard's lock, and Fill() reads
// the flag under that lock: a fill that takes a shard's lock before Suspend() clears it is cleared with
// it; one that takes it after sees the flag. Resume() clears each shard and bumps its epoch again before
// it lowers the flag, so a fill whose ticket was taken before Resume() (its data possibly read before
// the feed was back) is dropped, and only fills begun after Resume() started on their shard are kept.
// Calls to Suspend() and Resume() must alternate (a second Suspend() is harmless, but one Resume()
// ends every suspension).
//
// Thread-safe. Get() and Fill() hold one shard lock for a map lookup and a list splice; nothing is
// allocated on a hit.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cached_response.h"
#include "common/clock.h"

namespace taskshare {

enum class CachedView : std::uint8_t { kShareJson = 0, kSharePage = 1 };
inline constexpr std::size_t kCachedViewCount = 2;

// The secrets a cached view was redacted with: those of `names` that user `owner_id` has (or will
// have). No names: the view depends on no secret.
struct SecretsUsed {
  std::string owner_id;
  std::vector<std::string> names;
};

class ResponseCache {
 public:
  struct Ticket {
    std::size_t shard = 0;
    std::uint64_t epoch = 0;
    std::uint64_t secrets_epoch = 0;

    bool operator==(const Ticket&) const = default;
  };

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t evictions = 0;
    std::size_t entries = 0;  // slots
    std::size_t bytes = 0;    // charged against the budget
  };

  // Counted hits after which a packed view is unpacked in place (see Get()).
  static constexpr std::uint32_t kUnpackAfterHits = 32;

  static constexpr std::size_t kDefaultShards = 16;

  // `budget_bytes` 0 disables the cache: Get() always misses and Fill() stores nothing. `shards` below 1
  // counts as 1. `clock` (which must outlive the cache; null: the system clock) is the time a
  // response's expires_at is compared with.
  explicit ResponseCache(std::size_t budget_bytes, std::size_t shards = kDefaultShards,
                         const Clock* clock = nullptr);
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // The cached view of task `id`, or nullptr (also once the view's expires_at has passed). A hit makes
  // the slot the most recently used. A packed view (CachedResponse::Packed) hit kUnpackAfterHits times
  // is replaced by its unpacked copy, which is charged in its place (colder slots are evicted for the
  // difference; if it cannot fit, the view stays packed): a transcript read that often is sent
  // without decompressing it each time, and one read a few times stays small.
  std::shared_ptr<const CachedResponse> Get(std::string_view id, CachedView view);
  // Get() without counting a hit or a miss: a second look on behalf of a request whose Get() was
  // counted already.
  std::shared_ptr<const CachedResponse> Peek(std::string_view id, CachedView view);

  // Call before reading what a Fill() will store.
  Ticket BeginFill(std::string_view id);

  // Stores `response` as the view of `id` unless `id` was invalidated since `ticket` was taken (or,
  // for a response redacted with the secrets `secrets` names, a secret was written since) or the
  // response is larger than a shard's budget. Evicts least recently used slots as needed, and the
  // slot's other views when they and `response` do not fit in a shard's budget together.
  void Fill(const Ticket& ticket, std::string_view id, CachedView view,
            std::shared_ptr<const CachedResponse> response, SecretsUsed secrets = {});

  // Drops every view of `id`, and makes fills begun before now drop theirs.
  void Invalidate(std::string_view id);

  // Secret `name` of user `owner_id` was written: drops every view filled with SecretsUsed naming
  // it, and makes fills that depend on secrets begun before now drop theirs. Costs a lookup per
  // shard and a step per cached view of the owner's tasks that name secrets; other entries are kept.
  void InvalidateSecret(std::string_view owner_id, std::string_view name);

  // Drops everything, and makes every fill begun before now drop its response.
  void Clear();

  // Clear(), and bypass the cache until Resume(): Get() misses and Fill() stores nothing.
  void Suspend();
  // Clear() again (whatever was read before now may be stale), then serve and store as usual.
  void Resume();
  // True between Suspend() and Resume().
  bool suspended() const { return suspended_.load(); }

  Stats stats() const;
  std::size_t budget_bytes() const { return budget_; }

  // What a slot is charged against the budget: its bookkeeping and key, its views' bytes() and the
  // allocator's slack over them.
  static std::size_t SlotCharge(std::string_view id, std::size_t views_bytes);

 private:
  struct Slot;
  struct Shard;

  Shard& ShardOf(std::string_view id, std::size_t* index = nullptr);
  // Replaces `slot`'s packed `view` by its unpacked copy, as Get() says. Shard lock held.
  void Unpack(Shard& shard, Slot& slot, CachedView view);
  std::shared_ptr<const CachedResponse> Lookup(std::string_view id, CachedView view, bool counted);
  // Removes `slot` (in `shard`) from the shard's list, index and owner index. Shard lock held.
  void Erase(Shard& shard, std::list<Slot>::iterator slot);
  // Erases slots from the cold end of the shard's list until `needed` more bytes fit, stopping short of
  // `keep` (a slot of the list that must stay). Shard lock held.
  void EvictFor(Shard& shard, std::size_t needed, const Slot* keep = nullptr);

  std::size_t budget_;
  std::size_t shard_budget_;
  const Clock& clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<bool> suspended_{false};
  std::atomic<std::uint64_t> secrets_epoch_{0};  // bumped by InvalidateSecret, Clear
};

}  // namespace taskshare
