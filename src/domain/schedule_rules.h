// The rules of schedules: what a new schedule's derived fields are, what a patch may change, what one
// run of a due schedule creates, and how an execution follows its task. Pure functions of their
// arguments (and, for new ids, the CSPRNG); thread-safe.
//
// When a recurring schedule runs:
//   - the schedule is due when next_execution_at is at or before the clock's time `now`;
//   - it runs once, however many due times have passed since next_execution_at (after downtime the
//     missed due times are not made up one by one): the execution's scheduled_at is the latest due time
//     at or before `now`, its started_at is `now`;
//   - next_execution_at becomes the first due time strictly after `now`.
// A one-time schedule runs once at run_at (or at once, if the server was down then) and is then
// completed, with no next_execution_at.
//
// An execution follows its task's status:
//   task pending            -> execution pending
//   task active, suspended  -> execution running
//   task completed          -> execution completed
//   task error, aborted     -> execution failed
// and its completed_at is the time the task first reached completed, error or aborted (cleared again
// if the task is set back to an unfinished status).
#pragma once

#include "common/status.h"
#include "common/time.h"
#include "domain/schedule.h"

namespace taskshare {

ExecutionStatus ExecutionStatusOf(TaskStatus status);

// True for completed, error and aborted: the statuses that finish an execution.
bool IsFinished(TaskStatus status);

// Checks the fields a client sent for a new schedule against each other and fills in the rest as of
// `now`: created_at, updated_at and next_execution_at (set only when active), and for recurring
// schedules start_time and anchor_at. Recurring schedules need scan_frequency and take no run_at;
// without a start_time they start at `now` (their first run is due at once) and keep its time of day.
// One-time schedules need a run_at that is not in the past, and take neither scan_frequency nor
// start_time. kInvalidArgument naming the field otherwise.
Status CompleteNewSchedule(Schedule& schedule, UnixMicros now);

// `current` with `patch` applied as of `now`, with a new updated_at. A schedule keeps its type
// (schedule_type may be sent only with the value it has); run_at applies to one-time schedules,
// scan_frequency and start_time to recurring ones. A new start_time keeps the anchor's day. A new
// run_at makes a completed or failed one-time schedule active again unless the patch pauses it; one
// that has already run for its run_at cannot be made active without a new one. Making a recurring schedule
// active again, or changing its frequency or start time, sets next_execution_at to the first due time at or
// after `now` (due times missed while it was paused are skipped); pausing it clears it.
// kInvalidArgument naming the field otherwise.
Result<Schedule> ApplySchedulePatch(const Schedule& current, const SchedulePatch& patch, UnixMicros now);

// The run of `due` at `now` (see above): a new pending task owned by the schedule's owner, with the
// schedule's visibility, model, project and secrets, is_scheduled set and the task message as its first
// message {"role": "user", "content": ...}, titled by the schedule's name or else by the message; its
// pending execution; and the schedule afterwards. `due` must be active with next_execution_at <= now.
PlannedRun PlanRun(const Schedule& due, UnixMicros now);

// Whether a due schedule whose run failed with `failure` is set aside (status failed, no next run), so
// that it does not keep the schedules due after it waiting: for every failure that retrying would meet
// again (a row the domain cannot read, a planned task the database refuses), not for kUnavailable (the
// database went away), after which it stays due and is tried again. Every backend's RunDueSchedule
// follows it.
bool SetsScheduleAside(const Status& failure);

}  // namespace taskshare
