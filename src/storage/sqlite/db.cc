#include "storage/sqlite/db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

#include "common/log.h"

namespace taskshare::sqlite {
namespace {

constexpr std::string_view kBeginDeferredSql = "BEGIN";
constexpr std::string_view kBeginImmediateSql = "BEGIN IMMEDIATE";
constexpr std::string_view kCommitSql = "COMMIT";
constexpr std::string_view kRollbackSql = "ROLLBACK";
constexpr std::string_view kJournalModeSql = "PRAGMA journal_mode = WAL";
constexpr int kJournalRetryMs = 10;
// Per-connection settings: FULL syncs the WAL on every commit, so an acknowledged write survives
// power loss; foreign keys are off by default in SQLite and must be enabled on each connection. Reads
// stay on read(): memory-mapping the file would be faster for cache misses, but every connection's map
// counts in the process's resident size, several times the database, which breaks the memory budget.
constexpr std::string_view kConnectionSettingsSql = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

constexpr mode_t kDatabaseFileMode = 0600;

// "0644": permission bits as chmod takes them.
std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Creates `path` empty with kDatabaseFileMode unless something is there already. SQLite would create
// it 0644 less the umask, and its unix VFS gives the -wal and -shm files the database file's mode
// (chmod-ing them to it whatever the umask), so the mode set here is the mode of all three. O_EXCL
// makes a concurrent creator, or a file that appears meanwhile, an existing file, left as it is.
Status PrepareDatabaseFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kDatabaseFileMode);
  if (fd >= 0) {
    const int rc = ::fchmod(fd, kDatabaseFileMode);  // the umask may have cleared the owner's bits
    const int saved = errno;
    ::close(fd);
    if (rc == 0) return Status::Ok();
    return Status::Unavailable("database cannot be opened",
                               "cannot set the mode of database file " + path + ": " + std::strerror(saved));
  }
  if (errno != EEXIST) {
    return Status::Unavailable("database cannot be opened",
                               "cannot create database file " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    Log("warning", "the database file " + path + " has mode " + OctalMode(st.st_mode) +
                       ", readable by other users: make it private to the server's user (chmod 600 " + path +
                       ", and its -wal and -shm files if present)");
  }
  return Status::Ok();
}

}  // namespace

// ---- Statement ----

Statement::Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use)
    : conn_(conn), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_), stmt_(other.stmt_), in_use_(other.in_use_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  Reset();
  *in_use_ = false;
}

void Statement::Reset() {
  // Resetting also ends the implicit read transaction of a statement left mid-iteration.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

void Statement::NoteBind(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindText(int index, std::string_view value) {
  NoteBind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Statement::BindBlob(int index, std::string_view bytes) {
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
}

void Statement::BindInt64(int index, std::int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index)); }

void Statement::BindOptionalText(int index, std::optional<std::string_view> value) {
  if (value) {
    BindText(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalInt64(int index, std::optional<std::int64_t> value) {
  if (value) {
    BindInt64(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return conn_->Error(bind_rc_, sqlite3_sql(stmt_));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Error(rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  Result<bool> row = Step();
  if (!row.ok()) return row.status();
  return Status::Ok();
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  // sqlite3_column_bytes must follow sqlite3_column_text: the text conversion can change the size.
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::ColumnBlob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (bytes == nullptr) return {};
  return {bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<std::string> Statement::ColumnOptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return ColumnText(column);
}

// ---- Connection ----

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int busy_timeout_ms) {
  if (sqlite3_threadsafe() == 0) {
    return Status::Internal("storage error", "SQLite was built without thread support");
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    std::string detail = "cannot open database file " + path + ": ";
    detail += db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
    return Status::Unavailable("database cannot be opened", std::move(detail));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  // The busy timeout comes first so that switching to WAL waits for a concurrent opener.
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);

  std::unique_ptr<Connection> conn(new Connection(std::move(db)));
  {
    // Switching a new file to WAL needs an exclusive lock, and SQLite may report a concurrent
    // opener's lock at once rather than through the busy handler: retry within the busy timeout.
    std::string mode;
    for (int waited_ms = 0;; waited_ms += kJournalRetryMs) {
      Result<Statement> journal = conn->Prepare(kJournalModeSql);
      if (!journal.ok()) return journal.status();
      Result<bool> row = journal->Step();
      if (row.ok()) {
        mode = *row ? journal->ColumnText(0) : std::string();
        break;
      }
      if (row.status().code() != Code::kUnavailable || waited_ms >= busy_timeout_ms) return row.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(kJournalRetryMs));
    }
    if (mode != "wal") {
      return Status::Internal("storage error",
                              "cannot use WAL journaling on " + path + " (journal_mode is '" + mode + "')");
    }
  }
  if (Status s = conn->ExecScript(kConnectionSettingsSql); !s.ok()) return s;
  return conn;
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, sql);
    if (!stmt) return Status::Internal("storage error", "empty SQL statement");
    it = cache_.emplace(std::string(sql), CachedStatement{std::move(stmt)}).first;
  }
  CachedStatement& cached = it->second;
  if (cached.in_use) {
    return Status::Internal("storage error", "prepared statement already in use: " + std::string(sql));
  }
  cached.in_use = true;
  return Statement(this, cached.stmt.get(), &cached.in_use);
}

Status Connection::ExecScript(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  return Status::Ok();
}

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_.get()); }

std::int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_.get()); }

bool Connection::InAutocommit() const { return sqlite3_get_autocommit(db_.get()) != 0; }

Status Connection::Error(int rc, std::string_view sql) const {
  std::string detail = sqlite3_errmsg(db_.get());
  detail += " [";
  detail += sqlite3_errstr(rc);
  detail += "] in: ";
  detail += sql;
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable("database is busy", std::move(detail));
  }
  return Status::Internal("storage error", std::move(detail));
}

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Connection& conn, TxMode mode) {
  Result<Statement> begin = conn.Prepare(mode == TxMode::kWrite ? kBeginImmediateSql : kBeginDeferredSql);
  if (!begin.ok()) return begin.status();
  if (Status s = begin->Run(); !s.ok()) return s;
  return Transaction(&conn);
}

Status Transaction::Commit() {
  Status s;
  {
    Result<Statement> commit = conn_->Prepare(kCommitSql);
    if (!commit.ok()) return commit.status();
    s = commit->Run();
  }
  if (s.ok()) conn_ = nullptr;
  return s;
}

Transaction::~Transaction() {
  // SQLite may already have rolled back on its own after some errors; then there is nothing to
  // undo.
  if (conn_ == nullptr || conn_->InAutocommit()) return;
  Result<Statement> rollback = conn_->Prepare(kRollbackSql);
  if (rollback.ok()) (void)rollback->Run();
}

// ---- ConnectionPool ----

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& path, int size,
                                                             int busy_timeout_ms) {
  if (size < 1) {
    return Status::InvalidArgument("the database connection pool needs at least one connection");
  }
  if (Status s = PrepareDatabaseFile(path); !s.ok()) return s;
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  for (int i = 0; i < size; ++i) {
    Result<std::unique_ptr<Connection>> conn = Connection::Open(path, busy_timeout_ms);
    if (!conn.ok()) return conn.status();
    pool->free_.push_back(conn->get());
    pool->all_.push_back(std::move(*conn));
  }
  return pool;
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  freed_.wait(lock, [this] { return !free_.empty(); });
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(this, conn);
}

void ConnectionPool::Release(Connection* conn) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(conn);
  }
  freed_.notify_one();
}

ConnectionPool::Lease::~Lease() {
  if (conn_ == nullptr) return;
  if (!conn_->InAutocommit()) (void)conn_->ExecScript(kRollbackSql);
  pool_->Release(conn_);
}

}  // namespace taskshare::sqlite
