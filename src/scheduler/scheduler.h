// Scheduler: turns due schedules into tasks, inside `serve`.
//
// Each tick reads the clock once and asks the store to run due schedules one at a time
// (Store::RunDueSchedule, with domain/schedule_rules.h's PlanRun as the plan) until none is due, so a
// tick makes at most one task per schedule, however long the server was down. The store makes each run
// one transaction and keeps several processes sharing a database from running a due time twice; the
// scheduler only decides when to ask. Between ticks a thread of its own sleeps for the poll interval,
// so a schedule runs at most that long after it is due (by the clock it reads).
//
// Thread-safe: Tick() may be called from any thread, also while the thread started by Start() runs
// (tests call it directly, with a ManualClock and without Start()). Blocking: it calls the store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace taskshare {

struct SchedulerOptions {
  // How long the scheduler thread waits between ticks.
  std::chrono::milliseconds poll_interval{1000};
  // The most runs one tick makes; a tick that reaches it is followed by the next one at once, so
  // that a backlog never delays a stop request for long.
  int max_runs_per_tick = 100;
};

class Scheduler {
 public:
  // `store` and `clock` must outlive the scheduler.
  Scheduler(Store& store, const Clock& clock, SchedulerOptions options = {});
  ~Scheduler();  // Stop()s
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs the schedules due at the clock's current time. Returns how many tasks it created; a schedule
  // that could not run is logged and counted out (the store has set it to failed). kUnavailable (or
  // another store error) when the database could not be asked; the schedules stay due for the next
  // tick.
  Result<int> Tick();

  // Starts the thread that ticks every poll interval. At most once.
  void Start();
  // Stops that thread after its current tick, if it runs. Idempotent.
  void Stop();

 private:
  void Loop();

  Store& store_;
  const Clock& clock_;
  const SchedulerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;       // guarded by mu_
  std::string last_error_;  // used by the thread only: an error is logged when it first appears
  std::thread thread_;
};

}  // namespace taskshare
