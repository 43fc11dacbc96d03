#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/task_requests.h"
#include "cli/commands.h"
#include "cli/quota_flags.h"
#include "storage/database_url.h"
#include "storage/store.h"

namespace taskshare::cli {
namespace {

struct ImportFlags {
  std::string file;
  std::string owner;
  std::string db = "sqlite:taskshare.db";
  // The limits of a task (cli/quota_flags.h, AddTaskQuotaFlags), as `serve` holds its API to them.
  Quotas quotas;
};

int Import(const ImportFlags& f) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) {
    std::cerr << "taskshare: cannot read " << f.file << "\n";
    return kExitFailed;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto imported = api::ParseImportedTask(text.str());
  if (!imported.ok()) {
    std::cerr << "taskshare: " << f.file << ": " << imported.status().message() << "\n";
    return kExitFailed;
  }
  if (Status s = CheckSecretNames(f.quotas, imported->task.secret_names.size()); !s.ok()) {
    std::cerr << "taskshare: " << f.file << ": " << s.message() << "\n";
    return kExitFailed;
  }
  const std::string owner = !f.owner.empty() ? f.owner : imported->created_by.value_or("");
  if (owner.empty()) {
    std::cerr << "taskshare: the file has no task.created_by; name the owner with --owner\n";
    return kExitFailed;
  }
  auto store = OpenStore({.url = f.db, .connections = 1, .replica_url = {}, .quotas = f.quotas});
  if (!store.ok()) {
    std::cerr << "taskshare: cannot open " << UrlForLogs(f.db) << ": " << store.status().message() << "\n";
    return kExitFailed;
  }
  auto user = (*store)->FindUserByEmail(owner);
  if (!user.ok()) {
    std::cerr << "taskshare: no user " << owner << " (create it with: taskshare user add --email " << owner
              << ")\n";
    return kExitFailed;
  }
  imported->task.owner_id = user->id;
  if (Status s = (*store)->CreateTask(imported->task, imported->messages); !s.ok()) {
    std::cerr << "taskshare: " << s.message() << " (" << imported->task.id << ")\n";
    return kExitFailed;
  }
  std::cout << imported->task.id << std::endl;
  return kExitOk;
}

}  // namespace

void AddImport(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Store a task from a SharedTaskResponse or Get-task-details JSON file; prints its id");
  cmd->add_option("FILE", flags->file, "The JSON file")->required();
  cmd->add_option("--owner", flags->owner, "Owner's email (default: the file's task.created_by)");
  cmd->add_option(
         "--db", flags->db,
         "Database URL: sqlite:PATH (or a bare path), or postgresql://USER:PASSWORD@HOST:PORT/DBNAME")
      ->capture_default_str();
  AddTaskQuotaFlags(*cmd, flags->quotas);
  cmd->callback([flags, &exit_code] { exit_code = Import(*flags); });
}

}  // namespace taskshare::cli
