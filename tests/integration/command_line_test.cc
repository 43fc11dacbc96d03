// The command line of every subcommand and its exit statuses (docs/operations.md, "Exit status"): 2
// for a command line that is wrong, found before anything is opened (no database file appears); 1 for
// one that is right but cannot be carried out (a database, a file or an address that fails); 0 for
// --help.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support/server_process.h"

namespace taskshare::testing {
namespace {

using std::chrono::seconds;

struct Case {
  std::vector<std::string> args;
  std::string says;  // what stderr must contain
};

// `args` run to completion (a server that starts anyway is killed after 10 s, which fails the test).
CommandResult RunCommand(const std::vector<std::string>& args) { return RunTaskshare(args, seconds(10)); }

// `serve` on the SQLite file `db` with `flags`, on a free port unless they name one.
std::vector<std::string> Serve(const std::string& db, const std::vector<std::string>& flags) {
  std::vector<std::string> args{"serve", "--db", "sqlite:" + db};
  if (flags.empty() || flags.front() != "--listen") args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

TEST(CommandLineTest, EveryInvalidServeFlagExits2BeforeAnythingIsOpened) {
  TempDir dir;
  const std::filesystem::path db = dir.path() / "t.db";
  const std::vector<Case> cases = {
      {{"--cache-bytes", "-5"}, "--cache-bytes"},
      {{"--cache-bytes", "2000000000000"}, "--cache-bytes"},
      {{"--public-url", "notaurl"}, "--public-url must be an absolute http:// or https:// URL"},
      {{"--public-url", "ftp://files.example.org"}, "--public-url must be"},
      {{"--public-url", "https://"}, "--public-url must be"},
      {{"--public-url", "https://me@share.example.org"}, "--public-url must be"},
      {{"--public-url", "https://share.example.org/?a=b"}, "--public-url must be"},
      {{"--public-url", "https://share.example.org/#top"}, "--public-url must be"},
      {{"--public-url", "https://10.0.0.5.nip.io"},
       "--public-url must not have a host name that begins like"},
      {{"--listen", "8080"}, "--listen must be"},
      {{"--listen", "localhost:8080"}, "--listen must be"},
      {{"--listen", "127.0.0.1:65536"}, "--listen must be"},
      {{"--listen", "127.0.0.1:-1"}, "--listen must be"},
      {{"--listen", "127.0.0.1:"}, "--listen must be"},
      {{"--listen", "[]:80"}, "--listen must be"},
      {{"--threads", "0"}, "--threads"},
      {{"--read-threads", "257"}, "--read-threads"},
      {{"--write-threads", "x"}, "--write-threads"},
      {{"--max-body-bytes", "-1"}, "--max-body-bytes"},
      {{"--max-header-bytes", "-1"}, "--max-header-bytes"},
      {{"--idle-timeout", "0"}, "--idle-timeout"},
      {{"--request-timeout", "3601"}, "--request-timeout"},
      {{"--max-connections", "0"}, "--max-connections"},
      {{"--shutdown-grace", "-1"}, "--shutdown-grace"},
      {{"--sharing", "maybe"}, "--sharing"},
      {{"--rate-limit", "nan"}, "--rate-limit"},
      {{"--rate-limit", "-1"}, "--rate-limit"},
      {{"--rate-burst", "nan"}, "--rate-burst"},
      {{"--rate-burst", "0"}, "--rate-burst"},
      {{"--trusted-proxy", "bogus"}, "--trusted-proxy must be an IP address or a CIDR block"},
      {{"--auth-header", "X-Forwarded-Email"}, "--auth-header needs --trusted-proxy"},
      {{"--auth-header", "X-Api-Key", "--trusted-proxy", "10.0.0.1"},
       "--auth-header is a header the server reads for"},
      {{"--auth-header", "Bad Name", "--trusted-proxy", "10.0.0.1"}, "--auth-header must be a header name"},
      {{"--auth-header", "Origin", "--trusted-proxy", "10.0.0.1"},
       "--auth-header is a header the server reads for"},
      {{"--auth-groups-header", "X-Forwarded-Groups", "--auth-admin-group", "admins"},
       "--auth-header is needed with --auth-groups-header"},
      {{"--auth-admin-group", "admins"}, "--auth-groups-header is needed with --auth-admin-group"},
      {{"--auth-header", "X-Forwarded-Email", "--trusted-proxy", "10.0.0.1", "--auth-groups-header",
        "x-forwarded-email", "--auth-admin-group", "admins"},
       "--auth-groups-header must differ from --auth-header"},
      {{"--auth-header", "X-Forwarded-Email", "--trusted-proxy", "10.0.0.1", "--auth-groups-header",
        "X-Forwarded-Groups"},
       "--auth-groups-header needs --auth-admin-group or --auth-support-group"},
      {{"--auth-header", "X-Forwarded-Email", "--trusted-proxy", "10.0.0.1", "--auth-groups-header",
        "X-Forwarded-Groups", "--auth-support-group", "help,desk"},
       "--auth-support-group must be a group name without commas"},
      {{"--max-task-bytes", "0"}, "--max-task-bytes"},
      {{"--min-schedule-interval", "yearly"}, "--min-schedule-interval"},
      {{"--no-such-flag"}, "--no-such-flag"},
      {{"--db-replica"}, "--db-replica"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.front() + (c.args.size() > 1 ? " " + c.args[1] : ""));
    const CommandResult r = RunCommand(Serve(db.string(), c.args));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("listening"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db)) << "the database was opened";
  }
}

TEST(CommandLineTest, ServeExits1WhenTheCommandLineIsRightButCannotBeCarriedOut) {
  TempDir dir;
  const std::string db = (dir.path() / "t.db").string();
  const std::string missing = (dir.path() / "no-such-dir" / "x").string();
  const std::vector<Case> cases = {
      {Serve(db, {"--secrets-key-file", missing}), "cannot read the secrets key file " + missing},
      {Serve(db, {"--access-log", missing}), "cannot open the access log " + missing},
      {Serve(missing, {}), "cannot open sqlite:" + missing},
      {{"serve", "--listen", "127.0.0.1:0", "--db", "ftp://db.example.org/x"},
       "unsupported database URL scheme"},
      // TEST-NET-1 (RFC 5737) is never an address of this machine: the bind fails.
      {{"serve", "--listen", "192.0.2.1:8080", "--db", "sqlite:" + db}, "taskshare: "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.says);
    const CommandResult r = RunCommand(c.args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("listening"), std::string::npos) << r.err;
  }
}

TEST(CommandLineTest, APublicUrlWithAPathPrefixIsAcceptedWithoutItsTrailingSlashes) {
  ServerProcess server({"--public-url", "https://share.example.org/base//"});
  server.Start();
  EXPECT_NE(server.Log().find("share links: https://share.example.org/base/share/{id}"), std::string::npos)
      << server.Log();
}

TEST(CommandLineTest, UserAddAndImportFollowTheSameRule) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "t.db").string();
  const std::string missing_db = "sqlite:" + (dir.path() / "no-such-dir" / "t.db").string();
  const std::string file = (dir.path() / "task.json").string();
  std::ofstream(file) << "{\"task\": 1}";
  const std::vector<std::pair<Case, int>> cases = {
      {{{"user", "add", "--email", "nobody", "--db", db}, "--email: invalid email address"}, 2},
      {{{"user", "add", "--email", "a@b.example", "--role", "root", "--db", db}, "--role must be one of"}, 2},
      {{{"user", "add", "--db", db}, "--email"}, 2},
      {{{"user", "--db", db}, ""}, 2},
      {{{"import", "--db", db}, "FILE"}, 2},
      {{{"import", file, "--max-task-bytes", "0", "--db", db}, "--max-task-bytes"}, 2},
      {{{"user", "add", "--email", "a@b.example", "--db", missing_db}, "cannot open sqlite:"}, 1},
      {{{"import", (dir.path() / "none.json").string(), "--db", db}, "cannot read"}, 1},
      {{{"import", file, "--owner", "a@b.example", "--db", db}, "task.json"}, 1},
  };
  for (const auto& [c, status] : cases) {
    SCOPED_TRACE(c.args[0] + " " + c.args[1] + " " + c.args[2]);
    const CommandResult r = RunCommand(c.args);
    EXPECT_EQ(r.exit_code, status) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  // The usage errors above opened nothing; a user that exists is refused with 1.
  ASSERT_EQ(RunCommand({"user", "add", "--email", "a@b.example", "--db", db}).exit_code, 0);
  const CommandResult again = RunCommand({"user", "add", "--email", "A@B.example", "--db", db});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("User already exists"), std::string::npos) << again.err;
}

TEST(CommandLineTest, HelpExits0) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                               {"serve", "--help"},
                                               {"user", "add", "--help"},
                                               {"import", "--help"}}) {
    const CommandResult r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 0) << args.front();
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  const std::string serve_help = RunCommand({"serve", "--help"}).out;
  EXPECT_EQ(serve_help.find("clock-file"), std::string::npos) << "the test-only flag stays hidden";
}

}  // namespace
}  // namespace taskshare::testing
