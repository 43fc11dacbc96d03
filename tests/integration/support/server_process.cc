#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>
#include <system_error>

#ifndef TASKSHARE_BIN
#error "TASKSHARE_BIN must name the taskshare binary"
#endif

namespace taskshare::testing {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

struct Pipe {
  int read = -1;
  int write = -1;
};

// Both ends close on exec, so that no other child inherits them and holds a pipe open.
Pipe MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) ThrowErrno("pipe2");
  return {fds[0], fds[1]};
}

pid_t Spawn(const std::vector<std::string>& args, int out_fd, int err_fd) {
  return SpawnChild(TASKSHARE_BIN, args, out_fd, err_fd);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` until `deadline`; the wait status, or nullopt if it is still running.
std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) ThrowErrno("waitpid");
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int WaitBlocking(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) ThrowErrno("waitpid");
  }
  return status;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Describe(const std::string& program, const std::vector<std::string>& args,
                     const CommandResult& r) {
  std::string cmd = program;
  for (const auto& a : args) cmd += " " + a;
  return cmd + " exited " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
         "\n--- stderr ---\n" + r.err;
}

}  // namespace

// `program` is a path (execv does not search PATH).
pid_t SpawnChild(const std::string& program, const std::vector<std::string>& args, int out_fd, int err_fd) {
  std::vector<std::string> full{program};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) ThrowErrno("fork");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
      ::_exit(126);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

CommandResult RunTaskshare(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  return RunProgram(TASKSHARE_BIN, args, timeout);
}

CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout) {
  Pipe out = MakePipe();
  Pipe err = MakePipe();
  const pid_t pid = SpawnChild(program, args, out.write, err.write);
  ::close(out.write);
  ::close(err.write);

  CommandResult result;
  const auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) ThrowErrno("poll");
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  std::optional<int> status = timed_out ? std::nullopt : WaitUntil(pid, deadline);
  if (!status) {
    ::kill(pid, SIGKILL);
    WaitBlocking(pid);
    result.exit_code = -1;
    throw std::runtime_error("timed out: " + Describe(program, args, result));
  }
  result.exit_code = ExitCode(*status);
  return result;
}

std::string WritePrivateFile(const std::filesystem::path& path, const std::string& contents) {
  const std::string name = path.string();
  const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) ThrowErrno("open " + name);
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size());
  ::close(fd);
  if (!written) ThrowErrno("write " + name);
  return name;
}

void SetClockFile(const std::filesystem::path& clock, const std::string& rfc3339) {
  std::filesystem::path tmp = clock;
  tmp += ".tmp";
  std::ofstream(tmp) << rfc3339 << "\n";
  std::filesystem::rename(tmp, clock);
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "taskshare-it-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) ThrowErrno("mkdtemp");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string db_url)
    : extra_args_(std::move(extra_args)), db_url_(std::move(db_url)) {}

ServerProcess::~ServerProcess() {
  try {
    Kill();
  } catch (...) {  // a destructor must not throw; the directory is removed regardless
  }
}

void ServerProcess::Start(std::chrono::milliseconds timeout) {
  if (running()) throw std::logic_error("ServerProcess::Start: already running");
  std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--db", db_url()};
  // Tests hammer the share endpoints from one address: no rate limit unless a test sets one.
  if (std::find(extra_args_.begin(), extra_args_.end(), "--rate-limit") == extra_args_.end()) {
    args.insert(args.end(), {"--rate-limit", "0"});
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  {
    std::lock_guard lock(mu_);
    log_.clear();
    eof_ = false;
  }
  Pipe output = MakePipe();
  pid_ = Spawn(args, output.write, output.write);
  ::close(output.write);
  port_ = 0;
  drain_ = std::thread([this, fd = output.read] { DrainOutput(fd); });

  // The line must be complete (newline seen) so that the port is not read half-written.
  static const std::regex kListening(R"(taskshare listening on http://127\.0\.0\.1:(\d+)\r?\n)");
  std::unique_lock lock(mu_);
  std::smatch m;
  const bool found =
      cv_.wait_for(lock, timeout, [&] { return std::regex_search(log_, m, kListening) || eof_; });
  if (found && !m.empty()) {
    port_ = std::stoi(m[1].str());
    return;
  }
  const std::string why = eof_ ? "the server exited before listening" : "no listening line in time";
  lock.unlock();
  Kill();
  throw std::runtime_error(why + " (exit " + std::to_string(last_status_) + "); its output:\n" + Log());
}

void DrainInto(int fd, std::mutex& mu, std::condition_variable& cv, std::string& log, bool& eof) {
  char buf[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    std::lock_guard lock(mu);
    if (got <= 0) {
      eof = true;
      cv.notify_all();
      break;
    }
    log.append(buf, static_cast<size_t>(got));
    cv.notify_all();
  }
  ::close(fd);
}

void ServerProcess::DrainOutput(int fd) { DrainInto(fd, mu_, cv_, log_, eof_); }

void ServerProcess::Reap(int status) {
  last_status_ = ExitCode(status);
  pid_ = -1;
  if (drain_.joinable()) drain_.join();
}

bool ServerProcess::Exited() {
  if (!running()) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
  Reap(status);
  return true;
}

int ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  std::optional<int> status = WaitUntil(pid_, Clock::now() + timeout);
  if (!status) {
    ::kill(pid_, SIGKILL);
    status = WaitBlocking(pid_);
  }
  Reap(*status);
  return last_status_;
}

void ServerProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  Reap(WaitBlocking(pid_));
}

void ServerProcess::Restart(bool hard) {
  if (hard) {
    Kill();
  } else {
    Stop();
  }
  Start();
}

std::string ServerProcess::Log() const {
  std::lock_guard lock(mu_);
  return log_;
}

CommandResult ServerProcess::RunCli(std::vector<std::string> args) const {
  args.push_back("--db");
  args.push_back(db_url());
  return RunTaskshare(args);
}

std::string ServerProcess::AddUser(const std::string& email, const std::string& team,
                                   const std::string& role) const {
  std::vector<std::string> args{"user", "add", "--email", email};
  if (!team.empty()) args.insert(args.end(), {"--team", team});
  if (!role.empty()) args.insert(args.end(), {"--role", role});
  const CommandResult r = RunCli(args);
  if (r.exit_code != 0) throw std::runtime_error(Describe("taskshare", args, r));
  return Trim(r.out);
}

std::string ServerProcess::Import(const std::string& json, const std::string& owner) const {
  static std::atomic<int> counter{0};
  const auto file = dir() / ("import-" + std::to_string(++counter) + ".json");
  std::ofstream(file, std::ios::binary) << json;
  std::vector<std::string> args{"import", file.string()};
  if (!owner.empty()) args.insert(args.end(), {"--owner", owner});
  const CommandResult r = RunCli(args);
  if (r.exit_code != 0) throw std::runtime_error(Describe("taskshare", args, r));
  return Trim(r.out);
}

std::vector<std::vector<std::string>> ServerProcess::Sql(const std::string& sql,
                                                         const std::vector<std::string>& params) const {
  sqlite3* raw = nullptr;
  const int open_rc = ::sqlite3_open_v2(db_path().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, &::sqlite3_close_v2);
  auto fail = [&](const std::string& what) {
    return std::runtime_error(what + ": " + (db ? ::sqlite3_errmsg(db.get()) : "no handle") + " in: " + sql);
  };
  if (open_rc != SQLITE_OK) throw fail("sqlite3_open_v2");
  ::sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* raw_stmt = nullptr;
  if (::sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_stmt, nullptr) != SQLITE_OK) {
    throw fail("prepare");
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw_stmt, &::sqlite3_finalize);
  for (size_t i = 0; i < params.size(); ++i) {
    ::sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    const int rc = ::sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw fail("step");
    auto& row = rows.emplace_back();
    for (int c = 0; c < ::sqlite3_column_count(stmt.get()); ++c) {
      const auto* text = ::sqlite3_column_text(stmt.get(), c);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
  }
  return rows;
}

}  // namespace taskshare::testing
