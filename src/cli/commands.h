// The subcommands of the `taskshare` binary. Each Add* registers one subcommand, with its options and
// --help, on `app`; when that subcommand runs, its exit status is stored in `exit_code` (0 success,
// 1 refused, with the reason on stderr).
#pragma once

namespace CLI {
class App;
}

namespace taskshare::cli {

void AddServe(CLI::App& app, int& exit_code);
void AddUser(CLI::App& app, int& exit_code);
void AddImport(CLI::App& app, int& exit_code);

}  // namespace taskshare::cli
