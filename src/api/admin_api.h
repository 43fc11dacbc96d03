// /api/v1/admin/sharing: the instance kill switch for share links. While sharing is off, every share
// request (the JSON endpoint and the page, old links included) answers 403 at once, before the cache
// is looked at; switching it back on restores them. Admins only.
//
// SharingSwitch is the one place that decides whether this node serves share links. The switch is
// stored in the database (Store::GetSharingEnabled), so it holds for every node that serves it and
// survives restarts; a node started with `serve --sharing off` refuses share links whatever the
// stored switch says. on() reads a copy of the stored switch in memory, so a share request never
// reads the database for it. The copy is kept current by:
//   - Load(), at start, before the first request;
//   - Set(), the admin's PUT on this node: it writes the database and, once the write has committed,
//     the copy, before the PUT is answered;
//   - Refresh(), called when the change feed announces that the stored switch changed (on any node)
//     and whenever the feed is restored after a loss (news may have been missed then). It re-reads the
//     stored switch on the switch's own thread, retrying with backoff (0.1 s doubling to 5 s) until a
//     read succeeds, so a change reaches this node within the feed's delivery delay plus one read.
// A read that updates the copy and a write take turns (update_mu_), so a re-read that began before a
// Set() committed never overwrites the copy with the older value after Set() has returned. While the
// feed is down, the copy keeps its last value until the feed is back.
//
// Thread-safe. on() never blocks; Load() and Set() block on the store (call them from the blocking
// pool, or before serving); Refresh() never blocks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/http_types.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

class SharingSwitch {
 public:
  // `store` must outlive this object. `forced_off`: `serve --sharing off` was given.
  SharingSwitch(Store& store, bool forced_off) : store_(store), forced_off_(forced_off) {}
  ~SharingSwitch();
  SharingSwitch(const SharingSwitch&) = delete;
  SharingSwitch& operator=(const SharingSwitch&) = delete;

  // True while this node serves share links: not forced off, and the stored switch (as last read or
  // written here) is on. Before Load(), the stored switch counts as on.
  bool on() const { return !forced_off_ && stored_.load(std::memory_order_relaxed); }

  // Reads the stored switch into the copy. The store's error if it cannot be read (the copy is then
  // unchanged).
  Status Load();
  // Stores `enabled` and, once committed, sets the copy. The store's error if the write failed (the
  // copy is then unchanged; a re-read will correct it should the write have committed after all).
  Status Set(bool enabled);
  // Asks for Load() on the switch's own thread (started on the first call), soon, and again until it
  // succeeds. Never blocks.
  void Refresh();

 private:
  void RefreshLoop();

  Store& store_;
  const bool forced_off_;
  std::atomic<bool> stored_{true};
  std::mutex update_mu_;  // held across a read or write of the store and the copy's update

  std::mutex mu_;
  std::condition_variable wake_;
  bool wanted_ = false;    // guarded by mu_: a refresh was asked for and has not begun
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // guarded by mu_ until the destructor
};

// GET: 200 {"enabled": bool}, where `enabled` is whether this node serves share links
// (SharingSwitch::on(): false on a node started with --sharing off, whatever is stored). 403 for
// callers who are not admins.
Response GetSharing(const User& caller, const SharingSwitch& sharing);

// PUT {"enabled": bool}: stores the switch for every node and applies it here before answering; 200
// {"enabled": bool} as GET answers afterwards (so false on a node started with --sharing off). 400 for
// any other body, 403 for callers who are not admins, 503 (or 500) if the switch cannot be stored.
Response PutSharing(const User& caller, SharingSwitch& sharing, std::string_view body);

}  // namespace taskshare::api
