// The user and API key operations of the SQLite backend (see storage/store.h for their contract), as
// functions over its connection pool, so that SqliteStore only forwards to them. Each takes a
// connection from `pool` for the length of the call. Thread-safe as the pool is.
//
// Writes begin IMMEDIATE, taking the database's write lock, so two rotations of one user's key (from
// this process or another on the same file) run one after the other: the second finds the key it was
// authorized by already gone, and changes nothing.
#pragma once

#include <string_view>

#include "common/status.h"
#include "storage/sqlite/db.h"
#include "storage/store.h"

namespace taskshare::sqlite {

Status CreateUser(ConnectionPool& pool, const User& user, const StoredApiKey& key);
Result<User> FindUserByKeyHash(ConnectionPool& pool, std::string_view key_hash);
Result<User> FindUserByEmail(ConnectionPool& pool, std::string_view email);
Result<ApiKeyInfo> GetApiKey(ConnectionPool& pool, std::string_view user_id);
Status RotateApiKey(ConnectionPool& pool, std::string_view user_id, std::string_view current_key_hash,
                    const StoredApiKey& key);

// Migration 14's step, inside its transaction: each stored email that NormalizeEmail (domain/email.h)
// changes is replaced by its normal form, unless another user's email has the same normal form; such
// addresses are left as they were (docs/storage.md says what then holds).
Status NormalizeStoredEmails(Connection& conn);

}  // namespace taskshare::sqlite
