// The PostgreSQL backend of Store (see storage/store.h for the contract), through libpq.
//
// A pool of connections (storage/postgres/pool.h), each with its own prepared statements; writes in
// read-committed transactions that lock the task row they change, so concurrent appends to one task
// queue on that lock; snapshots read in one repeatable-read transaction. Commits wait for the
// server's synchronous_commit (on by default: flushed to disk before the call returns). The schema
// is created by versioned migrations (storage/postgres/migrations.h) when the store opens.
//
// When the server cannot be reached, calls fail at once with kUnavailable "service unavailable";
// connections the server dropped are replaced on later calls, so service resumes by itself once the
// server is back. Each call is bounded: connect_timeout for a new connection, lock_timeout for row
// locks (then kUnavailable "database is busy"), statement_timeout for a statement, and TCP keepalives
// with tcp_user_timeout for a server that vanished without closing its connections.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "storage/store.h"

namespace taskshare {

struct PostgresOptions {
  // A libpq connection URI: postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]
  // ("postgres://" works too). Its parameters override the defaults below, except client_encoding,
  // which is always UTF8 so that message bodies come back byte for byte.
  std::string url;
  // Connections kept open; at most this many calls run at once.
  int connections = 4;
  // How long opening one connection may take (libpq's connect_timeout; it counts at least 2 s).
  int connect_timeout_s = 5;
  // How long a statement waits for a row lock before the call fails with "database is busy", as
  // SQLite's busy timeout.
  int lock_timeout_ms = 5000;
  // The longest a single statement may run.
  int statement_timeout_ms = 30000;
  // How long sent data may stay unacknowledged before the connection counts as lost.
  int tcp_user_timeout_ms = 10000;
};

// Connects, applies pending migrations, and returns the store. kInvalidArgument for a URL libpq
// cannot parse or options out of range; kUnavailable "service unavailable" if the server cannot be
// reached (the detail says why); kInternal if the schema cannot be migrated.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace taskshare
