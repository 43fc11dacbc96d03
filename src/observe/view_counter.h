// ViewCounter: counts the views of share links in memory and adds them to the store in batches.
//
// Record() is on the hot path of every anonymous share view, cache hits included, so it takes no global
// lock and does no I/O: counts live in kStripes stripes, each a mutex and a map from task id to its
// pending count and latest view time, and each thread always uses the same stripe (threads are given
// stripes in turn on their first call), so a stripe's lock is contended only by the flusher, for the
// time it takes to swap the stripe's map out. Allocation happens only for a task's first view in a flush
// interval.
//
// Flush() swaps every stripe's map out, sums them, and hands the sum, in task id order, to
// Store::AddShareViews in chunks of kChunkTasks tasks, one transaction each. If a chunk fails (the
// database is unreachable), its counts and those of the chunks after it go back to be added to the next
// flush, so they are delayed, not lost. A background thread (Start()) flushes every `interval`; Stop()
// ends it and flushes once more, which a graceful shutdown does after the last request has been
// answered. Counts not yet flushed when the process dies (kill -9, a crash, power loss) are lost.
//
// The background flushes keep to a budget of CPU time: after each chunk the thread rests
// kRestPerCpu times the CPU time the chunk took, so flushing takes at most about 2% of one CPU however
// many different tasks are viewed. A flush of a few hundred tasks rests a few milliseconds and the
// counts reach the database about every interval; when tens of thousands of different tasks are
// viewed each second the flushes spread out, more views of a task are summed into one row, and counts
// reach the database tens of seconds late (and that much is lost to a crash) instead of taking serving
// time away. The flushing thread also runs at the lowest priority (nice 19): a chunk is a burst of
// a few hundred microseconds of CPU, which on a busy CPU would otherwise stall every request in
// flight; at nice 19 it waits for the serving threads instead, and only while the CPU is busy. The
// write transaction it holds meanwhile is one chunk's, which kChunkTasks keeps short.
//
// Thread-safe. The store must outlive the counter.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "storage/store.h"

namespace taskshare::observe {

class ViewCounter {
 public:
  explicit ViewCounter(Store& store, std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~ViewCounter();  // Stop()
  ViewCounter(const ViewCounter&) = delete;
  ViewCounter& operator=(const ViewCounter&) = delete;

  // One view of task `task_id` (canonical) now.
  void Record(std::string_view task_id);

  // Adds everything recorded so far to the store, without resting. On failure the counts not added are
  // kept for the next flush and the store's error is returned.
  Status Flush();

  // Starts the thread that flushes every interval. Call at most once.
  void Start();
  // Stops that thread (if started) and flushes once more. Idempotent.
  void Stop();

 private:
  struct Pending {
    std::int64_t views = 0;
    UnixMicros last_viewed_at = 0;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Counts = std::unordered_map<std::string, Pending, Hash, std::equal_to<>>;
  struct alignas(64) Stripe {
    std::mutex mu;
    Counts counts;  // guarded by mu
  };
  static constexpr std::size_t kStripes = 64;
  static constexpr std::size_t kChunkTasks = 100;
  static constexpr int kRestPerCpu = 49;

  // Flush(), resting after each chunk when `paced` (see above); it stops resting once Stop() has begun.
  Status FlushChunks(bool paced);
  // Waits `rest` or until Stop() begins; false if it has.
  bool Rest(std::chrono::nanoseconds rest);

  static void Add(Counts& into, std::string_view id, const Pending& p);
  void Run();

  Store& store_;
  const std::chrono::milliseconds interval_;
  std::array<Stripe, kStripes> stripes_;
  std::mutex flush_mu_;   // one flush at a time, so counts put back are never raced by another flush
  bool failing_ = false;  // guarded by flush_mu_; the last flush failed (logged once per outage)

  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by run_mu_
  std::thread thread_;
};

}  // namespace taskshare::observe
