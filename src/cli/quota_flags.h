// The command-line flags of the quotas (domain/quotas.h), one per field of Quotas, each defaulting to
// the field's default. CLI11 checks every value while it parses the command line: a value out of the
// flag's range (negative, zero, or absurdly large) stops the command before it does anything, with exit
// status 2 and a message naming the flag and its range. There is no "unlimited" value; the ranges'
// upper ends are far above any real use.
//
// The Quotas object must outlive the parse. Not thread-safe (the command line is parsed once, at start).
#pragma once

#include "domain/quotas.h"

namespace CLI {
class App;
}

namespace taskshare::cli {

// Every quota flag, for `serve`:
//   --max-secrets-per-user N          secrets_per_user        1 to 100,000
//   --max-secret-value-bytes N        secret_value_bytes      4 to 16,384
//   --max-secret-values-per-user N    secret_values_per_user  1 to 1,000,000
//   --max-schedules-per-user N        schedules_per_user      1 to 100,000
//   --min-schedule-interval FREQ      schedule_interval       hourly, daily, weekly or monthly
//   --max-schedule-message-bytes N    schedule_message_bytes  1 to 1,048,576
// and those of AddTaskQuotaFlags.
void AddQuotaFlags(CLI::App& cmd, Quotas& quotas);

// The flags of the quotas a stored task is held to, for `import` too:
//   --max-task-bytes N                task_bytes              1,024 to 1,073,741,824
//   --max-tasks-per-user N            tasks_per_user          1 to 100,000,000
//   --max-secret-names-per-task N     secret_names_per_task   1 to 10,000
void AddTaskQuotaFlags(CLI::App& cmd, Quotas& quotas);

}  // namespace taskshare::cli
