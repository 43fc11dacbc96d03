// What every backend stores the same way for schedules: the columns of the schedule that a task
// created by one shows in its schedule_info, composed at read time, and the rules that decide whether
// a schedule or execution row holds values the domain can represent.
//
// A task's schedule_info is read with the task, as one extra column: a JSON array of
// TASKSHARE_LINKED_SCHEDULE_FIELDS (the task's execution e and its schedule s), built by the database
// in a correlated subquery (json_array on SQLite, json_build_array on PostgreSQL), NULL for a task no
// schedule created. One column keeps the task queries' shape (and works in PostgreSQL's
// UPDATE ... RETURNING, where the target table cannot be joined), and one decoder serves both backends.
//
// Free functions are pure and thread-safe; a RowDecoder is a plain value used by one thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"
#include "domain/schedule.h"
#include "domain/task.h"
#include "storage/task_codec.h"

// The fields of the linked-schedule array, in the order DecodeLinkedSchedule reads them. A macro so
// that each backend's query stays one compile-time string literal.
#define TASKSHARE_LINKED_SCHEDULE_FIELDS                                                    \
  "e.id, e.scheduled_at, e.started_at, e.completed_at, e.status, s.id, s.name, "            \
  "s.schedule_type, s.status, s.execution_count, s.last_executed_at, s.next_execution_at, " \
  "s.scan_frequency, s.start_time"
// The FROM and WHERE of that subquery, correlated with the task row `t`.
#define TASKSHARE_LINKED_SCHEDULE_FROM \
  " FROM schedule_executions e JOIN schedules s ON s.id = e.schedule_id WHERE e.task_id = t.id"

namespace taskshare {

// Decodes the linked-schedule column of a task row (NULL when the task has no execution): on success
// replaces *out with the composed ScheduleInfo; on a malformed value records the problem in `decode`
// as column "schedule_info".
void DecodeLinkedSchedule(std::optional<std::string_view> text, TaskFieldDecoder& decode,
                          std::optional<ScheduleInfo>* out);

// Decodes the columns of one schedule or execution row that can hold values the domain cannot
// represent, keeping the first problem found as kInternal "storage error" naming the row and the
// column (never a value's meaning beyond what is wrong with it).
class RowDecoder {
 public:
  // `what` names the kind of row in the detail: "schedule" or "execution".
  RowDecoder(std::string_view what, std::string_view id) : what_(what), id_(id) {}

  template <typename E>
  void Enum(std::optional<std::string_view> text, std::string_view column, E* out) {
    std::optional<E> value;
    if (text) value = Parse<E>(*text);
    if (value) {
      *out = *value;
    } else {
      Fail(column, text ? "holds '" + std::string(*text) + "'" : std::string("is NULL"));
    }
  }
  template <typename E>
  void OptionalEnum(std::optional<std::string_view> text, std::string_view column, std::optional<E>* out) {
    if (!text) return;
    E value{};
    Enum(text, column, &value);
    *out = value;
  }
  // secret_names: the JSON array of SecretNamesToText.
  void SecretNames(std::optional<std::string_view> text, std::vector<std::string>* out);
  // start_time: NULL, or "HH:MM".
  void StartTime(std::optional<std::string_view> text, std::optional<std::string>* out);

  void Fail(std::string_view column, std::string_view problem);
  const Status& status() const { return status_; }

 private:
  std::string_view what_;
  std::string_view id_;
  Status status_;
};

// Checks what a schedule row must hold together (the invariants of domain/schedule.h): recurring
// schedules have a frequency, start time and anchor, one-time ones a run_at, and next_execution_at is
// set exactly when the schedule is active.
void CheckScheduleShape(const Schedule& schedule, RowDecoder& decode);

}  // namespace taskshare
