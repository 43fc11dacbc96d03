// The user and API key operations of the PostgreSQL backend (see storage/store.h for their contract),
// as functions over its connection pool, so that PostgresStore only forwards to them. Each takes a
// connection from `pool` (the primary: keys are never read from a replica) for the length of the call.
// Thread-safe as the pool is.
//
// RotateApiKey first locks the user's row (FOR UPDATE), so rotations of one user take turns: under
// read committed, each statement of a rotation that waited sees what the previous one committed, so it
// finds the key it was authorized by gone and changes nothing. Without the lock two rotations could
// both find that key, and the later DELETE (its snapshot taken before the other's insert committed)
// would miss the other's new key and leave two.
#pragma once

#include <string_view>

#include "common/status.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace taskshare::postgres {

Status CreateUser(ConnectionPool& pool, const User& user, const StoredApiKey& key);
Result<User> FindUserByKeyHash(ConnectionPool& pool, std::string_view key_hash);
Result<User> FindUserByEmail(ConnectionPool& pool, std::string_view email);
Result<ApiKeyInfo> GetApiKey(ConnectionPool& pool, std::string_view user_id);
Status RotateApiKey(ConnectionPool& pool, std::string_view user_id, std::string_view current_key_hash,
                    const StoredApiKey& key);

}  // namespace taskshare::postgres
