#include "storage/postgres/change_feed.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "common/log.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/migrations.h"
#include "storage/postgres/settings.h"

namespace taskshare {
namespace {

using postgres::ConnPtr;
using postgres::ResultPtr;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The channel is an identifier, not a parameter: LISTEN takes no bind parameters. It is a constant.
const std::string kListenSql = "LISTEN " + std::string(postgres::kTaskChangedChannel);
constexpr const char* kHeartbeatSql = "SELECT 1";

std::string ErrorOf(PGconn* conn) {
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

int MillisUntil(Clock::time_point when) {
  const auto left = std::chrono::duration_cast<milliseconds>(when - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left) + 1;  // +1: poll's timeout rounds down
}

class PostgresChangeFeed final : public ChangeFeed {
 public:
  PostgresChangeFeed(const PostgresOptions& options, postgres::ConnectSettings settings,
                     ChangeListener& listener, int wake_fd)
      : options_(options), settings_(std::move(settings)), listener_(listener), wake_fd_(wake_fd) {}
  ~PostgresChangeFeed() override {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    ::close(wake_fd_);
  }

  bool up() const override { return up_.load(); }

  // Connects and LISTENs on the calling thread. Sets conn_.
  Status Subscribe();
  // Calls OnFeedRestored() and starts the thread on the subscribed connection.
  void Start() {
    listener_.OnFeedRestored();
    up_ = true;
    thread_ = std::thread([this] { Run(); });
  }

 private:
  void Run();
  // Serves conn_ until it is lost (returns why) or the feed is stopped (returns nullopt).
  std::optional<std::string> Listen();
  // Passes every notification received so far to the listener.
  void Deliver(PGconn* conn);
  // Waits `wait`; false if the feed was stopped meanwhile.
  bool Sleep(milliseconds wait);
  static void OnNotice(void* arg, const PGresult* notice);

  const PostgresOptions options_;
  const postgres::ConnectSettings settings_;
  ChangeListener& listener_;
  const int wake_fd_;  // an eventfd, written once to stop the thread
  std::atomic<bool> up_{false};
  ConnPtr conn_;        // the thread's (the opener's until Start())
  bool fatal_ = false;  // the server announced it is closing conn_ (set by OnNotice)
  std::string fatal_text_;
  std::thread thread_;
};

Status PostgresChangeFeed::Subscribe() {
  Result<ConnPtr> conn = postgres::ConnectRaw(settings_);
  if (!conn.ok()) return conn.status();
  fatal_ = false;
  PQsetNoticeReceiver(conn->get(), OnNotice, this);
  ResultPtr listened(PQexec(conn->get(), kListenSql.c_str()));
  if (!listened || PQresultStatus(listened.get()) != PGRES_COMMAND_OK) {
    return Status::Unavailable("service unavailable", "LISTEN failed: " + ErrorOf(conn->get()));
  }
  conn_ = std::move(*conn);
  return Status::Ok();
}

// A server that closes a connection first sends a FATAL (an administrator's pg_terminate_backend, a
// shutdown); with no query running, libpq hands it to the notice receiver.
void PostgresChangeFeed::OnNotice(void* arg, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == nullptr) return;
  const std::string_view level = severity;
  if (level != "FATAL" && level != "PANIC") return;
  auto* feed = static_cast<PostgresChangeFeed*>(arg);
  feed->fatal_ = true;
  const char* text = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  feed->fatal_text_ = text != nullptr ? text : "FATAL";
}

void PostgresChangeFeed::Deliver(PGconn* conn) {
  while (PGnotify* raw = PQnotifies(conn)) {
    const std::unique_ptr<PGnotify, decltype(&PQfreemem)> notify(raw, &PQfreemem);
    const std::string_view payload = notify->extra;
    if (payload == kSharingChanged) {
      listener_.OnSharingChanged();
    } else if (payload.starts_with(kSecretChangedPrefix)) {
      const std::string_view rest = payload.substr(kSecretChangedPrefix.size());
      const std::size_t colon = rest.find(':');
      if (colon == std::string_view::npos) {
        listener_.OnTaskChanged(kEveryTask);  // not ours to read: assume the worst
      } else {
        listener_.OnSecretChanged(rest.substr(0, colon), rest.substr(colon + 1));
      }
    } else {
      listener_.OnTaskChanged(notify->extra);
    }
  }
}

bool PostgresChangeFeed::Sleep(milliseconds wait) {
  pollfd fd{wake_fd_, POLLIN, 0};
  const auto until = Clock::now() + wait;
  for (;;) {
    const int n = ::poll(&fd, 1, MillisUntil(until));
    if (n > 0) return false;
    if (Clock::now() >= until) return true;
  }
}

std::optional<std::string> PostgresChangeFeed::Listen() {
  PGconn* conn = conn_.get();
  const milliseconds interval(options_.feed_heartbeat_interval_ms);
  const milliseconds timeout(options_.feed_heartbeat_timeout_ms);
  Clock::time_point next_heartbeat = Clock::now() + interval;
  bool awaiting = false;        // a heartbeat query is unanswered
  Clock::time_point answer_by;  // when it must be answered by
  for (;;) {
    // Whatever has been read so far: heartbeat results, then notifications, then the verdict on the
    // connection, so that changes received before a loss are delivered before OnFeedLost().
    while (awaiting && PQisBusy(conn) == 0) {
      ResultPtr result(PQgetResult(conn));
      if (!result) {
        awaiting = false;
        next_heartbeat = Clock::now() + interval;
      } else if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
        return "the heartbeat query failed: " + ErrorOf(conn);
      }
    }
    Deliver(conn);
    if (fatal_) return "the server closed the connection: " + fatal_text_;
    if (PQstatus(conn) != CONNECTION_OK) return "the connection was lost: " + ErrorOf(conn);

    const Clock::time_point now = Clock::now();
    if (awaiting && now >= answer_by) {
      return "no answer to the heartbeat query within " + std::to_string(timeout.count()) + " ms";
    }
    if (!awaiting && now >= next_heartbeat) {
      if (PQsendQuery(conn, kHeartbeatSql) == 0) return "cannot send the heartbeat query: " + ErrorOf(conn);
      awaiting = true;
      answer_by = now + timeout;
    }
    pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int n = ::poll(fds, 2, MillisUntil(awaiting ? answer_by : next_heartbeat));
    if (n < 0 && errno != EINTR) return std::string("poll failed: ") + std::strerror(errno);
    if (n > 0 && fds[1].revents != 0) return std::nullopt;
    if (n > 0 && fds[0].revents != 0 && PQconsumeInput(conn) == 0) {
      Deliver(conn);  // notifications parsed before the failure are still delivered
      return fatal_ ? "the server closed the connection: " + fatal_text_
                    : "the connection was lost: " + ErrorOf(conn);
    }
  }
}

void PostgresChangeFeed::Run() {
  for (;;) {
    std::optional<std::string> lost = Listen();
    if (!lost) return;
    conn_.reset();
    listener_.OnFeedLost();
    up_ = false;
    LogError("change feed lost (" + *lost + "); resubscribing");
    const Clock::time_point since = Clock::now();
    milliseconds backoff(options_.feed_reconnect_min_ms);
    bool reported = false;
    for (;;) {
      if (!Sleep(backoff)) return;
      const Status s = Subscribe();
      if (s.ok()) break;
      if (!reported) LogError("change feed: cannot resubscribe yet (" + s.detail() + "); retrying");
      reported = true;
      backoff = std::min(backoff * 2, milliseconds(options_.feed_reconnect_max_ms));
    }
    listener_.OnFeedRestored();
    up_ = true;
    const auto outage = std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
    LogInfo("change feed restored after " + std::to_string(outage) + " ms");
  }
}

}  // namespace

Result<std::unique_ptr<ChangeFeed>> OpenPostgresChangeFeed(const PostgresOptions& options,
                                                           ChangeListener& listener) {
  if (Status s = postgres::CheckUrl(options.url); !s.ok()) return s;
  if (options.feed_heartbeat_interval_ms < 1 || options.feed_heartbeat_timeout_ms < 1 ||
      options.feed_reconnect_min_ms < 1 || options.feed_reconnect_max_ms < options.feed_reconnect_min_ms) {
    return Status::InvalidArgument(
        "change feed intervals must be positive, the maximum backoff at least the minimum");
  }
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd < 0) return Status::Internal("storage error", std::string("eventfd: ") + std::strerror(errno));
  auto feed = std::make_unique<PostgresChangeFeed>(
      options, postgres::SettingsFor(options, options.url, postgres::kListenApplication), listener, wake_fd);
  if (Status s = feed->Subscribe(); !s.ok()) return s;
  feed->Start();
  return std::unique_ptr<ChangeFeed>(std::move(feed));
}

}  // namespace taskshare
