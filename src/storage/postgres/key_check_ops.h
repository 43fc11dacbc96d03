// The secrets key's check value of the PostgreSQL backend (see Store::ClaimSecretsKeyCheck in
// storage/store.h), a column of instance_settings' one row (migration 11), on the primary. Thread-safe
// as the pool is.
//
// A claim reads the value and, when there is none, stores its own with one upsert that changes nothing
// when a value is already there, then reads again. Two nodes claiming at once: the second's upsert waits
// on the first's row and, once it commits, finds a value and leaves it; its read then returns the
// first's value. Each upsert also announces kSharingChanged (the table's trigger), on which other
// nodes re-read the unchanged kill switch: once, at a node's first start on the database.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/postgres/pool.h"

namespace taskshare::postgres {

Result<std::string> ClaimSecretsKeyCheck(ConnectionPool& pool, std::string_view check);

}  // namespace taskshare::postgres
