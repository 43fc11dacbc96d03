#include "domain/quotas.h"

#include <string>

namespace taskshare {
namespace {

// "<what> (limit <name>)": every refusal names its limit in the words the client reads, too.
std::string Named(std::string what, Limit limit) {
  return what + " (limit " + std::string(LimitName(limit)) + ")";
}

Status Reached(std::string what, Limit limit) {
  return Status::LimitReached(Named(std::move(what), limit), LimitName(limit));
}

Status Over(std::string what, Limit limit) {
  return Status::TooLarge(Named(std::move(what), limit), LimitName(limit));
}

// The place of a frequency from the most frequent to the least, whatever the enum's order.
int Rank(ScanFrequency frequency) {
  switch (frequency) {
    case ScanFrequency::kHourly:
      return 0;
    case ScanFrequency::kDaily:
      return 1;
    case ScanFrequency::kWeekly:
      return 2;
    case ScanFrequency::kMonthly:
      return 3;
  }
  return 0;
}

}  // namespace

std::string_view LimitName(Limit limit) {
  switch (limit) {
    case Limit::kSecretsPerUser:
      return "secrets_per_user";
    case Limit::kSecretValueBytes:
      return "secret_value_bytes";
    case Limit::kSecretValuesPerUser:
      return "secret_values_per_user";
    case Limit::kSecretNamesPerTask:
      return "secret_names_per_task";
    case Limit::kSchedulesPerUser:
      return "schedules_per_user";
    case Limit::kScheduleInterval:
      return "schedule_interval";
    case Limit::kScheduleMessageBytes:
      return "schedule_message_bytes";
    case Limit::kTaskBytes:
      return "task_bytes";
    case Limit::kTasksPerUser:
      return "tasks_per_user";
  }
  return "unknown";
}

Status CheckNewSecret(const Quotas& quotas, std::int64_t held) {
  if (held < quotas.secrets_per_user) return Status::Ok();
  return Reached("a user may hold at most " + std::to_string(quotas.secrets_per_user) +
                     " secrets; delete one first, or replace the value of one you have",
                 Limit::kSecretsPerUser);
}

Status CheckSecretValue(const Quotas& quotas, std::size_t bytes) {
  if (static_cast<std::int64_t>(bytes) <= quotas.secret_value_bytes) return Status::Ok();
  return Over("a secret value may be at most " + std::to_string(quotas.secret_value_bytes) +
                  " bytes on this server; this one has " + std::to_string(bytes),
              Limit::kSecretValueBytes);
}

Status CheckNewSecretValue(const Quotas& quotas, std::int64_t held) {
  if (held < quotas.secret_values_per_user) return Status::Ok();
  return Reached("a user's secrets may hold at most " + std::to_string(quotas.secret_values_per_user) +
                     " values in all, counting the past values kept to redact them from transcripts; "
                     "this user's hold " +
                     std::to_string(held),
                 Limit::kSecretValuesPerUser);
}

Status CheckSecretNames(const Quotas& quotas, std::size_t names) {
  if (static_cast<std::int64_t>(names) <= quotas.secret_names_per_task) return Status::Ok();
  return Reached("secrets may list at most " + std::to_string(quotas.secret_names_per_task) +
                     " names; this one has " + std::to_string(names),
                 Limit::kSecretNamesPerTask);
}

Status CheckNewSchedule(const Quotas& quotas, std::int64_t held) {
  if (held < quotas.schedules_per_user) return Status::Ok();
  return Reached(
      "a user may have at most " + std::to_string(quotas.schedules_per_user) + " schedules; delete one first",
      Limit::kSchedulesPerUser);
}

Status CheckScheduleInterval(const Quotas& quotas, ScanFrequency frequency) {
  if (Rank(frequency) >= Rank(quotas.min_schedule_interval)) return Status::Ok();
  return Reached("scan_frequency " + std::string(ToString(frequency)) +
                     " runs more often than this server allows; the shortest interval is " +
                     std::string(ToString(quotas.min_schedule_interval)),
                 Limit::kScheduleInterval);
}

Status CheckScheduleMessage(const Quotas& quotas, std::size_t bytes) {
  if (static_cast<std::int64_t>(bytes) <= quotas.schedule_message_bytes) return Status::Ok();
  return Over("task_message may be at most " + std::to_string(quotas.schedule_message_bytes) +
                  " bytes; this one has " + std::to_string(bytes),
              Limit::kScheduleMessageBytes);
}

Status CheckTaskBytes(const Quotas& quotas, std::int64_t stored, std::int64_t adding) {
  // Adding nothing is always allowed, even to a task over a limit lowered since it was filled.
  if (adding <= 0 || adding <= quotas.task_bytes - stored) return Status::Ok();
  return Over("a task may hold at most " + std::to_string(quotas.task_bytes) +
                  " bytes of messages; this one holds " + std::to_string(stored) + " and the request adds " +
                  std::to_string(adding),
              Limit::kTaskBytes);
}

Status CheckTasksHeld(const Quotas& quotas, std::int64_t held) {
  if (held <= quotas.tasks_per_user) return Status::Ok();
  return Reached(
      "a user may hold at most " + std::to_string(quotas.tasks_per_user) + " tasks; delete some first",
      Limit::kTasksPerUser);
}

}  // namespace taskshare
