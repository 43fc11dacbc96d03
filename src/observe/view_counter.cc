#include "observe/view_counter.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "common/log.h"
#include "common/time.h"

namespace taskshare::observe {
namespace {

std::atomic<std::size_t> next_stripe{0};

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

Status ViewCounter::Flush() {
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
  // In task id order: the store's index pages are then visited in order, each once per flush, and two
  // nodes flushing at once lock the rows they share in the same order.
  std::sort(batch.begin(), batch.end(),
            [](const ShareViewCount& a, const ShareViewCount& b) { return a.task_id < b.task_id; });
  Status s = store_.AddShareViews(batch);
  if (s.ok()) {
    if (failing_) LogInfo("share view counts are being saved again");
    failing_ = false;
    return s;
  }
  // Put the counts back, to go with the next flush.
  {
    Stripe& first = stripes_[0];
    const std::lock_guard lock(first.mu);
    for (const auto& [id, p] : all) Add(first.counts, id, p);
  }
  if (!failing_) {
    LogError("share view counts of " + std::to_string(all.size()) +
             " tasks could not be saved, kept for the " + "next attempt: " + s.message() +
             (s.detail().empty() ? "" : ": " + s.detail()));
  }
  failing_ = true;
  return s;
}

void ViewCounter::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ViewCounter::Run() {
  std::unique_lock lock(run_mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    (void)Flush();  // a failure is logged and retried at the next tick
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
