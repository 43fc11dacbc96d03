// The secret and share-view operations of the SQLite backend (see storage/store.h for their contract),
// as functions over its connection pool, so that SqliteStore only forwards to them. Each takes a
// connection from `pool` for the length of the call. Thread-safe as the pool is.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/quotas.h"
#include "storage/sqlite/db.h"
#include "storage/store.h"

namespace taskshare::sqlite {

Result<SecretInfo> PutSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name,
                             std::string_view sealed, UnixMicros now, const Quotas& quotas);
Result<std::vector<SecretInfo>> ListSecrets(ConnectionPool& pool, std::string_view owner_id);
Result<std::vector<SealedSecret>> ListSealedSecrets(ConnectionPool& pool, std::string_view owner_id);
Status DeleteSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name);
Status AddShareViews(ConnectionPool& pool, const std::vector<ShareViewCount>& counts);
Result<ShareViews> GetShareViews(ConnectionPool& pool, std::string_view task_id);

}  // namespace taskshare::sqlite
