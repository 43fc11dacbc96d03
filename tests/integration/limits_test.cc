// Limits that protect the server from its clients: slow-drip (slowloris) connections, thousands of
// idle keep-alive connections, and the cap on open connections.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kHealthz = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";

// Raw client sockets, closed on destruction.
class Sockets {
 public:
  Sockets() {
    // Each socket is a descriptor of this process too.
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  ~Sockets() {
    for (int fd : fds) close(fd);
  }
  Sockets(const Sockets&) = delete;
  Sockets& operator=(const Sockets&) = delete;

  // Opens one connection to 127.0.0.1:port; false if it cannot be made.
  bool Open(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      return false;
    }
    fds.push_back(fd);
    return true;
  }

  // How many of the sockets the server has closed (readable with EOF or reset), waiting up to `wait`
  // for `expected` of them.
  std::size_t ClosedByServer(std::size_t expected, milliseconds wait) {
    std::vector<bool> closed(fds.size(), false);
    std::size_t count = 0;
    const auto deadline = Clock::now() + wait;
    do {
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (closed[i]) continue;
        pollfd p{fds[i], POLLIN, 0};
        if (poll(&p, 1, 0) <= 0) continue;
        char byte = 0;
        const ssize_t n = recv(fds[i], &byte, 1, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
          closed[i] = true;
          ++count;
        }
      }
      if (count >= expected) break;
      std::this_thread::sleep_for(milliseconds(50));
    } while (Clock::now() < deadline);
    return count;
  }

  std::vector<int> fds;
};

std::int64_t ResidentKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// The time a fresh client takes to get /healthz answered.
milliseconds TimeToAnswer(int port, int* status) {
  const auto t0 = Clock::now();
  *status = HttpClient(port, seconds(10)).Get("/healthz").status;
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0);
}

TEST(LimitsTest, SlowDripConnectionsAreCutAndDoNotDelayOthers) {
  constexpr int kDrips = 1000;
  ServerProcess server({"--request-timeout", "3", "--threads", "1"});
  server.Start();
  Sockets drips;
  for (int i = 0; i < kDrips; ++i) ASSERT_TRUE(drips.Open(server.port())) << "connection " << i;
  // Each starts a request and then sends one more header byte now and then, never finishing it.
  for (int fd : drips.fds)
    ASSERT_GT(send(fd, "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Drip: ", 40, MSG_NOSIGNAL), 0);
  int worst_ms = 0;
  for (int round = 0; round < 4; ++round) {
    for (int fd : drips.fds) send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    int status = 0;
    const milliseconds took = TimeToAnswer(server.port(), &status);
    EXPECT_EQ(status, 200);
    worst_ms = std::max(worst_ms, static_cast<int>(took.count()));
    std::this_thread::sleep_for(milliseconds(400));
  }
  std::cout << "slow-drip: " << kDrips << " connections held; a normal request took at most " << worst_ms
            << " ms\n";
  RecordProperty("drip_connections", kDrips);
  RecordProperty("normal_request_worst_ms", worst_ms);
  EXPECT_LT(worst_ms, 1000) << "a normal client waited behind the slow ones";
  // --request-timeout 3: every one of them is dropped about 3 s after its first byte.
  EXPECT_EQ(drips.ClosedByServer(kDrips, seconds(10)), static_cast<std::size_t>(kDrips));
  int status = 0;
  TimeToAnswer(server.port(), &status);
  EXPECT_EQ(status, 200);
}

TEST(LimitsTest, TenThousandIdleKeepAliveConnections) {
  constexpr int kIdle = 10000;
  ServerProcess server({"--threads", "1", "--max-connections", "11000", "--metrics-public"});
  server.Start();
  const std::int64_t before_kib = ResidentKib(server.pid());
  Sockets idle;
  for (int i = 0; i < kIdle; ++i) ASSERT_TRUE(idle.Open(server.port())) << "connection " << i;
  // Every one of them is accepted and kept (the gauge counts them), and others are still served.
  std::string metrics;
  const auto deadline = Clock::now() + seconds(20);
  do {
    metrics = HttpClient(server.port()).Get("/metrics").body;
  } while (metrics.find("taskshare_connections_open " + std::to_string(kIdle + 1)) == std::string::npos &&
           Clock::now() < deadline);
  EXPECT_NE(metrics.find("taskshare_connections_open " + std::to_string(kIdle + 1)), std::string::npos)
      << metrics;
  int status = 0;
  const milliseconds took = TimeToAnswer(server.port(), &status);
  EXPECT_EQ(status, 200);
  const std::int64_t after_kib = ResidentKib(server.pid());
  std::cout << "idle keep-alive: " << kIdle << " connections open; resident " << before_kib / 1024
            << " MiB before, " << after_kib / 1024 << " MiB with them ("
            << (after_kib - before_kib) * 1024 / kIdle << " bytes each); a normal request took "
            << took.count() << " ms\n";
  RecordProperty("idle_connections", kIdle);
  RecordProperty("resident_kib_before", static_cast<int>(before_kib));
  RecordProperty("resident_kib_with_idle", static_cast<int>(after_kib));
  EXPECT_EQ(idle.ClosedByServer(1, milliseconds(0)), 0u)
      << "idle connections were dropped before the idle timeout";
}

TEST(LimitsTest, ConnectionsPastTheCapAreClosedAtOnce) {
  ServerProcess server({"--max-connections", "20", "--metrics-public", "--threads", "1"});
  server.Start();
  Sockets held;
  for (int i = 0; i < 19; ++i) ASSERT_TRUE(held.Open(server.port()));
  // Wait until the server has accepted the 19 (the gauge's own request makes 20 while it asks).
  const auto accepted = Clock::now() + seconds(10);
  while (HttpClient(server.port()).Get("/metrics").body.find("taskshare_connections_open 20\n") ==
             std::string::npos &&
         Clock::now() < accepted) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  std::this_thread::sleep_for(milliseconds(300));  // the server sees the gauge's connection close
  // With 19 held, one more fits, and it is served.
  ASSERT_TRUE(held.Open(server.port()));  // the 20th
  send(held.fds.back(), kHealthz.data(), kHealthz.size(), MSG_NOSIGNAL);
  char answer[12] = {};
  ASSERT_EQ(recv(held.fds.back(), answer, sizeof answer, MSG_WAITALL), 12);
  EXPECT_EQ(std::string(answer, 12), "HTTP/1.1 200");
  // The next one is closed without an answer.
  Sockets extra;
  ASSERT_TRUE(extra.Open(server.port()));
  send(extra.fds[0], kHealthz.data(), kHealthz.size(), MSG_NOSIGNAL);
  EXPECT_EQ(extra.ClosedByServer(1, seconds(5)), 1u);
  // Once the held ones go, the server takes connections again and counts the refusal.
  for (int fd : held.fds) close(fd);
  held.fds.clear();
  const auto deadline = Clock::now() + seconds(5);
  std::string metrics;
  do {
    try {
      metrics = HttpClient(server.port()).Get("/metrics").body;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(milliseconds(50));
    }
  } while (metrics.empty() && Clock::now() < deadline);
  EXPECT_NE(metrics.find("taskshare_connections_refused_total 1\n"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace taskshare::testing
