// The secret and share-view operations of the PostgreSQL backend (see storage/store.h for their
// contract), as functions over its connection pool (the primary's), so that PostgresStore only forwards
// to them. Each takes a connection from `pool` for the length of the call. Thread-safe as the pool is.
//
// Writes to secrets are announced to other nodes by the trigger of migration 4 (migrations.cc).
// View counts from several nodes add up: each flush is an upsert that adds, taking the rows' locks in
// task id order so that two nodes flushing at once cannot deadlock.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/quotas.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace taskshare::postgres {

Result<SecretInfo> PutSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name,
                             std::string_view sealed, UnixMicros now, const Quotas& quotas);
Result<std::vector<SecretInfo>> ListSecrets(ConnectionPool& pool, std::string_view owner_id);
Result<std::vector<SealedSecret>> ListSealedSecrets(ConnectionPool& pool, std::string_view owner_id);
Status DeleteSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name);
Status AddShareViews(ConnectionPool& pool, const std::vector<ShareViewCount>& counts);
Result<ShareViews> GetShareViews(ConnectionPool& pool, std::string_view task_id);

}  // namespace taskshare::postgres
