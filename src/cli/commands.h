// The subcommands of the `taskshare` binary. Each Add* registers one subcommand, with its options and
// --help, on `app`; when that subcommand runs, its exit status is stored in `exit_code`, one of the
// three below, with the reason on stderr when it is not 0 (docs/operations.md, "Exit status").
#pragma once

namespace CLI {
class App;
}

namespace taskshare::cli {

// Done.
inline constexpr int kExitOk = 0;
// The command line was right but the command could not be done: the database cannot be opened, a
// file named on it (the secrets key, the access log, the file to import) cannot be read or is refused,
// the port cannot be bound, or the operation itself is refused (a user that exists, a task over quota).
inline constexpr int kExitFailed = 1;
// The command line itself is wrong: an unknown flag, a missing or malformed value, a value out of its
// range. Found before anything is opened or changed.
inline constexpr int kExitUsage = 2;

void AddServe(CLI::App& app, int& exit_code);
void AddUser(CLI::App& app, int& exit_code);
void AddImport(CLI::App& app, int& exit_code);

}  // namespace taskshare::cli
