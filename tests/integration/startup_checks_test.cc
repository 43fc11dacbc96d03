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

}  // namespace
}  // namespace taskshare::testing
