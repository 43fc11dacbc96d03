// A small RAII layer over libpq: one connection with its own prepared statements, bound parameters,
// results, and transactions that roll back unless committed.
//
// SQL is always sent with its parameters bound, never spliced into the text: Connection::Query
// prepares each distinct SQL text once per connection (PQprepare) and runs it with PQexecPrepared.
// Every failure comes back as a Status:
//   - the connection cannot be made, is lost, or the server is shutting down or out of connections:
//     kUnavailable "service unavailable", and the connection is marked broken (see broken());
//   - a lock wait past lock_timeout, a statement past statement_timeout, a deadlock or a
//     serialization failure: kUnavailable "database is busy", as SQLite's busy timeout;
//   - anything else: kInternal "storage error".
// The detail holds the server's message and the SQL text, never parameter values. The SQLSTATE of the
// last failure is kept (last_sqlstate()) for callers that give a constraint a meaning of their own.
//
// Thread-safety: a Connection, and every Transaction made from it, is used by one thread at a time.
// Rows are plain values that may be read from any thread.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"

namespace taskshare::postgres {

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// SQLSTATE codes the store gives a meaning of its own.
inline constexpr std::string_view kUniqueViolation = "23505";

// The parameters of one statement, in the text format: Params(a, b, c) binds $1, $2, $3. Strings
// passed as const std::string& are referenced, not copied, and must outlive the Params; unset
// optionals and std::nullopt bind NULL; integers bind their decimal text; bools bind t or f.
class Params {
 public:
  template <typename... Args>
  explicit Params(const Args&... args) {
    owned_.reserve(sizeof...(args));  // one owned string per argument at most: no reallocation
    (Add(args), ...);
  }
  Params(const Params&) = delete;
  Params& operator=(const Params&) = delete;

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }

 private:
  void Add(const std::string& value) { values_.push_back(value.c_str()); }
  void Add(std::string_view value) { values_.push_back(Own(std::string(value))); }
  void Add(const char* value) { values_.push_back(value); }
  void Add(std::int64_t value) { values_.push_back(Own(std::to_string(value))); }
  void Add(int value) { Add(std::int64_t{value}); }
  void Add(bool value) { values_.push_back(value ? "t" : "f"); }
  void Add(std::nullopt_t /*null*/) { values_.push_back(nullptr); }
  template <typename T>
  void Add(const std::optional<T>& value) {
    if (value) {
      Add(*value);
    } else {
      values_.push_back(nullptr);
    }
  }
  const char* Own(std::string value) {
    owned_.push_back(std::move(value));
    return owned_.back().c_str();
  }

  std::vector<std::string> owned_;
  std::vector<const char*> values_;
};

// The rows of a successful statement, in the text format. Row and column indexes start at 0 and
// must be in range.
class Rows {
 public:
  explicit Rows(ResultPtr result) : result_(std::move(result)) {}

  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  // Rows inserted, updated or deleted by an INSERT, UPDATE or DELETE.
  std::int64_t affected() const;
  // The command tag ("COMMIT", "ROLLBACK", "INSERT 0 3", ...).
  std::string_view command_tag() const { return PQcmdStatus(result_.get()); }

  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  // The value's text, valid while this Rows lives; "" for NULL.
  std::string_view View(int row, int column) const;
  std::string Text(int row, int column) const { return std::string(View(row, column)); }
  std::optional<std::string> OptionalText(int row, int column) const;
  std::optional<std::string_view> OptionalView(int row, int column) const;
  // The value of an integer column; 0 for NULL.
  std::int64_t Int64(int row, int column) const;
  std::optional<std::int64_t> OptionalInt64(int row, int column) const;

 private:
  ResultPtr result_;
};

// What Connection::Open needs: libpq keywords and values, applied in order (later ones win).
struct ConnectSettings {
  std::vector<std::pair<std::string, std::string>> params;
};

// Opens a bare libpq connection with `settings`, waiting at most their connect_timeout, for callers
// that drive libpq themselves (the change feed). kUnavailable "service unavailable" as Connection::Open.
Result<ConnPtr> ConnectRaw(const ConnectSettings& settings);

class Connection {
 public:
  // Connects, waiting at most the connect_timeout in `settings`. kUnavailable "service unavailable"
  // if the server cannot be reached or refuses the connection (bad password, no such database).
  static Result<std::unique_ptr<Connection>> Open(const ConnectSettings& settings);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (prepared on this connection on first use) with `args` bound to $1, $2, ....
  template <typename... Args>
  Result<Rows> Query(std::string_view sql, const Args&... args) {
    const Params params(args...);
    return Execute(sql, params);
  }
  Result<Rows> Execute(std::string_view sql, const Params& params);

  // Runs `sql`, which may hold several statements and takes no parameters, without preparing it
  // (schema scripts).
  Status ExecScript(std::string_view sql);

  // True once the connection is known to be unusable: lost, or being closed by the server.
  // A broken connection is never reused (ConnectionPool drops it).
  bool broken() const { return broken_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  // True if the connection is usable and idle, outside any transaction. Reads, without blocking,
  // whatever the server sent while the connection sat idle, so a connection that the server closed
  // or announced it would close (a restart, an administrator's pg_terminate_backend) is found broken
  // here rather than by the next statement.
  bool CheckIdle();
  // True while a transaction is open (even a failed one).
  bool InTransaction() const;

  // The SQLSTATE of the most recent failed statement ("" if none was reported).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  explicit Connection(ConnPtr conn) : conn_(std::move(conn)) {}
  static void OnNotice(void* arg, const PGresult* notice);
  // The Status for a failed statement `sql` whose result is `result` (null if libpq returned none).
  Status Error(const PGresult* result, std::string_view sql);

  ConnPtr conn_;
  bool broken_ = false;
  std::string last_sqlstate_;
  // SQL text -> the name it is prepared under on this connection.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> prepared_;
};

enum class TxMode {
  kWrite,     // BEGIN: read committed; each statement sees what committed before it started
  kSnapshot,  // BEGIN REPEATABLE READ, READ ONLY: every statement reads one snapshot
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

  // Commits. kUnavailable if the connection was lost on the way, in which case the outcome is
  // unknown; kInternal if the server rolled the transaction back instead.
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;  // null once committed or moved from
};

}  // namespace taskshare::postgres
