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
#include "storage/change_reports.h"
#include "storage/store.h"

namespace taskshare {

namespace postgres {
class ConnectionPool;  // storage/postgres/pool.h
}  // namespace postgres

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
  // Optional, must outlive the store: told what each write through this store changed, before the write
  // returns (storage/change_reports.h; StoreOptions::changes). Null: nobody is told. This process's own
  // reports, in addition to the change feed's announcements to every node.
  ChangeListener* changes = nullptr;
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

// The store. Each method is defined in the file of its topic, all on the primary (`pool_`) but for
// GetSnapshot, which may read the replica: tasks, their snapshots and the kill switch in
// postgres_store.cc, the list of tasks in task_list.cc, share settings in share_ops.cc, schedules in
// schedule_ops.cc, secrets and share views in secret_ops.cc, users and API keys in user_ops.cc, browser
// sessions and sign-in attempts in session_ops.cc, the secrets key's check value in key_check_ops.cc.
//
// The writes that change what a task or a secret shows (those of tasks, share settings and schedules,
// except CreateSchedule, and PutSecret) report it to `changes_` (storage/change_reports.h) after their
// transaction has ended and before they return: this process's own news, besides the triggers
// (migrations.cc) that announce the same commits to every node's change feed.
class PostgresStore final : public Store {
 public:
  // `replica` is null when there is no read replica. `changes` may be null.
  PostgresStore(std::unique_ptr<postgres::ConnectionPool> pool,
                std::unique_ptr<postgres::ConnectionPool> replica, const Quotas& quotas,
                ChangeListener* changes);
  ~PostgresStore() override;

  TASKSHARE_STORE_OVERRIDES;

 private:
  std::unique_ptr<postgres::ConnectionPool> pool_;
  std::unique_ptr<postgres::ConnectionPool> replica_;
  const Quotas quotas_;  // task_bytes, tasks_per_user and secret_values_per_user are enforced here
  const ChangeReports changes_;
};

// Connects, applies pending migrations, and returns the store. kInvalidArgument for a URL libpq
// cannot parse or options out of range; kUnavailable "service unavailable" if the server cannot be
// reached (the detail says why); kInternal if the schema cannot be migrated.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace taskshare
