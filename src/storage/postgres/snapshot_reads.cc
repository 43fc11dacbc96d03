#include "storage/postgres/snapshot_reads.h"

#include <string>
#include <utility>

#include "storage/postgres/connection.h"
#include "storage/postgres/task_rows.h"
#include "storage/task_codec.h"

namespace taskshare::postgres {
namespace {

using Lease = ConnectionPool::Lease;

constexpr std::string_view kMessagesSql =
    "SELECT position, body, checksum, redaction_verdict FROM messages WHERE task_seq = $1 ORDER BY position";
// The task row with its change counter (bumped by every update: see migrations.cc, version 2).
constexpr std::string_view kSnapshotTaskSql =
    "SELECT " TASKSHARE_PG_TASK_COLUMNS ", t.version " TASKSHARE_PG_TASK_FROM "WHERE t.id = $1";
constexpr int kSnapshotVersionColumn = postgres::kTaskColumnCount;
// What the primary says the task's row is now: one lookup of the unique index on id.
constexpr std::string_view kTaskVersionSql = "SELECT seq, version FROM tasks WHERE id = $1";

}  // namespace

Result<VersionedSnapshot> ReadSnapshot(ConnectionPool& pool, std::string_view id) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  // The task row and its messages must come from the same snapshot, or a concurrent append could
  // show messages the task's counters do not account for.
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kSnapshot);
  if (!tx.ok()) return tx.status();
  Result<Rows> task_rows = (*conn)->Query(kSnapshotTaskSql, id);
  if (!task_rows.ok()) return task_rows.status();
  if (task_rows->empty()) return Status::NotFound("Task not found");
  Result<StoredTask> stored = ReadTaskRow(*task_rows, 0);
  if (!stored.ok()) return stored.status();
  VersionedSnapshot out{{std::move(stored->task), {}, {}}, 0, task_rows->Int64(0, kSnapshotVersionColumn)};
  out.seq = out.snapshot.task.seq;
  TaskSnapshot& snapshot = out.snapshot;
  Result<Rows> rows = (*conn)->Query(kMessagesSql, snapshot.task.seq);
  if (!rows.ok()) return rows.status();
  snapshot.messages.reserve(rows->size());
  snapshot.needs_no_redaction.reserve(rows->size());
  for (int i = 0; i < rows->size(); ++i) {
    // Positions are dense from 0; a gap means rows were lost or edited behind the store's back.
    if (rows->Int64(i, 0) != i) {
      return CorruptTask(id, "messages.position", "skips position " + std::to_string(i));
    }
    std::string body = rows->Text(i, 1);
    if (!MessageBodyIntact(body, rows->OptionalInt64(i, 2))) {
      return CorruptTask(id, "messages.body", "of position " + std::to_string(i) + " is damaged");
    }
    snapshot.needs_no_redaction.push_back(NeedsNoRedaction(body, rows->OptionalInt64(i, 3)));
    snapshot.messages.push_back(std::move(body));
  }
  if (static_cast<std::int64_t>(snapshot.messages.size()) != stored->message_count) {
    return CorruptTask(id, "message_count",
                       "says " + std::to_string(stored->message_count) + " but " +
                           std::to_string(snapshot.messages.size()) + " messages are stored");
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  return out;
}

Result<bool> CurrentOnPrimary(ConnectionPool& primary, std::string_view id, const VersionedSnapshot& read) {
  Result<Lease> conn = primary.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kTaskVersionSql, id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Task not found");
  return rows->Int64(0, 0) == read.seq && rows->Int64(0, 1) == read.version;
}

}  // namespace taskshare::postgres
