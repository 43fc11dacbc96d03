// GroupCommit: concurrent writes that share one transaction, and so one fsync.
//
// With synchronous=FULL every commit waits for the disk, so writers that commit one by one are bound by
// the disk's sync latency, not by the work they do. Writers here queue instead (the pattern of
// LevelDB's DBImpl::Write): the writer at the front of the queue becomes the leader, takes every write
// queued behind it (up to kMaxGroup), applies them in order in one transaction through the caller's
// `apply`, commits once, and hands each writer its own result; the others sleep until their result is
// in. Each write still stands alone in its outcome (apply gives each its own savepoint) and is
// acknowledged only after the commit that made it durable.
//
// Thread-safe. `apply` runs on the leader's thread, one group at a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

namespace taskshare::sqlite {

template <typename Write>
class GroupCommit {
 public:
  static constexpr std::size_t kMaxGroup = 64;

  // Queues `write`, and returns once a group holding it has been applied; `apply` fills in the
  // results of every write of the group it is given.
  void Run(Write& write, const std::function<void(std::span<Write*>)>& apply) {
    Waiter me{&write};
    std::unique_lock lock(mu_);
    queue_.push_back(&me);
    cv_.wait(lock, [&] { return me.done || queue_.front() == &me; });
    if (me.done) return;
    // The leader: everything queued now goes into this group.
    std::vector<Write*> group;
    for (std::size_t i = 0; i < queue_.size() && i < kMaxGroup; ++i) group.push_back(queue_[i]->write);
    lock.unlock();
    apply(group);
    lock.lock();
    for (std::size_t i = 0; i < group.size(); ++i) {
      queue_.front()->done = true;
      queue_.pop_front();
    }
    cv_.notify_all();
  }

 private:
  struct Waiter {
    Write* write;
    bool done = false;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Waiter*> queue_;  // front: the current leader, or the next one
};

}  // namespace taskshare::sqlite
