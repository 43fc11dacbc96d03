// The secrets key's check value of the SQLite backend (see Store::ClaimSecretsKeyCheck in
// storage/store.h), a column of instance_settings' one row (migration 14). Takes a connection from
// `pool` for the call; thread-safe as the pool is. The read and the write run in one IMMEDIATE
// transaction, under the database's write lock, so two processes claiming at once take turns and the
// second reads what the first stored.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/sqlite/db.h"

namespace taskshare::sqlite {

Result<std::string> ClaimSecretsKeyCheck(ConnectionPool& pool, std::string_view check);

}  // namespace taskshare::sqlite
