// The real binary on PostgreSQL: `taskshare user add` and `taskshare serve` with
// --db postgresql://..., then a create, append, share and revoke round trip over HTTP. Runs when
// TASKSHARE_TEST_POSTGRES_URL names a server (scripts/test.sh starts one), on a database of its own.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "../unit/postgres_test_support.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

// `taskshare serve --listen 127.0.0.1:0 --db URL` as a child process, killed on destruction (and
// with the test process, through PR_SET_PDEATHSIG). ServerProcess always serves a SQLite file of
// its own, hence this small twin.
class PostgresServer {
 public:
  explicit PostgresServer(const std::string& db_url) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<std::string> args{TASKSHARE_BIN, "serve", "--listen", "127.0.0.1:0", "--db", db_url};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent || ::dup2(fds[1], 1) < 0 || ::dup2(fds[1], 2) < 0) ::_exit(126);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    WaitForPort();
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(out_);
  }

  int port() const { return port_; }

 private:
  void WaitForPort() {
    static const std::regex kListening(R"(taskshare listening on http://127\.0\.0\.1:(\d+)\r?\n)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string log;
    std::smatch m;
    while (!std::regex_search(log, m, kListening)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd fd{out_, POLLIN, 0};
      char buf[4096];
      ssize_t got = 0;
      if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0 ||
          (got = ::read(out_, buf, sizeof buf)) <= 0) {
        throw std::runtime_error("the server did not start; its output:\n" + log);
      }
      log.append(buf, static_cast<std::size_t>(got));
    }
    port_ = std::stoi(m[1].str());
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

TEST(PostgresServerTest, CreateAppendShareAndRevokeRoundTrip) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  const CommandResult added =
      RunTaskshare({"user", "add", "--email", "pg@example.com", "--team", "red", "--db", db.url()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string key = added.out.substr(0, added.out.find('\n'));
  const PostgresServer server(db.url());
  const HttpClient client(server.port());

  const std::string first = R"({"role":"user","content":"scan \"example.com\" — ünïcode","n":1.50})";
  const Response created = client.Post(
      "/api/v1/tasks", R"({"title":"on postgres","visibility":"public","message":)" + first + "}", Auth(key));
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id(json::parse(created.body).at("id").as_string());

  const std::string second = R"({"id":"m2","role":"assistant","content":"found 2 issues"})";
  for (int attempt = 0; attempt < 2; ++attempt) {  // a retried append stores nothing twice
    const Response appended =
        client.Post("/api/v1/tasks/" + id + "/messages", R"({"messages":[)" + second + "]}", Auth(key));
    ASSERT_EQ(appended.status, 200) << appended.body;
    EXPECT_EQ(json::parse(appended.body).at("appended"), attempt == 0 ? 1 : 0);
    EXPECT_EQ(json::parse(appended.body).at("message_count"), 2);
  }

  const Response shared = client.Get("/api/v1/tasks/" + id + "/share");
  ASSERT_EQ(shared.status, 200) << shared.body;
  // Messages come back with the exact text they were sent with.
  EXPECT_NE(shared.body.find(first), std::string::npos) << shared.body;
  EXPECT_NE(shared.body.find(second), std::string::npos) << shared.body;
  EXPECT_EQ(json::parse(shared.body).at("task").at("title"), "on postgres");

  const Response revoked = client.Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(client.Get("/api/v1/tasks/" + id + "/share").status, 403);
  const Response listed = client.Get("/api/v1/tasks", Auth(key));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(json::parse(listed.body).at("tasks").as_array().size(), 1U);
}

}  // namespace
}  // namespace taskshare::testing
