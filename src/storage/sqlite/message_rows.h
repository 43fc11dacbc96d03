// The SQLite rows of a task's messages: the message rows (the record) and the message blocks that
// repeat them for share responses (storage/message_blocks.h). Every write of messages goes through
// InsertMessages, so the two always agree. All of it runs on the caller's connection and inside the
// caller's transaction; the thread rules are those of storage/sqlite/db.h.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "domain/quotas.h"
#include "domain/task.h"
#include "storage/message_blocks.h"
#include "storage/sqlite/db.h"

namespace taskshare::sqlite {

// A task's messages, or those one write stored: how many, and the bytes of their JSON text.
struct MessageTotals {
  std::int64_t count = 0;
  std::int64_t bytes = 0;
};

// Stores `messages` at positions from `before.count` (the task's message count) on, skipping any whose
// key the task already holds (or an earlier one of `messages` holds), and packs the stored ones into
// the task's blocks, extending its last block when that has room. Returns how many were stored and
// their bytes. Refused (kTooLarge) before anything is written if the task could go past
// kMaxMessagesPerTask; and, when `quotas` is given, refused (kTooLarge naming task_bytes) if the
// messages stored would take the task's bytes (`before.bytes`) past quotas->task_bytes, in which case
// rows have been written and the caller must roll back its transaction (or savepoint).
Result<MessageTotals> InsertMessages(Connection& conn, std::int64_t task_seq, const MessageTotals& before,
                                     const std::vector<NewMessage>& messages, const Quotas* quotas);

// The blocks of task `task_seq`, in order of position. Not checked: see UnpackBlock and
// CheckBlocksCover.
Result<std::vector<MessageBlock>> ReadBlocks(Connection& conn, std::int64_t task_seq);

// Packs the message rows of every task that has no blocks into blocks: how a database from before
// message blocks (schema version 10) gets them.
Status PackStoredMessages(Connection& conn);

}  // namespace taskshare::sqlite
