#include "storage/postgres/pool.h"

#include <utility>

namespace taskshare::postgres {
namespace {

constexpr std::string_view kRollbackSql = "ROLLBACK";

}  // namespace

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(ConnectSettings settings, int size) {
  if (size < 1) {
    return Status::InvalidArgument("the database connection pool needs at least one connection");
  }
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(settings), size));
  Result<Lease> first = pool->Acquire();
  if (!first.ok()) return first.status();
  return pool;
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_ptr<Connection> conn;
  {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [this] { return !idle_.empty() || vacant_ > 0; });
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      --vacant_;
    }
  }
  // The slot is ours now: either its idle connection is still good, or it is replaced here.
  if (conn && conn->CheckIdle()) return Lease(this, std::move(conn));
  conn.reset();
  Result<std::unique_ptr<Connection>> opened = Connection::Open(settings_);
  if (!opened.ok()) {
    {
      std::lock_guard lock(mu_);
      ++vacant_;
    }
    freed_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(*opened));
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  // A holder that returned early leaves its transaction open; end it here so that the next holder
  // starts outside any transaction. A connection that cannot even do that is given up.
  if (!conn->broken() && conn->InTransaction()) (void)conn->Query(kRollbackSql);
  if (conn->broken() || conn->InTransaction()) conn.reset();
  {
    std::lock_guard lock(mu_);
    if (conn) {
      idle_.push_back(std::move(conn));
    } else {
      ++vacant_;
    }
  }
  freed_.notify_one();
}

ConnectionPool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(conn_));
}

}  // namespace taskshare::postgres
