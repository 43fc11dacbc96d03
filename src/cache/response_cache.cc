#include "cache/response_cache.h"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "common/time.h"

namespace taskshare {
namespace {

// Bookkeeping charged per slot besides its responses: the key, the list node, the index element.
constexpr std::size_t kSlotOverheadBytes = 128;

}  // namespace

std::size_t ResponseCache::SlotCharge(std::string_view id, std::size_t views_bytes) {
  const std::size_t bytes = kSlotOverheadBytes + id.size() + views_bytes;
  // What the allocator holds beyond the blocks it handed out: once entries come and go in random
  // order, its pages are partly used. Under the spread benchmark the process held about 8% more than
  // the cache's charged bytes (docs/performance.md), so a slot is charged a sixteenth more, which
  // with the fixed 64 MB or so of the rest of the process keeps resident memory within the budget
  // plus that.
  return bytes + bytes / 16;
}

struct ResponseCache::Slot {
  std::string id;
  std::array<std::shared_ptr<const CachedResponse>, kCachedViewCount> views;
  std::size_t bytes = 0;          // charged: overhead, key and every view
  std::uint32_t packed_hits = 0;  // counted hits on packed views since the slot was last filled
  SecretsUsed secrets;            // of its latest fill

  // What the slot is charged with the views it holds now (SlotCharge).
  std::size_t Charge() const {
    std::size_t view_bytes = secrets.owner_id.size();
    for (const auto& name : secrets.names) view_bytes += sizeof(name) + name.size();
    for (const auto& v : views) view_bytes += v ? v->bytes() : 0;
    return SlotCharge(id, view_bytes);
  }
};

struct ResponseCache::Shard {
  std::mutex mu;
  std::uint64_t epoch = 0;  // bumped by every invalidation in this shard
  std::list<Slot> lru;      // most recently used first
  // Open addressing: a lookup reads one group of the table's metadata and then the one element it
  // points to, instead of walking a bucket's chain of separately allocated nodes.
  boost::unordered_flat_map<std::string_view, std::list<Slot>::iterator> index;
  // The ids of the slots filled with SecretsUsed, by owner: what InvalidateSecret looks through.
  std::unordered_map<std::string, std::unordered_set<std::string>> by_owner;
  std::size_t bytes = 0;
  std::uint64_t hits = 0, misses = 0, evictions = 0;
};

ResponseCache::ResponseCache(std::size_t budget_bytes, std::size_t shards, const Clock* clock)
    : budget_(budget_bytes),
      shard_budget_(budget_bytes / std::max<std::size_t>(shards, 1)),
      clock_(clock != nullptr ? *clock : SystemTime()) {
  shards = std::max<std::size_t>(shards, 1);
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

ResponseCache::~ResponseCache() = default;

ResponseCache::Shard& ResponseCache::ShardOf(std::string_view id, std::size_t* index) {
  const std::size_t i = std::hash<std::string_view>{}(id) % shards_.size();
  if (index != nullptr) *index = i;
  return *shards_[i];
}

std::shared_ptr<const CachedResponse> ResponseCache::Get(std::string_view id, CachedView view) {
  return Lookup(id, view, true);
}

std::shared_ptr<const CachedResponse> ResponseCache::Peek(std::string_view id, CachedView view) {
  return Lookup(id, view, false);
}

std::shared_ptr<const CachedResponse> ResponseCache::Lookup(std::string_view id, CachedView view,
                                                            bool counted) {
  if (budget_ == 0) return nullptr;
  Shard& s = ShardOf(id);
  std::lock_guard lock(s.mu);
  auto it = s.index.find(id);
  // Suspended, the shard is empty anyway (see the header); the flag only spares the lookup's result.
  if (it == s.index.end() || !it->second->views[static_cast<std::size_t>(view)] || suspended_.load()) {
    if (counted) ++s.misses;
    return nullptr;
  }
  // An expired response stays in its slot until the fill that follows this miss replaces it; the
  // clock is read only for responses that can expire.
  const CachedResponse& found = *it->second->views[static_cast<std::size_t>(view)];
  if (found.expires_at() != 0 && found.ExpiredAt(clock_.Now())) {
    if (counted) ++s.misses;
    return nullptr;
  }
  if (counted) ++s.hits;
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  Slot& slot = *it->second;
  if (counted && found.packed() && ++slot.packed_hits == kUnpackAfterHits) Unpack(s, slot, view);
  return slot.views[static_cast<std::size_t>(view)];
}

void ResponseCache::Unpack(Shard& s, Slot& slot, CachedView view) {
  std::shared_ptr<const CachedResponse>& held = slot.views[static_cast<std::size_t>(view)];
  auto whole = held->Unpacked();
  if (!whole) return;
  std::swap(held, whole);  // `whole` now holds the packed view
  const std::size_t charge = slot.Charge();
  if (charge > shard_budget_) {
    held = std::move(whole);  // it stays packed
    return;
  }
  s.bytes -= slot.bytes;
  slot.bytes = charge;
  EvictFor(s, slot.bytes, &slot);  // the slot itself is at the front, just used
  s.bytes += slot.bytes;
}

ResponseCache::Ticket ResponseCache::BeginFill(std::string_view id) {
  Ticket t;
  Shard& s = ShardOf(id, &t.shard);
  std::lock_guard lock(s.mu);
  t.epoch = s.epoch;
  t.secrets_epoch = secrets_epoch_.load();
  return t;
}

namespace {

bool DependsOnSecrets(const SecretsUsed& used) { return !used.names.empty(); }

}  // namespace

void ResponseCache::Erase(Shard& s, std::list<Slot>::iterator slot) {
  if (DependsOnSecrets(slot->secrets)) {
    auto owner = s.by_owner.find(slot->secrets.owner_id);
    if (owner != s.by_owner.end()) {
      owner->second.erase(slot->id);
      if (owner->second.empty()) s.by_owner.erase(owner);
    }
  }
  s.bytes -= slot->bytes;
  s.index.erase(slot->id);
  s.lru.erase(slot);
}

void ResponseCache::EvictFor(Shard& s, std::size_t needed, const Slot* keep) {
  while (!s.lru.empty() && &s.lru.back() != keep && s.bytes + needed > shard_budget_) {
    Erase(s, std::prev(s.lru.end()));
    ++s.evictions;
  }
}

void ResponseCache::Fill(const Ticket& ticket, std::string_view id, CachedView view,
                         std::shared_ptr<const CachedResponse> response, SecretsUsed secrets) {
  if (budget_ == 0 || !response) return;
  Shard& s = *shards_[ticket.shard];
  std::lock_guard lock(s.mu);
  if (s.epoch != ticket.epoch) return;  // invalidated while the response was being built
  // A secret was written while it was being built (read under the shard lock: see the header).
  if (DependsOnSecrets(secrets) && secrets_epoch_.load() != ticket.secrets_epoch) return;
  if (suspended_.load()) return;  // read under the shard lock: see the header
  // Take the slot out (or start one), update it, and put it back at the hot end once it fits.
  Slot slot{std::string(id), {}, 0};
  if (auto it = s.index.find(id); it != s.index.end()) {
    const auto node = it->second;
    slot.views = std::move(node->views);
    Erase(s, node);
  }
  slot.views[static_cast<std::size_t>(view)] = std::move(response);
  slot.secrets = std::move(secrets);
  slot.packed_hits = 0;
  slot.bytes = slot.Charge();
  if (slot.bytes > shard_budget_) {
    // Together the views do not fit: keep the new one alone, if it fits by itself.
    for (std::size_t i = 0; i < slot.views.size(); ++i) {
      if (i != static_cast<std::size_t>(view) && slot.views[i]) {
        slot.views[i].reset();
        ++s.evictions;
      }
    }
    slot.bytes = slot.Charge();
    if (slot.bytes > shard_budget_) return;
  }
  EvictFor(s, slot.bytes);
  s.bytes += slot.bytes;
  s.lru.push_front(std::move(slot));
  const Slot& kept = s.lru.front();
  s.index.emplace(kept.id, s.lru.begin());
  if (DependsOnSecrets(kept.secrets)) s.by_owner[kept.secrets.owner_id].insert(kept.id);
}

void ResponseCache::Invalidate(std::string_view id) {
  Shard& s = ShardOf(id);
  std::lock_guard lock(s.mu);
  ++s.epoch;
  auto it = s.index.find(id);
  if (it == s.index.end()) return;
  Erase(s, it->second);
}

void ResponseCache::InvalidateSecret(std::string_view owner_id, std::string_view name) {
  // Before the erasing: a fill that misses this bump takes its shard's lock before the loop below does,
  // and what it stores is then erased by it.
  secrets_epoch_.fetch_add(1);
  const std::string owner(owner_id);
  std::vector<std::list<Slot>::iterator> doomed;
  for (auto& shard : shards_) {
    Shard& s = *shard;
    std::lock_guard lock(s.mu);
    auto it = s.by_owner.find(owner);
    if (it == s.by_owner.end()) continue;
    doomed.clear();
    for (const std::string& id : it->second) {
      const auto slot = s.index.find(std::string_view(id))->second;
      const auto& names = slot->secrets.names;
      if (std::find(names.begin(), names.end(), name) != names.end()) doomed.push_back(slot);
    }
    for (auto slot : doomed) Erase(s, slot);
  }
}

void ResponseCache::Clear() {
  secrets_epoch_.fetch_add(1);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    ++shard->epoch;
    shard->index.clear();
    shard->by_owner.clear();
    shard->lru.clear();
    shard->bytes = 0;
  }
}

void ResponseCache::Suspend() {
  suspended_.store(true);
  Clear();
}

void ResponseCache::Resume() {
  Clear();
  suspended_.store(false);
}

ResponseCache::Stats ResponseCache::stats() const {
  Stats out;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    out.hits += shard->hits;
    out.misses += shard->misses;
    out.evictions += shard->evictions;
    out.entries += shard->index.size();
    out.bytes += shard->bytes;
  }
  return out;
}

}  // namespace taskshare
