// The real `taskshare` binary as a child process, for integration tests.
//
// ServerProcess owns a fresh temporary directory holding the database (`<dir>/t.db`) and, while it
// runs, one `taskshare serve --listen 127.0.0.1:0 --db sqlite:<dir>/t.db` child (with
// `--rate-limit 0` unless the test passes its own); given a database URL (a postgresql:// one, say) it
// serves that database instead, so that several ServerProcesses can be nodes sharing one database.
// Start() returns
// once the child has printed `taskshare listening on http://127.0.0.1:PORT`; from then on a thread
// keeps reading the child's stdout and stderr into a log so that the child never blocks on a full
// pipe. Stop() sends SIGTERM and waits; Kill() sends SIGKILL and waits; Start() again restarts on
// the same database. The destructor kills a running child and removes the directory.
//
// The CLI helpers (AddUser, Import, RunCli) run the binary to completion against the same database;
// they are usable whether or not the server is running. Failures of the harness itself (the binary
// cannot be started, a command fails, a timeout expires) are thrown as std::runtime_error carrying
// the child's output, which GoogleTest reports as a test failure.
//
// Not thread-safe except Log(), which may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace taskshare::testing {

// What a finished command printed and how it ended.
struct CommandResult {
  int exit_code = -1;  // the exit status, or 128 + signal number if it was killed by a signal
  std::string out;     // everything it wrote on stdout
  std::string err;     // everything it wrote on stderr
};

// Starts `program` (a path) with `args` as a child process with stdin from /dev/null and stdout and stderr on
// the given descriptors; the child is killed when the test process dies (PR_SET_PDEATHSIG), so an
// interrupted test run leaves nothing behind. Returns its pid; throws if it cannot fork.
pid_t SpawnChild(const std::string& program, const std::vector<std::string>& args, int out_fd, int err_fd);

// Reads a child's output from `fd` until it ends, appending it to `log` and waking `cv` with each
// read; sets `eof` at the end and closes `fd`. `log` and `eof` are guarded by `mu`. For a thread of
// its own.
void DrainInto(int fd, std::mutex& mu, std::condition_variable& cv, std::string& log, bool& eof);

// Runs TASKSHARE_BIN with `args` to completion (killed after `timeout`, which then throws).
CommandResult RunTaskshare(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Runs `program` (a path) with `args` to completion, as RunTaskshare does.
CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Writes `contents` to the file `path` (replacing it), private to its owner (mode 0600), as the server
// requires of a secrets key file (secrets/private_file.h); returns `path`. Throws if it cannot.
std::string WritePrivateFile(const std::filesystem::path& path, const std::string& contents);

// Sets the time that `serve --clock-file clock` reads to `rfc3339`: the file is replaced whole (written
// beside it, then renamed over it), so the server never reads it half-written.
void SetClockFile(const std::filesystem::path& clock, const std::string& rfc3339);

// A fresh directory under the system temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class ServerProcess {
 public:
  // `extra_args` are appended to every `serve` command line (e.g. {"--max-body-bytes", "1024"}).
  // `db_url`, when not empty, is the database that `serve` and the CLI helpers use instead of the
  // directory's SQLite file.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string db_url = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (up to `timeout`) for its listening line. Throws, with the child's
  // output, if it exits or stays silent instead. Requires that the server is not running.
  void Start(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGTERM, then waits up to `timeout` (SIGKILL after that). Returns the exit status as in
  // CommandResult::exit_code. A no-op returning -1 when not running.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // SIGKILL and wait. A no-op when not running.
  void Kill();
  // Stop() (or Kill() when `hard`), then Start() on the same database.
  void Restart(bool hard = false);

  bool running() const { return pid_ > 0; }
  // True if the child has exited on its own (reaps it); false while it runs.
  bool Exited();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path db_path() const { return dir_.path() / "t.db"; }
  std::string db_url() const { return db_url_.empty() ? "sqlite:" + db_path().string() : db_url_; }

  // Everything the current (or last) child has written so far on stdout and stderr.
  std::string Log() const;

  // `user add --email E [--team T] [--role R] --db URL`; returns the key printed on stdout.
  std::string AddUser(const std::string& email, const std::string& team = "",
                      const std::string& role = "") const;
  // Writes `json` to a file in the directory and runs `import FILE [--owner E] --db URL`; returns
  // the printed id.
  std::string Import(const std::string& json, const std::string& owner = "") const;
  // Runs `taskshare args... --db URL` to completion.
  CommandResult RunCli(std::vector<std::string> args) const;

  // Runs one SQL statement on the SQLite database file through a connection of its own (SQLite allows
  // it while the server runs; not for a server given a database URL), binding `params` as text to ?1, ?2...;
  // returns the rows as text (NULL as "NULL"). Throws std::runtime_error on any SQLite error.
  std::vector<std::vector<std::string>> Sql(const std::string& sql,
                                            const std::vector<std::string>& params = {}) const;

 private:
  void DrainOutput(int fd);
  void Reap(int status);

  std::vector<std::string> extra_args_;
  std::string db_url_;  // empty: the directory's SQLite file
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int last_status_ = -1;
  std::thread drain_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string log_;   // guarded by mu_
  bool eof_ = false;  // guarded by mu_; the child closed its output
};

}  // namespace taskshare::testing
