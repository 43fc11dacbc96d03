// PostgreSQL pieces of the storage tests: raw libpq access that bypasses the store, the test
// server named by TASKSHARE_TEST_POSTGRES_URL, a fresh database on it for each test, and private
// clusters (with streaming replicas) for the tests that stop or replicate a server.
//
// Used from the test's own thread. Harness failures (a libpq call that cannot be made) are thrown
// as std::runtime_error, which GoogleTest reports as a test failure.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/ids.h"

namespace taskshare::testing {

// Raw access to a PostgreSQL database through libpq, bypassing the store. `url` is a libpq
// connection URI.
class RawPostgres {
 public:
  explicit RawPostgres(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string error = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("cannot connect to PostgreSQL: " + error);
    }
  }
  RawPostgres(const RawPostgres&) = delete;
  RawPostgres& operator=(const RawPostgres&) = delete;
  ~RawPostgres() { PQfinish(conn_); }

  // Runs `sql` (one or more statements, no parameters).
  void Exec(const std::string& sql) { Run(sql); }
  // The first column of the first row of `sql` as text; empty if there is no row or it is NULL.
  std::string QueryText(const std::string& sql) {
    const ResultPtr result = Run(sql);
    if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0) != 0) return {};
    return PQgetvalue(result.get(), 0, 0);
  }
  // `name` quoted as an SQL identifier.
  std::string Identifier(const std::string& name) {
    char* quoted = PQescapeIdentifier(conn_, name.c_str(), name.size());
    if (quoted == nullptr) throw std::runtime_error(PQerrorMessage(conn_));
    std::string text = quoted;
    PQfreemem(quoted);
    return text;
  }

 private:
  struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

  // The successful result of `sql`.
  ResultPtr Run(const std::string& sql) {
    ResultPtr result(PQexec(conn_, sql.c_str()));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error(PQresultErrorMessage(result.get()) + (" in: " + sql));
    }
    return result;
  }

  PGconn* conn_;
};

// `url` (a postgresql:// URI) with its database replaced by `database`; the rest (user, password,
// hosts, query parameters) is kept.
inline std::string PostgresUrlWithDatabase(const std::string& url, const std::string& database) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw std::runtime_error("not a postgresql:// URL: " + url);
  const std::size_t path = url.find_first_of("/?", scheme_end + 3);
  const std::size_t query = url.find('?', scheme_end + 3);
  std::string result = url.substr(0, path) + "/" + database;
  if (query != std::string::npos) result += url.substr(query);
  return result;
}

// The server the PostgreSQL tests may use, from TASKSHARE_TEST_POSTGRES_URL; empty if none.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("TASKSHARE_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// A fresh, empty database on the test server, dropped (with any session still on it) on
// destruction.
class PostgresDatabase {
 public:
  explicit PostgresDatabase(std::string server_url) : server_url_(std::move(server_url)) {
    std::string id = NewUuidV4();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    name_ = "taskshare_test_" + id;
    RawPostgres server(server_url_);
    server.Exec("CREATE DATABASE " + server.Identifier(name_) + " ENCODING 'UTF8' STRATEGY FILE_COPY");
    url_ = PostgresUrlWithDatabase(server_url_, name_);
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;
  ~PostgresDatabase() {
    try {
      RawPostgres server(server_url_);
      server.Exec("DROP DATABASE IF EXISTS " + server.Identifier(name_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot drop test database " << name_ << ": " << e.what();
    }
  }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// A PostgreSQL cluster of its own in `dir` (scripts/pg-test-cluster.sh), started on construction and
// stopped on destruction, for tests that stop or replicate a server: stopping the shared test server
// would disturb the tests running beside them. Given `primary`, it is a streaming replica (hot standby)
// of that running cluster instead.
class PrivateCluster {
 public:
  explicit PrivateCluster(std::filesystem::path dir, const PrivateCluster* primary = nullptr)
      : dir_(std::move(dir)) {
    if (primary != nullptr) primary_dir_ = primary->dir_;
    Start();
  }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;
  ~PrivateCluster() { Run("stop"); }

  // Starts the cluster (at the same URL every time) and waits until it accepts connections.
  void Start() {
    const std::string out = primary_dir_.empty() ? Run("start") : Run("replica", primary_dir_);
    const std::size_t url = out.rfind("postgresql://");
    if (url == std::string::npos) throw std::runtime_error("the test cluster did not start:\n" + out);
    url_ = out.substr(url, out.find('\n', url) - url);
  }
  void Stop() { Run("stop"); }
  // The URL of its `postgres` database.
  const std::string& url() const { return url_; }

 private:
  // Runs the script with `action` (and `primary`, for a replica); returns what it printed on stdout
  // and stderr.
  std::string Run(const std::string& action, const std::filesystem::path& primary = {}) {
    static const std::filesystem::path kScript =
        std::filesystem::path(__FILE__).lexically_normal().parent_path().parent_path().parent_path() /
        "scripts" / "pg-test-cluster.sh";
    std::string command = "'" + kScript.string() + "' " + action + " '" + dir_.string() + "'";
    if (!primary.empty()) command += " '" + primary.string() + "'";
    command += " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0;) out.append(buffer, n);
    return out;
  }

  std::filesystem::path dir_;
  std::filesystem::path primary_dir_;
  std::string url_;
};

}  // namespace taskshare::testing
