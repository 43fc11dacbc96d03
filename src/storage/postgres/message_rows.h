// Writing a task's messages in the PostgreSQL backend: one statement per batch, whatever its size.
//
// The batch travels as three array parameters (keys, bodies, checksums) that the statement unnests,
// so that appending a thousand messages costs one round trip rather than a thousand. The arrays are
// parameter values in PostgreSQL's array text format, never SQL text.
//
// Pure functions except InsertMessages, which runs on the caller's connection and transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/quotas.h"
#include "domain/task.h"
#include "storage/postgres/connection.h"

namespace taskshare::postgres {

// `messages` without those whose key repeats an earlier one in `messages`, in order. Messages
// without a key are all kept.
std::vector<const NewMessage*> FirstOfEachKey(const std::vector<NewMessage>& messages);

// A task's messages, or those one write stored: how many, and the bytes of their JSON text.
struct MessageTotals {
  std::int64_t count = 0;
  std::int64_t bytes = 0;
};

// Stores `messages` (already free of keys repeated within the batch; see FirstOfEachKey) for task
// `task_seq` at positions before.count, before.count + 1, ..., skipping any whose key is already
// stored for the task, and returns how many it stored and their bytes. Positions stay dense: a
// skipped message takes no position. The caller must hold the task's row lock (or have inserted the
// task in its transaction), so that no other transaction adds messages to the task meanwhile.
// Refused (kTooLarge) before anything is written if the task could go past kMaxMessagesPerTask; and,
// when `quotas` is given, refused (kTooLarge naming task_bytes) if the messages stored would take the
// task's bytes (`before.bytes`) past quotas->task_bytes, in which case rows have been written and the
// caller must roll back its transaction.
Result<MessageTotals> InsertMessages(Connection& conn, std::int64_t task_seq, const MessageTotals& before,
                                     const std::vector<const NewMessage*>& messages, const Quotas* quotas);

// The array text format of PostgreSQL for text[]: {"a","b\"c",NULL}.
std::string TextArray(const std::vector<const std::string*>& values);

}  // namespace taskshare::postgres
