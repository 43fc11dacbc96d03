#include "domain/schedule_rules.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "common/ids.h"
#include "domain/messages.h"
#include "domain/schedule_time.h"

namespace taskshare {
namespace {

constexpr std::string_view kUntitled = "Untitled task";

Status OnlyFor(std::string_view field, ScheduleType type) {
  return Status::InvalidArgument(std::string(field) + " applies only to " + std::string(ToString(type)) +
                                 " schedules");
}

Status RunAtInPast() { return Status::InvalidArgument("run_at must not be in the past"); }

// The first due time at or after `now` of an active recurring schedule.
UnixMicros NextRecurring(const Schedule& s, UnixMicros now) {
  return FirstSlotAtOrAfter(*s.anchor_at, *s.scan_frequency, now);
}

NewMessage UserMessage(const std::string& text) {
  boost::json::object o;
  o["role"] = "user";
  o["content"] = text;
  return {boost::json::serialize(o), std::nullopt};
}

// The patch's fields checked against the schedule's type and against each other.
Status CheckPatch(const Schedule& current, const SchedulePatch& p, UnixMicros now) {
  if (p.schedule_type && *p.schedule_type != current.type) {
    return Status::InvalidArgument("schedule_type cannot change from " + std::string(ToString(current.type)) +
                                   " to " + std::string(ToString(*p.schedule_type)) +
                                   "; delete the schedule and create a new one");
  }
  const bool recurring = current.type == ScheduleType::kRecurring;
  if (recurring && p.run_at) return OnlyFor("run_at", ScheduleType::kOneTime);
  if (!recurring && p.scan_frequency) return OnlyFor("scan_frequency", ScheduleType::kRecurring);
  if (!recurring && p.start_time) return OnlyFor("start_time", ScheduleType::kRecurring);
  if (p.run_at && *p.run_at < now) return RunAtInPast();
  return Status::Ok();
}

// `s` with the fields the patch sends, and its status (next_execution_at is left to the caller).
void CopyPatchedFields(const SchedulePatch& p, Schedule& s) {
  if (p.name) s.name = p.name;
  if (p.task_message) s.task_message = *p.task_message;
  if (p.visibility) s.visibility = *p.visibility;
  if (p.model) s.model = p.model;
  if (p.secret_names) s.secret_names = *p.secret_names;
  if (p.project_id) s.project_id = p.project_id;
  if (p.scan_frequency) s.scan_frequency = p.scan_frequency;
  if (p.start_time) {
    s.start_time = p.start_time;
    s.anchor_at = AtMinuteOfDay(*s.anchor_at, *ParseStartTime(*p.start_time));
  }
  if (p.run_at) s.run_at = p.run_at;
  if (p.status) {
    s.status = *p.status;
  } else if (p.run_at && s.status != ScheduleStatus::kActive && s.status != ScheduleStatus::kPaused) {
    s.status = ScheduleStatus::kActive;  // a new run_at re-arms a completed or failed one-time schedule
  }
}

}  // namespace

ExecutionStatus ExecutionStatusOf(TaskStatus status) {
  switch (status) {
    case TaskStatus::kPending:
      return ExecutionStatus::kPending;
    case TaskStatus::kActive:
    case TaskStatus::kSuspended:
      return ExecutionStatus::kRunning;
    case TaskStatus::kCompleted:
      return ExecutionStatus::kCompleted;
    case TaskStatus::kError:
    case TaskStatus::kAborted:
      return ExecutionStatus::kFailed;
  }
  return ExecutionStatus::kPending;
}

bool IsFinished(TaskStatus status) {
  return status == TaskStatus::kCompleted || status == TaskStatus::kError || status == TaskStatus::kAborted;
}

Status CompleteNewSchedule(Schedule& s, UnixMicros now) {
  s.created_at = s.updated_at = now;
  s.execution_count = 0;
  s.last_executed_at.reset();
  const bool start_now = !s.start_time;
  if (s.type == ScheduleType::kRecurring) {
    if (!s.scan_frequency)
      return Status::InvalidArgument("scan_frequency is required for recurring schedules");
    if (s.run_at) return OnlyFor("run_at", ScheduleType::kOneTime);
    if (!start_now) {
      s.anchor_at = AtMinuteOfDay(now, *ParseStartTime(*s.start_time));
    } else {
      // "Now" to the minute: the first run is due at once and later ones keep its time of day.
      s.anchor_at = AtMinuteOfDay(now, MinuteOfDay(now));
      s.start_time = FormatStartTime(MinuteOfDay(now));
    }
  } else {
    if (s.scan_frequency) return OnlyFor("scan_frequency", ScheduleType::kRecurring);
    if (s.start_time) return OnlyFor("start_time", ScheduleType::kRecurring);
    if (!s.run_at) return Status::InvalidArgument("run_at is required for one_time schedules");
    if (*s.run_at < now) return RunAtInPast();
    s.anchor_at.reset();
  }
  s.next_execution_at.reset();
  if (s.status == ScheduleStatus::kActive) {
    if (s.type == ScheduleType::kOneTime) {
      s.next_execution_at = *s.run_at;
    } else {
      s.next_execution_at = start_now ? *s.anchor_at : NextRecurring(s, now);
    }
  }
  return Status::Ok();
}

Result<Schedule> ApplySchedulePatch(const Schedule& current, const SchedulePatch& p, UnixMicros now) {
  if (Status s = CheckPatch(current, p, now); !s.ok()) return s;
  Schedule s = current;
  CopyPatchedFields(p, s);
  s.updated_at = now;

  const bool was_active = current.status == ScheduleStatus::kActive;
  if (s.status != ScheduleStatus::kActive) {
    s.next_execution_at.reset();
  } else if (current.type == ScheduleType::kRecurring) {
    if (!was_active || p.scan_frequency || p.start_time) s.next_execution_at = NextRecurring(s, now);
  } else if (!p.run_at && current.last_executed_at && *current.last_executed_at >= *current.run_at) {
    // A one-time schedule that has run for its run_at runs again only for a new one.
    return Status::InvalidArgument(
        "run_at is required to make a one_time schedule that has run active again");
  } else if (!was_active || p.run_at) {
    s.next_execution_at = *s.run_at;
  }
  return s;
}

PlannedRun PlanRun(const Schedule& due, UnixMicros now) {
  PlannedRun run;
  Task& t = run.task;
  t.id = NewUuidV4();
  t.owner_id = due.owner_id;
  t.title = due.name ? *due.name : DeriveTitle(due.task_message);
  if (t.title.empty()) t.title = kUntitled;
  t.status = TaskStatus::kPending;
  t.visibility = due.visibility;
  t.model = due.model;
  t.project_id = due.project_id;
  t.secret_names = due.secret_names;
  t.is_scheduled = true;
  t.created_at = t.updated_at = now;
  run.first_message = UserMessage(due.task_message);

  Schedule& s = run.schedule;
  s = due;
  s.execution_count = due.execution_count + 1;
  s.last_executed_at = now;
  UnixMicros scheduled_at = due.next_execution_at.value_or(now);
  if (due.type == ScheduleType::kRecurring) {
    // The latest due time that has passed stands for every one missed before it.
    const UnixMicros latest = LastSlotAtOrBefore(*due.anchor_at, *due.scan_frequency, now);
    if (latest > scheduled_at) scheduled_at = latest;
    s.next_execution_at = FirstSlotAfter(*due.anchor_at, *due.scan_frequency, now);
  } else {
    s.next_execution_at.reset();
    s.status = ScheduleStatus::kCompleted;
  }

  Execution& e = run.execution;
  e.id = NewUuidV4();
  e.schedule_id = due.id;
  e.task_id = t.id;
  e.scheduled_at = scheduled_at;
  e.started_at = now;
  e.status = ExecutionStatusOf(t.status);
  return run;
}

bool SetsScheduleAside(const Status& failure) { return failure.code() != Code::kUnavailable; }

}  // namespace taskshare
