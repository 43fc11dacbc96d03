// The users and API keys of the SQLite backend. user_ops.cc defines SqliteStore's user and key methods
// (see storage/store.h for their contract), each taking a connection from the pool for the length of
// the call; this header declares what the migrations use of it.
//
// Writes begin IMMEDIATE, taking the database's write lock, so two rotations of one user's key (from
// this process or another on the same file) run one after the other: the second finds the key it was
// authorized by already gone, and changes nothing.
#pragma once

#include "common/status.h"
#include "storage/sqlite/db.h"

namespace taskshare::sqlite {

// Migration 14's step, inside its transaction: each stored email that NormalizeEmail (domain/email.h)
// changes is replaced by its normal form, unless another user's email has the same normal form; such
// addresses are left as they were (docs/storage.md says what then holds).
Status NormalizeStoredEmails(Connection& conn);

}  // namespace taskshare::sqlite
