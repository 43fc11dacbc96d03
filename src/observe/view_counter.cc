#include "observe/view_counter.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <vector>

#include "common/log.h"
#include "common/thread_priority.h"
#include "common/time.h"

namespace taskshare::observe {
namespace {

std::atomic<std::size_t> next_stripe{0};

// The CPU time the calling thread has used.
std::chrono::nanoseconds ThreadCpuTime() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// How far the flusher lowers its priority: to nice 19, the lowest.
constexpr int kFlusherNiceBy = 19;

}  // namespace

ViewCounter::ViewCounter(Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval) {}

ViewCounter::~ViewCounter() { Stop(); }

void ViewCounter::Add(Counts& into, std::string_view id, const Pending& p) {
  auto it = into.find(id);
  if (it == into.end()) it = into.emplace(std::string(id), Pending{}).first;
  it->second.views += p.views;
  it->second.last_viewed_at = std::max(it->second.last_viewed_at, p.last_viewed_at);
}

void ViewCounter::Record(std::string_view task_id) {
  thread_local const std::size_t stripe = next_stripe.fetch_add(1, std::memory_order_relaxed) % kStripes;
  const UnixMicros now = NowMicros();
  Stripe& s = stripes_[stripe];
  const std::lock_guard lock(s.mu);
  Add(s.counts, task_id, {1, now});
}

Status ViewCounter::Flush() { return FlushChunks(false); }

Status ViewCounter::FlushChunks(bool paced) {
  const std::lock_guard flush_lock(flush_mu_);
  Counts all;
  for (Stripe& s : stripes_) {
    Counts taken;
    {
      const std::lock_guard lock(s.mu);
      taken.swap(s.counts);
    }
    if (all.empty()) {
      all.swap(taken);
    } else {
      for (const auto& [id, p] : taken) Add(all, id, p);
    }
  }
  if (all.empty()) return Status::Ok();
  std::vector<ShareViewCount> batch;
  batch.reserve(all.size());
  for (const auto& [id, p] : all) batch.push_back({id, p.views, p.last_viewed_at});
  Counts().swap(all);
  // In task id order: the store's index pages are then visited in order, each once per flush, and two
  // nodes flushing at once lock the rows they share in the same order.
  std::sort(batch.begin(), batch.end(),
            [](const ShareViewCount& a, const ShareViewCount& b) { return a.task_id < b.task_id; });
  Status s;
  std::size_t done = 0;
  while (done < batch.size()) {
    const std::size_t end = std::min(batch.size(), done + kChunkTasks);
    const std::vector<ShareViewCount> chunk(
        std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(done)),
        std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(end)));
    const auto cpu_before = ThreadCpuTime();
    s = store_.AddShareViews(chunk);
    if (!s.ok()) {
      // Put this chunk and the rest back, to go with the next flush.
      Stripe& first = stripes_[0];
      const std::lock_guard lock(first.mu);
      for (const ShareViewCount& c : chunk) Add(first.counts, c.task_id, {c.views, c.last_viewed_at});
      for (std::size_t i = end; i < batch.size(); ++i) {
        Add(first.counts, batch[i].task_id, {batch[i].views, batch[i].last_viewed_at});
      }
      break;
    }
    done = end;
    if (paced && !Rest(kRestPerCpu * (ThreadCpuTime() - cpu_before))) paced = false;
  }
  if (s.ok()) {
    if (failing_) LogInfo("share view counts are being saved again");
    failing_ = false;
    return s;
  }
  if (!failing_) {
    LogError("share view counts of " + std::to_string(batch.size() - done) +
             " tasks could not be saved, kept for the " + "next attempt: " + s.message() +
             (s.detail().empty() ? "" : ": " + s.detail()));
  }
  failing_ = true;
  return s;
}

bool ViewCounter::Rest(std::chrono::nanoseconds rest) {
  std::unique_lock lock(run_mu_);
  return !wake_.wait_for(lock, rest, [this] { return stopping_; });
}

void ViewCounter::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ViewCounter::Run() {
  if (!LowerThisThreadPriority(kFlusherNiceBy)) {
    LogError("share view counts: the flusher could not lower its priority; it competes with serving");
  }
  std::unique_lock lock(run_mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    (void)FlushChunks(true);  // a failure is logged and retried at the next tick
    lock.lock();
  }
}

void ViewCounter::Stop() {
  {
    const std::lock_guard lock(run_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  (void)Flush();
}

}  // namespace taskshare::observe
