// What `serve` and `user add` check and protect before any request, one section each: database
// passwords kept out of every message however the URL is written; the SQLite files private to the
// server's user whatever the umask; the secrets key file private to its owner; the secrets key checked
// against the one the database's secrets were sealed with (on SQLite and PostgreSQL); emails
// normalised and validated.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../unit/postgres_test_support.h"
#include "common/ids.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kKey[] = "3f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr char kOtherKey[] = "9a1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

std::vector<std::string> Serve(const std::string& db, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--db", db};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// ---- Database URLs in messages ----

// Every way of writing a password that the URL parser mishandles or refuses: the message names the
// database without it.
TEST(StartupChecksTest, DatabasePasswordsNeverReachTheLogHoweverTheUrlIsWritten) {
  const std::string secret = "Zq7s3cr3t";
  for (const std::string& url : {
           "postgresql://app:" + secret + " x@127.0.0.1:1/db",   // a space
           "postgresql://app:" + secret + "@x@127.0.0.1:1/db",   // an '@' in the password
           "postgresql://app:" + secret + "/x@127.0.0.1:1/db",   // a '/' in the password
           "postgresql://app:" + secret + "%zz@127.0.0.1:1/db",  // a bad percent escape
           "postgresql://127.0.0.1:1/db?sslpassword=" + secret,  // sslpassword
           "postgresql://127.0.0.1:1/db?pass%77ord=" + secret,   // a percent-encoded name
       }) {
    SCOPED_TRACE(url);
    for (const std::vector<std::string>& args :
         {Serve(url, {}), std::vector<std::string>{"user", "add", "--email", "a@b.example", "--db", url}}) {
      const CommandResult r = RunTaskshare(args);
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_NE(r.err.find("taskshare: cannot open postgresql://"), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    }
  }
}

// ---- The SQLite files ----

// The process's umask for the length of a test (children inherit it).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

int ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

TEST(StartupChecksTest, TheSqliteDatabaseAndItsWalArePrivateUnderTheUsualUmask) {
  const ScopedUmask umask(022);
  ServerProcess server;
  server.Start();
  const std::string key = server.AddUser("owner@files.test");
  HttpClient client(server.port());
  ASSERT_TRUE(HasStatus(client.Post("/api/v1/tasks", R"({"task": "x"})", Auth(key)), 202));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::filesystem::path file = server.db_path().string() + suffix;
    EXPECT_EQ(ModeOf(file), 0600) << file;
  }
  EXPECT_EQ(server.Stop(), 0);

  // `user add` on a fresh file too.
  TempDir dir;
  const CommandResult r = RunTaskshare(
      {"user", "add", "--email", "first@files.test", "--db", "sqlite:" + (dir.path() / "u.db").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ModeOf(dir.path() / "u.db"), 0600);
}

// ---- The secrets key file ----

// Like ssh with a private key: one clear message naming the file, its mode and the fix, exit status 1.
TEST(StartupChecksTest, AKeyFileOthersMayReadStopsTheServer) {
  TempDir dir;
  const std::string key_file = (dir.path() / "secrets.key").string();
  for (const mode_t mode : {0644, 0640, 0604}) {
    std::ofstream(key_file) << kKey << "\n";
    ASSERT_EQ(::chmod(key_file.c_str(), mode), 0);
    const CommandResult r =
        RunTaskshare(Serve("sqlite:" + (dir.path() / "t.db").string(), {"--secrets-key-file", key_file}));
    EXPECT_EQ(r.exit_code, 1);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_NE(
        r.err.find("taskshare: the secrets key file " + key_file + " has mode " + octal +
                   ", open to other users: it must be private to its owner (chmod 600 " + key_file + ")\n"),
        std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find(kKey), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "t.db")) << "refused before opening the database";
  }
  ASSERT_EQ(::chmod(key_file.c_str(), 0600), 0);
  ServerProcess server({"--secrets-key-file", key_file});
  server.Start();
  EXPECT_TRUE(HasStatus(HttpClient(server.port()).Get("/api/v1/tasks"), 401));
  EXPECT_EQ(server.Stop(), 0);
}

// ---- The secrets key's check value, on each backend ----

class SecretsKeyCheckTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
      postgres_ = std::make_unique<PostgresDatabase>(TestPostgresUrl());
      db_ = postgres_->url();
    } else {
      db_ = "sqlite:" + (dir_.path() / "t.db").string();
    }
    key_ = WritePrivateFile(dir_.path() / "key", std::string(kKey) + "\n");
    other_key_ = WritePrivateFile(dir_.path() / "other", std::string(kOtherKey) + "\n");
  }

  std::string Mismatch(const std::string& file) const {
    return "taskshare: the secrets key from " + file +
           " differs from the one this database's secrets were sealed with: start this node with the key the "
           "others use (to change the key on purpose, see \"Changing the secrets key\" in "
           "docs/operations.md)\n";
  }

  TempDir dir_;
  std::unique_ptr<PostgresDatabase> postgres_;
  std::string db_;
  std::string key_;
  std::string other_key_;
};

TEST_P(SecretsKeyCheckTest, ANodeWithAnotherKeyRefusesToStart) {
  {
    ServerProcess first({"--secrets-key-file", key_}, db_);
    first.Start();
    const CommandResult refused = RunTaskshare(Serve(db_, {"--secrets-key-file", other_key_}));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find(Mismatch(other_key_)), std::string::npos) << refused.err;
    EXPECT_EQ(refused.err.find(kOtherKey), std::string::npos);
    EXPECT_EQ(refused.err.find(kKey), std::string::npos);
    EXPECT_FALSE(first.Exited());
    EXPECT_EQ(first.Stop(), 0);
  }
  // The same key again, and no key at all (secrets off, as before), start.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--secrets-key-file", key_}, std::vector<std::string>{}}) {
    ServerProcess again(args, db_);
    again.Start();
    EXPECT_TRUE(HasStatus(HttpClient(again.port()).Get("/api/v1/tasks"), 401));
    EXPECT_EQ(again.Stop(), 0);
  }
  const CommandResult still = RunTaskshare(Serve(db_, {"--secrets-key-file", other_key_}));
  EXPECT_EQ(still.exit_code, 1) << "a start without a key stored nothing";
}

// Nodes started together with different keys on a fresh database: exactly one key wins, and only the
// nodes holding it run.
TEST_P(SecretsKeyCheckTest, NodesStartingTogetherAgreeOnOneKey) {
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<ServerProcess>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<ServerProcess>(
        std::vector<std::string>{"--secrets-key-file", i % 2 == 0 ? key_ : other_key_}, db_));
  }
  std::vector<int> started(kNodes, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      try {
        nodes[i]->Start();
        started[i] = 1;
      } catch (const std::exception& e) {
        started[i] = nodes[i]->Log().find("differs from the one this database's secrets were sealed with") !=
                             std::string::npos
                         ? -1
                         : 0;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kNodes; ++i) EXPECT_NE(started[i], 0) << "node " << i << ":\n" << nodes[i]->Log();
  EXPECT_EQ(started[0], started[2]);
  EXPECT_EQ(started[1], started[3]);
  EXPECT_NE(started[0], started[1]) << "one key runs, the other is refused";
}

INSTANTIATE_TEST_SUITE_P(Backends, SecretsKeyCheckTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// ---- Emails ----

TEST(StartupChecksTest, UserAddStoresEmailsInLowerCaseAndRefusesNonAddresses) {
  ServerProcess server;
  server.Start();
  const std::string key = server.AddUser("Alice@Example.COM");
  const CommandResult twin = server.RunCli({"user", "add", "--email", "alice@example.com"});
  EXPECT_EQ(twin.exit_code, 1);
  EXPECT_EQ(twin.err, "taskshare: User already exists\n");
  for (const char* bad : {"alice@localhost", "alice", "a@b@example.com", "al ice@example.com", ""}) {
    const CommandResult r = server.RunCli({"user", "add", "--email", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_TRUE(r.err.starts_with("taskshare: --email: invalid email address: it must ")) << r.err;
  }
  const std::string id = NewUuidV4();
  const std::string imported =
      server.Import(R"({"task": {"id": ")" + id +
                        R"(", "title": "t", "status": "completed", "visibility": "private",
                                                 "created_at": "2026-01-02T03:04:05Z"}, "messages": []})",
                    "ALICE@example.com");
  EXPECT_EQ(imported, id);
  HttpClient client(server.port());
  const json::value task = ExpectJson(client.Get("/api/v1/tasks/" + id, Auth(key)), 200);
  EXPECT_EQ(task.at("task").at("created_by"), "alice@example.com");
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace taskshare::testing
