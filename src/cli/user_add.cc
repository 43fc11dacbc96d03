#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "common/ids.h"
#include "domain/email.h"
#include "domain/enums.h"
#include "domain/user.h"
#include "storage/database_url.h"
#include "storage/store.h"

namespace taskshare::cli {
namespace {

struct UserFlags {
  std::string email;
  std::string team;
  std::string role = "user";
  std::string db = "sqlite:taskshare.db";
};

int AddUserNow(const UserFlags& f) {
  if (Status s = ValidateEmail(f.email); !s.ok()) {
    std::cerr << "taskshare: --email: " << s.message() << "\n";
    return kExitUsage;
  }
  auto role = Parse<Role>(f.role);
  if (!role) {
    std::cerr << "taskshare: --role must be one of " << Spellings<Role>() << "\n";
    return kExitUsage;
  }
  auto store = OpenStore({.url = f.db, .connections = 1, .replica_url = {}, .quotas = {}});
  if (!store.ok()) {
    std::cerr << "taskshare: cannot open " << UrlForLogs(f.db) << ": " << store.status().message() << "\n";
    return kExitFailed;
  }
  User user{
      .id = NewUuidV4(), .email = f.email, .role = *role, .team = std::nullopt, .created_at = NowMicros()};
  if (!f.team.empty()) user.team = f.team;
  const std::string key = NewApiKey();
  const StoredApiKey stored{
      .key_hash = Sha256Hex(key), .prefix = std::string(ApiKeyPrefix(key)), .created_at = user.created_at};
  if (Status s = (*store)->CreateUser(user, stored); !s.ok()) {
    std::cerr << "taskshare: " << s.message() << "\n";
    return kExitFailed;
  }
  std::cout << key << std::endl;
  return kExitOk;
}

}  // namespace

void AddUser(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<UserFlags>();
  CLI::App* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  CLI::App* add = user->add_subcommand("add", "Create a user and print its new API key on stdout");
  add->add_option(
         "--email", flags->email,
         "The user's email, stored with its ASCII letters in lower case (ALICE@X.ORG is alice@x.org)")
      ->required();
  add->add_option("--team", flags->team, "The user's team (at most one)");
  add->add_option("--role", flags->role, "user, support or admin")->capture_default_str();
  add->add_option(
         "--db", flags->db,
         "Database URL: sqlite:PATH (or a bare path), or postgresql://USER:PASSWORD@HOST:PORT/DBNAME")
      ->capture_default_str();
  add->callback([flags, &exit_code] { exit_code = AddUserNow(*flags); });
}

}  // namespace taskshare::cli
