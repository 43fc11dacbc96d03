// ConnectionPool: at most `size` connections to one PostgreSQL database, lent out one caller at a
// time, that heals itself after the server restarts or drops connections.
//
// Invariants: the pool has `size` slots, and at every moment each slot is in exactly one of three
// states: idle (its connection is on idle_), vacant (no connection; counted by vacant_), or lent (its
// connection is held by exactly one Lease, or is being opened or checked by Acquire for its caller).
// idle_ and vacant_ are only read or written under mu_; a slot that becomes idle or vacant wakes one
// waiter. Connecting and checking happen outside mu_, so a slow or unreachable server never blocks
// callers that find an idle connection. A connection goes back to idle_ only when it is healthy and
// outside any transaction (a Lease rolls back whatever its holder left open); a broken one is
// destroyed and its slot becomes vacant, to be reconnected by a later Acquire. So after a restart of
// the server each stale connection is found out (by Connection::CheckIdle, or by the call that ran
// into it) and replaced, and service resumes with no action from outside.
//
// Thread-safe. The pool must outlive every Lease.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "storage/postgres/connection.h"

namespace taskshare::postgres {

class ConnectionPool {
 public:
  // A pool of `size` (>= 1) slots connecting with `settings`. One connection is opened at once, so a
  // server that cannot be reached is reported here: kUnavailable "service unavailable"; the other
  // slots connect on first use.
  static Result<std::unique_ptr<ConnectionPool>> Open(ConnectSettings settings, int size);

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;  // null once moved from
  };

  // Waits until a slot is free, then lends its connection: an idle one that is still alive, or else
  // a new one. kUnavailable "service unavailable" if a new connection cannot be made (the slot stays
  // vacant, to be tried again by a later call).
  Result<Lease> Acquire();

 private:
  ConnectionPool(ConnectSettings settings, int size) : settings_(std::move(settings)), vacant_(size) {}
  void Release(std::unique_ptr<Connection> conn);

  const ConnectSettings settings_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int vacant_;                                     // guarded by mu_
};

}  // namespace taskshare::postgres
