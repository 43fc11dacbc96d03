// RecordingListener: a ChangeListener (storage/change_feed.h) that records every call it receives, for
// the tests of the change feed and of the reports a store makes of its own writes. Thread-safe: the
// feed calls it from its own thread while the test reads.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/change_feed.h"

namespace taskshare::testing {

// Every listener call, in order: "changed <id>", "sharing changed", "secret <owner> <name>", "lost",
// "restored".
class RecordingListener final : public ChangeListener {
 public:
  void OnTaskChanged(std::string_view id) override { Add("changed " + std::string(id)); }
  void OnSharingChanged() override { Add("sharing changed"); }
  void OnSecretChanged(std::string_view owner_id, std::string_view name) override {
    Add("secret " + std::string(owner_id) + " " + std::string(name));
  }
  void OnFeedLost() override { Add("lost"); }
  void OnFeedRestored() override { Add("restored"); }

  // Waits up to 10 s until `event` has been recorded; false if it was not.
  bool WaitFor(const std::string& event) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return std::find(events_.begin(), events_.end(), event) != events_.end(); });
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }
  // The events recorded since the last Take() or Clear(), sorted, and forgotten.
  std::vector<std::string> Take() {
    std::lock_guard lock(mu_);
    std::vector<std::string> taken = std::move(events_);
    events_.clear();
    std::sort(taken.begin(), taken.end());
    return taken;
  }

 private:
  void Add(std::string event) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

}  // namespace taskshare::testing
