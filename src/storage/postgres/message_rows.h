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
#include "domain/task.h"
#include "storage/postgres/connection.h"

namespace taskshare::postgres {

// `messages` without those whose key repeats an earlier one in `messages`, in order. Messages
// without a key are all kept.
std::vector<const NewMessage*> FirstOfEachKey(const std::vector<NewMessage>& messages);

// Stores `messages` (already free of keys repeated within the batch; see FirstOfEachKey) for task
// `task_seq` at positions first_position, first_position + 1, ..., skipping any whose key is
// already stored for the task, and returns how many it stored. Positions stay dense: a skipped
// message takes no position. The caller must hold the task's row lock (or have inserted the task in
// its transaction), so that no other transaction adds messages to the task meanwhile. Refused
// (kTooLarge) before anything is written if the task could go past kMaxMessagesPerTask.
Result<std::int64_t> InsertMessages(Connection& conn, std::int64_t task_seq, std::int64_t first_position,
                                    const std::vector<const NewMessage*>& messages);

// The array text format of PostgreSQL for text[]: {"a","b\"c",NULL}.
std::string TextArray(const std::vector<const std::string*>& values);

}  // namespace taskshare::postgres
