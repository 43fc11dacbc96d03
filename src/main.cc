// taskshare: share links for the transcripts of AI security-agent tasks.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"taskshare: a task store with unauthenticated share links"};
  app.require_subcommand(1);
  int exit_code = 0;
  taskshare::cli::AddServe(app, exit_code);
  taskshare::cli::AddUser(app, exit_code);
  taskshare::cli::AddImport(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? taskshare::cli::kExitOk : taskshare::cli::kExitUsage;
  }
  return exit_code;
}
