#include "storage/postgres/connection.h"

#include <charconv>
#include <utility>

#include "common/strings.h"

namespace taskshare::postgres {
namespace {

constexpr std::string_view kBeginSql = "BEGIN";
constexpr std::string_view kBeginSnapshotSql = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
constexpr std::string_view kCommitSql = "COMMIT";
constexpr std::string_view kRollbackSql = "ROLLBACK";

// The SQLSTATEs after which the connection cannot be trusted: class 08 (connection exception),
// 57P01..57P03 (the server is shutting down, crashed or starting up), class 53 (out of connections,
// memory or disk).
bool MeansUnavailable(std::string_view state) {
  return state.starts_with("08") || state.starts_with("53") || state == "57P01" || state == "57P02" ||
         state == "57P03";
}

// Waits that ran out or lost a race, where retrying later may work: lock_timeout (55P03),
// statement_timeout (57014), serialization failure (40001), deadlock (40P01).
bool MeansBusy(std::string_view state) {
  return state == "55P03" || state == "57014" || state == "40001" || state == "40P01";
}

// libpq's messages end with a newline.
std::string Trimmed(const char* message) { return std::string(Trim(message != nullptr ? message : "")); }

}  // namespace

// ---- Rows ----

std::int64_t Rows::affected() const {
  const std::string_view text = PQcmdTuples(result_.get());
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

std::string_view Rows::View(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string> Rows::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::optional<std::string_view> Rows::OptionalView(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return View(row, column);
}

std::int64_t Rows::Int64(int row, int column) const {
  const std::string_view text = View(row, column);
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

std::optional<std::int64_t> Rows::OptionalInt64(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int64(row, column);
}

// ---- Connection ----

Result<ConnPtr> ConnectRaw(const ConnectSettings& settings) {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : settings.params) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname = 1: a "dbname" whose value is a URL is expanded into its parts, which override
  // the keywords before it.
  ConnPtr conn(PQconnectdbParams(keywords.data(), values.data(), 1));
  if (!conn) return Status::Unavailable("service unavailable", "libpq could not allocate a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable("service unavailable",
                               "cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(conn.get())));
  }
  return conn;
}

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectSettings& settings) {
  Result<ConnPtr> conn = ConnectRaw(settings);
  if (!conn.ok()) return conn.status();
  std::unique_ptr<Connection> connection(new Connection(std::move(*conn)));
  PQsetNoticeReceiver(connection->conn_.get(), OnNotice, connection.get());
  return connection;
}

Result<Rows> Connection::Execute(std::string_view sql, const Params& params) {
  if (broken()) return Status::Unavailable("service unavailable", "the connection was lost");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    // Unnamed statements would be replaced by the next one; each SQL text gets a name of its own.
    std::string name = "taskshare_" + std::to_string(prepared_.size() + 1);
    const std::string text(sql);
    ResultPtr prepared(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
    if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      return Error(prepared.get(), sql);
    }
    it = prepared_.emplace(text, std::move(name)).first;
  }
  ResultPtr result(
      PQexecPrepared(conn_.get(), it->second.c_str(), params.size(), params.values(), nullptr, nullptr, 0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(result.get(), sql);
  return Rows(std::move(result));
}

Status Connection::ExecScript(std::string_view sql) {
  if (broken()) return Status::Unavailable("service unavailable", "the connection was lost");
  const std::string text(sql);
  ResultPtr result(PQexec(conn_.get(), text.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(result.get(), sql);
  return Status::Ok();
}

// Server notices are not for the user of the store (failures reach it as Status values), except
// one: the FATAL that a server sends before it closes a connection. libpq passes it here when it
// arrives while no statement runs.
void Connection::OnNotice(void* arg, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == nullptr) return;
  const std::string_view level = severity;
  if (level == "FATAL" || level == "PANIC") static_cast<Connection*>(arg)->broken_ = true;
}

bool Connection::CheckIdle() {
  // Two reads without blocking: the first takes in whatever the server sent while the connection
  // sat idle, and PQisBusy parses it (a FATAL reaches OnNotice); the second sees the end of file
  // that follows when the server closed the connection.
  for (int i = 0; i < 2 && !broken(); ++i) {
    if (PQconsumeInput(conn_.get()) == 0) {
      broken_ = true;
    } else {
      (void)PQisBusy(conn_.get());
    }
  }
  return !broken() && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
}

bool Connection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Status Connection::Error(const PGresult* result, std::string_view sql) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  std::string detail = Trimmed(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (detail.empty()) detail = Trimmed(PQerrorMessage(conn_.get()));
  if (!last_sqlstate_.empty()) detail += " [SQLSTATE " + last_sqlstate_ + "]";
  detail += " in: ";
  detail += sql;
  if (PQstatus(conn_.get()) != CONNECTION_OK || MeansUnavailable(last_sqlstate_)) {
    broken_ = true;
    return Status::Unavailable("service unavailable", std::move(detail));
  }
  if (MeansBusy(last_sqlstate_)) return Status::Unavailable("database is busy", std::move(detail));
  return Status::Internal("storage error", std::move(detail));
}

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Connection& conn, TxMode mode) {
  Result<Rows> begin = conn.Query(mode == TxMode::kWrite ? kBeginSql : kBeginSnapshotSql);
  if (!begin.ok()) return begin.status();
  return Transaction(&conn);
}

Status Transaction::Commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  Result<Rows> commit = conn->Query(kCommitSql);
  if (!commit.ok()) return commit.status();
  // COMMIT of a transaction that had already failed is answered as a ROLLBACK, not as an error.
  if (commit->command_tag() != "COMMIT") {
    return Status::Internal("storage error", "the transaction was rolled back instead of committed");
  }
  return Status::Ok();
}

Transaction::~Transaction() {
  if (conn_ == nullptr || conn_->broken() || !conn_->InTransaction()) return;
  (void)conn_->Query(kRollbackSql);
}

}  // namespace taskshare::postgres
