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
#include "domain/quotas.h"
#include "storage/store.h"

namespace taskshare {

struct PostgresOptions {
  // A libpq connection URI: postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]
  // ("postgres://" works too). Its parameters override the defaults below, except client_encoding,
  // which is always UTF8 so that message bodies come back byte for byte.
  std::string url;
  // Optional: a read replica (a streaming standby of `url`), a libpq URI like `url`. GetSnapshot reads
  // the task and its messages there, then confirms on the primary, with one indexed lookup, that the
  // task's row there still has the seq and version the replica's copy has (every change to a task or
  // its messages bumps tasks.version, in the same transaction), and reads from the primary instead
  // when it does not or the replica cannot be reached. So a replica that lags never makes a revoked,
  // changed or deleted task readable; it only costs a second read. Empty: no replica.
  std::string replica_url;
  // Connections kept open; at most this many calls run at once. The replica gets as many again.
  int connections = 4;
  // The limits the store enforces (StoreOptions::quotas).
  Quotas quotas;
  // How long opening one connection may take (libpq's connect_timeout; it counts at least 2 s).
  int connect_timeout_s = 5;
  // How long a statement waits for a row lock before the call fails with "database is busy", as
  // SQLite's busy timeout.
  int lock_timeout_ms = 5000;
  // The longest a single statement may run.
  int statement_timeout_ms = 30000;
  // How long sent data may stay unacknowledged before the connection counts as lost.
  int tcp_user_timeout_ms = 10000;

  // The change feed (storage/postgres/change_feed.h) only. How often the idle listening connection is
  // asked a trivial query, and how long its answer may take before the connection counts as lost
  // (catches a peer that vanished without closing the connection sooner than TCP keepalives would).
  int feed_heartbeat_interval_ms = 2000;
  int feed_heartbeat_timeout_ms = 3000;
  // The wait before the first attempt to resubscribe after a loss, doubled after each failed attempt
  // up to the maximum.
  int feed_reconnect_min_ms = 100;
  int feed_reconnect_max_ms = 5000;
};

// Connects, applies pending migrations, and returns the store. kInvalidArgument for a URL libpq
// cannot parse or options out of range; kUnavailable "service unavailable" if the server cannot be
// reached (the detail says why); kInternal if the schema cannot be migrated.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace taskshare
