#include "cli/quota_flags.h"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "api/secret_requests.h"

namespace taskshare::cli {
namespace {

constexpr std::string_view kGroup = "Quotas (docs/operations.md)";

void AddLimit(CLI::App& cmd, const std::string& flag, std::int64_t& value, std::int64_t min, std::int64_t max,
              const std::string& help) {
  cmd.add_option(flag, value, help)
      ->capture_default_str()
      ->check(CLI::Range(min, max))
      ->group(std::string(kGroup));
}

}  // namespace

void AddTaskQuotaFlags(CLI::App& cmd, Quotas& quotas) {
  AddLimit(cmd, "--max-task-bytes", quotas.task_bytes, 1024, std::int64_t{1} << 30,
           "Bytes of JSON text a task's messages may hold in all; writes past it get 413");
  AddLimit(cmd, "--max-tasks-per-user", quotas.tasks_per_user, 1, 100'000'000,
           "Tasks a user may hold; creates and imports past it get 409 limit_reached");
  AddLimit(cmd, "--max-secret-names-per-task", quotas.secret_names_per_task, 1, 10'000,
           "Secret names a task or a schedule may list; more get 409 limit_reached");
}

void AddQuotaFlags(CLI::App& cmd, Quotas& quotas) {
  AddLimit(cmd, "--max-secrets-per-user", quotas.secrets_per_user, 1, 100'000,
           "Secrets a user may hold; a new one past it gets 409 limit_reached");
  AddLimit(cmd, "--max-secret-value-bytes", quotas.secret_value_bytes,
           static_cast<std::int64_t>(api::kMinSecretValueBytes),
           static_cast<std::int64_t>(api::kMaxSecretValueBytes),
           "Bytes of one secret value; longer ones get 413");
  AddLimit(cmd, "--max-secret-values-per-user", quotas.secret_values_per_user, 1, 1'000'000,
           "Values a user's secrets may hold, counting the past values kept for redaction; a put past it "
           "gets 409 limit_reached");
  AddLimit(cmd, "--max-schedules-per-user", quotas.schedules_per_user, 1, 100'000,
           "Schedules a user may have; a new one past it gets 409 limit_reached");
  cmd.add_option_function<std::string>(
         "--min-schedule-interval",
         [&quotas](const std::string& frequency) {
           quotas.min_schedule_interval = *Parse<ScanFrequency>(frequency);  // checked below
         },
         "The most often a recurring schedule may run: hourly (any frequency), daily, weekly or monthly; "
         "schedules more frequent get 409 limit_reached")
      ->check(CLI::IsMember({"hourly", "daily", "weekly", "monthly"}))
      ->default_str(std::string(ToString(quotas.min_schedule_interval)))
      ->group(std::string(kGroup));
  AddLimit(cmd, "--max-schedule-message-bytes", quotas.schedule_message_bytes, 1, std::int64_t{1} << 20,
           "Bytes of a schedule's task_message; longer ones get 413");
  AddTaskQuotaFlags(cmd, quotas);
}

}  // namespace taskshare::cli
