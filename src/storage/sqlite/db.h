// A small RAII layer over the SQLite C API: connections, cached prepared statements, transactions
// and a fixed pool of connections. Every SQLite failure comes back as a Status: SQLITE_BUSY and
// SQLITE_LOCKED (once the busy timeout has run out) as kUnavailable "database is busy", anything
// else as kInternal "storage error" with sqlite3_errmsg and the SQL text in the detail.
//
// Thread-safety: a Connection, and every Statement and Transaction made from it, is used by one
// thread at a time (connections are opened in SQLite's multi-thread mode). ConnectionPool is
// thread-safe.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace taskshare::sqlite {

struct DbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbDeleter>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

class Connection;

// Bytes bound as a BLOB rather than as text.
struct Blob {
  std::string_view bytes;
};

// One use of a cached prepared statement: bind, step, read columns. On destruction the statement is
// reset and its bindings cleared, and it goes back to its connection's cache. Bind failures are
// remembered and reported by the next Step(), so binding reads as a plain sequence of calls.
// Parameter and column indexes follow SQLite: parameters from 1, columns from 0.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void BindText(int index, std::string_view value);
  void BindInt64(int index, std::int64_t value);
  void BindNull(int index);
  void BindOptionalText(int index, std::optional<std::string_view> value);
  void BindOptionalInt64(int index, std::optional<std::int64_t> value);
  void BindBlob(int index, std::string_view bytes);

  // Bind(index, value) picks the helper above from the value's type; BindAll(a, b, ...) binds its
  // arguments to parameters 1, 2, .... Unset optionals and std::nullopt bind NULL.
  void Bind(int index, std::string_view value) { BindText(index, value); }
  void Bind(int index, Blob value) { BindBlob(index, value.bytes); }
  void Bind(int index, const std::string& value) { BindText(index, value); }
  void Bind(int index, const char* value) { BindText(index, value); }
  void Bind(int index, std::int64_t value) { BindInt64(index, value); }
  void Bind(int index, std::nullopt_t /*null*/) { BindNull(index); }
  void Bind(int index, std::optional<std::string_view> value) { BindOptionalText(index, value); }
  void Bind(int index, const std::optional<std::string>& value) { BindOptionalText(index, value); }
  void Bind(int index, std::optional<std::int64_t> value) { BindOptionalInt64(index, value); }
  template <typename... Args>
  void BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
  }

  // Resets the statement for another run and clears its bindings.
  void Reset();

  // Advances to the next row: true if there is one, false when the statement has finished.
  Result<bool> Step();
  // Steps a statement that returns no rows (an INSERT, UPDATE or DELETE) to completion.
  Status Run();

  bool IsNull(int column) const;
  std::int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;  // "" for NULL
  std::optional<std::string> ColumnOptionalText(int column) const;
  std::string ColumnBlob(int column) const;  // "" for NULL

 private:
  friend class Connection;
  Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use);
  void NoteBind(int rc);

  Connection* conn_;
  sqlite3_stmt* stmt_;  // owned by the connection's cache
  bool* in_use_;        // the cache entry's checked-out flag
  int bind_rc_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens (creating if needed) the database file at `path` with foreign keys on, synchronous=FULL,
  // WAL journaling and the given busy timeout. kUnavailable or kInternal on failure.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached prepared statement for `sql`, preparing it on first use. A statement can be checked
  // out once at a time; a second Prepare of the same text while the first is alive is kInternal.
  Result<Statement> Prepare(std::string_view sql);

  // Prepare(sql) with `args` bound to parameters 1, 2, ..., ready to Step().
  template <typename... Args>
  Result<Statement> Query(std::string_view sql, const Args&... args) {
    Result<Statement> stmt = Prepare(sql);
    if (stmt.ok()) stmt->BindAll(args...);
    return stmt;
  }

  // Runs one statement that returns no rows (an INSERT, UPDATE or DELETE) with `args` bound.
  template <typename... Args>
  Status Run(std::string_view sql, const Args&... args) {
    Result<Statement> stmt = Query(sql, args...);
    if (!stmt.ok()) return stmt.status();
    return stmt->Run();
  }

  // Runs `sql`, which may hold several statements, without caching (schema scripts, pragmas).
  Status ExecScript(std::string_view sql);

  // Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
  std::int64_t Changes() const;
  std::int64_t LastInsertRowId() const;
  // True when no transaction is open.
  bool InAutocommit() const;

  // The Status for SQLite result code `rc` raised while running `sql`.
  Status Error(int rc, std::string_view sql) const;

 private:
  explicit Connection(DbPtr db) : db_(std::move(db)) {}

  struct CachedStatement {
    StmtPtr stmt;
    bool in_use = false;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Declared first so that it is destroyed last, after every cached statement is finalized.
  DbPtr db_;
  std::unordered_map<std::string, CachedStatement, StringHash, std::equal_to<>> cache_;
};

enum class TxMode {
  kRead,   // BEGIN (deferred): a consistent snapshot from the first read on
  kWrite,  // BEGIN IMMEDIATE: takes the write lock now, queueing on the busy timeout
};

// An open transaction that rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& conn, TxMode mode);

  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits; on failure the transaction is rolled back when this object is destroyed.
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;  // null once committed or moved from
};

// A fixed set of connections to one database file, lent out one caller at a time.
//
// Invariants: every connection the pool opened is, at any moment, either on the free list or held
// by exactly one Lease, never both; the free list is only read or written under mu_, and a returned
// connection wakes one waiter. A connection goes back to the free list with no transaction open (a
// Lease rolls back any transaction its holder left behind), so the next holder always starts from
// autocommit and sees its prepared statements reset. The pool must outlive every Lease. Since each
// connection carries its own statement cache, a statement is never shared between threads.
class ConnectionPool {
 public:
  // Opens `size` (>= 1) connections to `path`. A missing file is first created empty with mode 0600,
  // whatever the umask: SQLite gives the -wal and -shm files the mode of the database file, so all
  // three stay private to the server's user. An existing file keeps its mode; if its group or others
  // may read it, a warning is logged (common/log.h) with the chmod that fixes it. kUnavailable
  // "database cannot be opened" if the file cannot be created.
  static Result<std::unique_ptr<ConnectionPool>> Open(const std::string& path, int size, int busy_timeout_ms);

  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) {
      other.pool_ = nullptr;
      other.conn_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, Connection* conn) : pool_(pool), conn_(conn) {}
    ConnectionPool* pool_;
    Connection* conn_;
  };

  // Blocks until a connection is free. Thread-safe.
  Lease Acquire();

 private:
  ConnectionPool() = default;
  void Release(Connection* conn);

  std::vector<std::unique_ptr<Connection>> all_;  // fixed after Open
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Connection*> free_;  // guarded by mu_
};

}  // namespace taskshare::sqlite
