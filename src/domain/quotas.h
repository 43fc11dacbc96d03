// Quotas: how much of the server one account may take, so that no user can make it slower or fuller
// for everyone else. The limits are one options struct (Quotas), set by the flags of `serve` and of
// `import` (cli/quota_flags.h) and passed to where each is enforced: the API handlers check the ones a
// request decides alone, and the store checks the ones that depend on what is stored, inside the write
// transaction (task_bytes, tasks_per_user and secret_values_per_user, see storage/store.h).
//
// Every refusal is a Status that names its limit (Status::limit(), one of LimitName's spellings):
// kLimitReached (409 `limit_reached`) for counts and the schedule interval, kTooLarge (413
// `payload_too_large`) for sizes. The API counts each one in /metrics by that name
// (observe/limit_refusals.h).
//
// A limit applies to what a request writes: rows stored before a limit was lowered stay, and keep
// working (a task over a lowered task_bytes is still served, but takes no more messages).
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "domain/enums.h"

namespace taskshare {

// The limits, as named in refusals, in /metrics and in the docs.
enum class Limit {
  kSecretsPerUser,
  kSecretValueBytes,
  kSecretValuesPerUser,
  kSecretNamesPerTask,
  kSchedulesPerUser,
  kScheduleInterval,
  kScheduleMessageBytes,
  kTaskBytes,
  kTasksPerUser,
};
inline constexpr std::array<Limit, 9> kLimits = {
    Limit::kSecretsPerUser,       Limit::kSecretValueBytes, Limit::kSecretValuesPerUser,
    Limit::kSecretNamesPerTask,   Limit::kSchedulesPerUser, Limit::kScheduleInterval,
    Limit::kScheduleMessageBytes, Limit::kTaskBytes,        Limit::kTasksPerUser,
};

// The limit's name: "secrets_per_user", "secret_value_bytes", "secret_values_per_user",
// "secret_names_per_task",
// "schedules_per_user", "schedule_interval", "schedule_message_bytes", "task_bytes", "tasks_per_user".
// A string literal (so a Status may keep it).
std::string_view LimitName(Limit limit);

// The defaults are meant for a public server: each bounds what one account can cost the others, and
// leaves room for real use (the benchmark, bench/share.sh, loads 100,000 tasks for one user and ingests
// tens of MB into a task).
struct Quotas {
  // Secrets a user may hold (current ones: the retired values of replaced or deleted secrets are not
  // counted). Replacing the value of a secret the user holds is not refused by it (but may be by
  // secret_values_per_user).
  std::int64_t secrets_per_user = 100;
  // Bytes of one secret value, at most api::kMaxSecretValueBytes (api/secret_requests.h), the longest
  // value a secret can have at all. A PEM-encoded 4096-bit RSA private key is about 3,300 bytes.
  std::int64_t secret_value_bytes = 4096;
  // Values a user's secrets hold and have held: one per current secret, plus every retired value (the
  // value a put replaced or a delete removed, kept so that share views go on redacting it from the
  // transcripts that may hold it, storage/store.h). Retired values are never dropped, so this bounds
  // what one user's redaction can cost: a put that would store one more value past it (a new secret, or
  // a new value for one held) is refused; deletes always pass, as they store no new value. Enforced by
  // the store, in the put's transaction. Ten values for each of secrets_per_user.
  std::int64_t secret_values_per_user = 1000;
  // Secret names one task may carry (`secrets` at its creation, or in an imported file), and one
  // schedule, which passes its names on to every task it creates.
  std::int64_t secret_names_per_task = 100;
  // Schedules a user may have (deleted ones are not counted; paused, completed and failed ones are).
  std::int64_t schedules_per_user = 20;
  // The shortest interval between two runs of a recurring schedule, as the frequency that has it:
  // hourly allows every frequency, daily refuses hourly, weekly refuses hourly and daily, monthly
  // allows monthly alone. One-time schedules run once and are not concerned.
  ScanFrequency min_schedule_interval = ScanFrequency::kHourly;
  // Bytes of a schedule's task_message, the first message of every task it creates.
  std::int64_t schedule_message_bytes = 16 * 1024;
  // Bytes of a task's messages: the sum of the JSON text of every message stored for it, checked by
  // the store on create, append and import. Two and a half times what the benchmark's ingest case
  // appends to each of its tasks at its default settings.
  std::int64_t task_bytes = std::int64_t{64} << 20;
  // Tasks a user may hold, checked by the store when a task is created through the API or imported
  // (the runs of schedules count, but are not refused: schedules_per_user, min_schedule_interval and
  // schedule_message_bytes bound them). Twice the benchmark's 100,000.
  std::int64_t tasks_per_user = 200'000;
};

// The checks. Each returns ok, or the refusal naming its limit with what the request asked for.

// A new secret (a name the user does not hold yet) for a user who holds `held` secrets.
Status CheckNewSecret(const Quotas& quotas, std::int64_t held);
// A secret value of `bytes` bytes.
Status CheckSecretValue(const Quotas& quotas, std::size_t bytes);
// One more secret value for a user whose secrets hold and have held `held` values (current and retired).
Status CheckNewSecretValue(const Quotas& quotas, std::int64_t held);
// `names` secret names on one task or one schedule.
Status CheckSecretNames(const Quotas& quotas, std::size_t names);
// A new schedule for a user who has `held` schedules.
Status CheckNewSchedule(const Quotas& quotas, std::int64_t held);
// A recurring schedule that runs at `frequency`.
Status CheckScheduleInterval(const Quotas& quotas, ScanFrequency frequency);
// A schedule task_message of `bytes` bytes.
Status CheckScheduleMessage(const Quotas& quotas, std::size_t bytes);
// A task holding `stored` bytes of messages that a write would take to `stored + adding` (adding
// nothing is always ok).
Status CheckTaskBytes(const Quotas& quotas, std::int64_t stored, std::int64_t adding);
// A user who holds `held` tasks once a new one is counted (so `held` may be at most tasks_per_user).
Status CheckTasksHeld(const Quotas& quotas, std::int64_t held);

}  // namespace taskshare
