// The deployment of docs/deployment.md in small: two taskshare nodes on one PostgreSQL database behind nginx
// (Debian's package) as the load balancer, on loopback. nginx is started here, with a configuration
// generated into a temporary folder, and stopped at the end. A revoke made through one node directly
// is honoured on every later request through the balancer, whichever node nginx picks. Runs when
// TASKSHARE_TEST_POSTGRES_URL names a server (scripts/test.sh starts one), on a database of its own;
// fails if nginx is not installed (scripts/install-deps.sh --test installs it).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/nodes.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kNginx = "/usr/sbin/nginx";

// A free loopback port (bound and released; nginx binds it right after).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// nginx in the foreground (daemon off) with the configuration of the deployment guide (docs/deployment.md),
// balancing round robin over `upstreams`; killed with the test process (SpawnChild).
class Nginx {
 public:
  Nginx(const std::filesystem::path& dir, const std::vector<int>& upstreams) : dir_(dir), port_(FreePort()) {
    // The worker runs as nobody when the master is root: it needs to reach its temporary folders.
    ::chmod(dir_.c_str(), 0755);
    std::string servers;
    for (int port : upstreams) servers += "    server 127.0.0.1:" + std::to_string(port) + " max_fails=0;\n";
    std::ofstream(dir_ / "nginx.conf")
        << "worker_processes 1;\n"
        << "pid " << (dir_ / "nginx.pid").string() << ";\n"
        << "error_log " << (dir_ / "error.log").string() << " warn;\n"
        << "events { worker_connections 256; }\n"
        << "http {\n"
        << "  access_log off;\n"
        << "  client_body_temp_path " << (dir_ / "body").string() << ";\n"
        << "  proxy_temp_path " << (dir_ / "proxy").string() << ";\n"
        << "  fastcgi_temp_path " << (dir_ / "fastcgi").string() << ";\n"
        << "  uwsgi_temp_path " << (dir_ / "uwsgi").string() << ";\n"
        << "  scgi_temp_path " << (dir_ / "scgi").string() << ";\n"
        << "  upstream taskshare {\n"
        << servers << "    keepalive 16;\n"
        << "  }\n"
        << "  server {\n"
        << "    listen 127.0.0.1:" << port_ << ";\n"
        << "    location / {\n"
        << "      proxy_pass http://taskshare;\n"
        << "      proxy_http_version 1.1;\n"
        << "      proxy_set_header Connection \"\";\n"
        << "      proxy_set_header Host $host;\n"
        << "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        << "    }\n"
        << "  }\n"
        << "}\n";
    const int log = ::open((dir_ / "stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_ = SpawnChild(kNginx,
                      {"-p", dir_.string(), "-c", (dir_ / "nginx.conf").string(), "-e",
                       (dir_ / "error.log").string(), "-g", "daemon off;"},
                      log, log);
    ::close(log);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!Answers()) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("nginx exited: " + Logs());
      }
      if (Clock::now() >= deadline) throw std::runtime_error("nginx does not answer: " + Logs());
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;
  ~Nginx() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // fast shutdown of the master and its worker
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

  int port() const { return port_; }
  std::string Logs() const {
    std::string out;
    for (const char* name : {"stderr.log", "error.log"}) {
      std::ifstream in(dir_ / name);
      out += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return out;
  }

 private:
  bool Answers() const {
    try {
      return HttpClient(port_, milliseconds(500)).Get("/healthz").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }

  std::filesystem::path dir_;
  int port_;
  pid_t pid_ = -1;
};

TEST(NginxTest, ARevokeThroughOneNodeIsHonouredThroughTheBalancer) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  ASSERT_TRUE(std::filesystem::exists(kNginx)) << "nginx is not installed (scripts/install-deps.sh --test)";
  const PostgresDatabase db(TestPostgresUrl());
  ServerProcess a({"--metrics-public"}, db.url());
  ServerProcess b({"--metrics-public"}, db.url());
  a.Start();
  b.Start();
  const std::string key = a.AddUser("owner@balancer.test", "red");
  TempDir dir;
  Nginx nginx(dir.path(), {a.port(), b.port()});
  const std::string id = CreateTask(a.port(), key, "public");

  // Through the balancer, both nodes answer and cache the share.
  Connection balanced(nginx.port());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(balanced.Get(SharePath(id)).status, 200) << nginx.Logs();
  EXPECT_GT(MetricValue(a.port(), "taskshare_cache_hits_total"), 0);
  EXPECT_GT(MetricValue(b.port(), "taskshare_cache_hits_total"), 0);

  // Revoke through node A directly; node B hears of it within the propagation delay that the two-node
  // test measures (MultiNodeTest: a few ms; this waits at most 1 s, for busy machines), after which
  // every request through nginx is a 403.
  ASSERT_EQ(
      HttpClient(a.port()).Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key)).status,
      200);
  const Clock::time_point acknowledged = Clock::now();
  Connection direct_b(b.port());
  while (direct_b.Get(SharePath(id)).status != 403) {
    ASSERT_LT(Clock::now() - acknowledged, milliseconds(1000)) << "node B still serves the revoked task";
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::printf("node B answered 403 %.2f ms after node A acknowledged the revoke\n",
              std::chrono::duration<double, std::milli>(Clock::now() - acknowledged).count());
  const double b_hits = MetricValue(b.port(), "taskshare_cache_hits_total");
  for (int i = 0; i < 40; ++i) {
    const Response r = balanced.Get(SharePath(id));
    EXPECT_TRUE(IsError(r, 403)) << "request " << i << " through nginx";
  }
  // The 403 is cached like the 200 was: the balancer's requests reached both nodes' caches.
  EXPECT_GT(MetricValue(b.port(), "taskshare_cache_hits_total"), b_hits);
  EXPECT_FALSE(a.Exited()) << a.Log();
  EXPECT_FALSE(b.Exited()) << b.Log();
}

}  // namespace
}  // namespace taskshare::testing
