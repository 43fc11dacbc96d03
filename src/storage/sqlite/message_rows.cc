#include "storage/sqlite/message_rows.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "domain/messages.h"
#include "storage/sqlite/task_rows.h"
#include "storage/task_codec.h"

namespace taskshare::sqlite {
namespace {

// A message whose key is already stored for the task is skipped by the partial unique index's
// conflict clause; that covers keys repeated within one batch too, since earlier rows of the batch
// are already inserted when a later one arrives.
constexpr std::string_view kInsertMessageSql =
    "INSERT INTO messages(task_seq, position, msg_key, body, checksum, redaction_verdict, rowid) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT(task_seq, msg_key) WHERE msg_key IS NOT NULL DO NOTHING";

// A block's id is the message rowid of its first message (MessageRowid), so a task's blocks are one
// range of ids, in order; a resumed block is written again under the same id.
constexpr std::string_view kPutBlockSql =
    "INSERT OR REPLACE INTO message_blocks(id, task_seq, first_position, message_count, raw_bytes, "
    "data, checksum, redaction_verdict) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view kBlocksSql =
    "SELECT first_position, message_count, raw_bytes, data, checksum, redaction_verdict "
    "FROM message_blocks WHERE id BETWEEN ?1 AND ?2 ORDER BY id";
constexpr std::string_view kLastBlockSql =
    "SELECT first_position, message_count, raw_bytes, data, checksum, redaction_verdict "
    "FROM message_blocks WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC LIMIT 1";

MessageBlock BlockOfRow(const Statement& row) {
  MessageBlock block;
  block.first_position = row.ColumnInt64(0);
  block.count = row.ColumnInt64(1);
  block.raw_bytes = row.ColumnInt64(2);
  block.data = row.ColumnBlob(3);
  block.checksum = row.ColumnInt64(4);
  if (!row.IsNull(5)) block.verdict = row.ColumnInt64(5);
  return block;
}

Status PutBlocks(Connection& conn, std::int64_t task_seq, const std::vector<MessageBlock>& blocks) {
  Result<Statement> stmt = conn.Prepare(kPutBlockSql);
  if (!stmt.ok()) return stmt.status();
  for (const MessageBlock& b : blocks) {
    stmt->Reset();
    stmt->BindAll(MessageRowid(task_seq, b.first_position), task_seq, b.first_position, b.count, b.raw_bytes,
                  Blob{b.data}, b.checksum, b.verdict);
    if (Status s = stmt->Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

// Resumes the task's last block in `packer` if it has room. A damaged one fails the write.
Status ResumeLastBlock(Connection& conn, std::int64_t task_seq, BlockPacker& packer) {
  Result<Statement> stmt = conn.Query(kLastBlockSql, MessageRowid(task_seq, 0), LastMessageRowid(task_seq));
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Ok();
  MessageBlock last = BlockOfRow(*stmt);
  if (!BlockHasRoom(last)) return Status::Ok();
  std::string raw;
  bool clean = true;
  if (Status s = UnpackBlock("seq " + std::to_string(task_seq), last, raw, &clean); !s.ok()) return s;
  packer.Resume(last, std::move(raw));
  return Status::Ok();
}

}  // namespace

Result<MessageTotals> InsertMessages(Connection& conn, std::int64_t task_seq, const MessageTotals& before,
                                     const std::vector<NewMessage>& messages, const Quotas* quotas) {
  MessageTotals added;
  if (messages.empty()) return added;
  const std::int64_t first_position = before.count;
  if (Status s = CheckTaskRoom(first_position, messages.size()); !s.ok()) return s;
  BlockPacker packer(first_position);
  if (first_position > 0) {
    if (Status s = ResumeLastBlock(conn, task_seq, packer); !s.ok()) return s;
  }
  Result<Statement> stmt = conn.Prepare(kInsertMessageSql);
  if (!stmt.ok()) return stmt.status();
  for (const NewMessage& message : messages) {
    stmt->Reset();
    const std::int64_t position = first_position + added.count;
    const std::optional<std::int64_t> verdict = MessageRedactionVerdict(message.json);
    stmt->BindAll(task_seq, position, message.key, message.json, MessageChecksum(message.json), verdict,
                  MessageRowid(task_seq, position));
    if (Status s = stmt->Run(); !s.ok()) return s;
    if (conn.Changes() == 0) continue;
    packer.Add(message.json, verdict);
    ++added.count;
    added.bytes += static_cast<std::int64_t>(message.json.size());
  }
  // Only the messages actually stored count: a retried batch whose messages are all stored already
  // adds nothing, and is not refused however full the task is.
  if (quotas != nullptr) {
    if (Status s = CheckTaskBytes(*quotas, before.bytes, added.bytes); !s.ok()) return s;
  }
  if (added.count == 0) return added;
  if (Status s = PutBlocks(conn, task_seq, packer.Finish()); !s.ok()) return s;
  return added;
}

Result<std::vector<MessageBlock>> ReadBlocks(Connection& conn, std::int64_t task_seq) {
  Result<Statement> stmt = conn.Query(kBlocksSql, MessageRowid(task_seq, 0), LastMessageRowid(task_seq));
  if (!stmt.ok()) return stmt.status();
  std::vector<MessageBlock> blocks;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return blocks;
    blocks.push_back(BlockOfRow(*stmt));
  }
}

namespace {

constexpr std::string_view kUnpackedTasksSql =
    "SELECT seq FROM tasks t WHERE message_count > 0 "
    "AND NOT EXISTS (SELECT 1 FROM message_blocks b WHERE b.task_seq = t.seq) ORDER BY seq";
constexpr std::string_view kMessageRowsSql =
    "SELECT position, body, checksum, redaction_verdict FROM messages WHERE rowid BETWEEN ?1 AND ?2 "
    "ORDER BY rowid";

// Packs one task's message rows. A task whose rows are damaged (a body that fails its checksum, a
// position skipped) is left without blocks, and so fails every share read, as its rows do.
Status PackTask(Connection& conn, std::int64_t task_seq) {
  BlockPacker packer(0);
  {
    Result<Statement> stmt =
        conn.Query(kMessageRowsSql, MessageRowid(task_seq, 0), LastMessageRowid(task_seq));
    if (!stmt.ok()) return stmt.status();
    for (std::int64_t expected = 0;; ++expected) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const std::string body = stmt->ColumnText(1);
      std::optional<std::int64_t> checksum, verdict;
      if (!stmt->IsNull(2)) checksum = stmt->ColumnInt64(2);
      if (!stmt->IsNull(3)) verdict = stmt->ColumnInt64(3);
      if (stmt->ColumnInt64(0) != expected || !MessageBodyIntact(body, checksum)) return Status::Ok();
      // A stored verdict counts only if it holds for the body as it is now.
      packer.Add(body, NeedsNoRedaction(body, verdict) ? verdict : std::nullopt);
    }
  }
  return PutBlocks(conn, task_seq, packer.Finish());
}

}  // namespace

Status PackStoredMessages(Connection& conn) {
  std::vector<std::int64_t> tasks;
  {
    Result<Statement> stmt = conn.Prepare(kUnpackedTasksSql);
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      tasks.push_back(stmt->ColumnInt64(0));
    }
  }
  for (const std::int64_t seq : tasks) {
    if (Status s = PackTask(conn, seq); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace taskshare::sqlite
