#include "scheduler/scheduler.h"

#include <utility>

#include "common/log.h"
#include "domain/schedule_rules.h"

namespace taskshare {

Scheduler::Scheduler(Store& store, const Clock& clock, SchedulerOptions options)
    : store_(store), clock_(clock), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

Result<int> Scheduler::Tick() {
  // One reading of the clock for the whole tick: every run of it is planned as of the same instant.
  const UnixMicros now = clock_.Now();
  const RunPlanner plan = [now](const Schedule& due) { return PlanRun(due, now); };
  int made = 0;
  for (int runs = 0; runs < options_.max_runs_per_tick; ++runs) {
    Result<std::optional<ScheduleRun>> run = store_.RunDueSchedule(now, plan);
    if (!run.ok()) return run.status();
    if (!run->has_value()) break;
    const ScheduleRun& r = **run;
    if (r.error.ok()) {
      ++made;
    } else {
      LogError("schedule " + r.schedule_id + " could not run and was set to failed: " + r.error.message() +
               " " + r.error.detail());
    }
  }
  return made;
}

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    Result<int> made = Tick();
    // Errors repeat every tick while the database is away: log each new one once.
    const std::string error = made.ok() ? "" : made.status().message() + " " + made.status().detail();
    if (!error.empty() && error != last_error_) LogError("scheduler: " + error);
    if (error.empty() && !last_error_.empty()) LogInfo("scheduler: the database answers again");
    last_error_ = error;
    const bool backlog = made.ok() && *made >= options_.max_runs_per_tick;
    lock.lock();
    if (!backlog) wake_.wait_for(lock, options_.poll_interval, [this] { return stop_; });
  }
}

}  // namespace taskshare
