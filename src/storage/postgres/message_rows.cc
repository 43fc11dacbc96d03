#include "storage/postgres/message_rows.h"

#include <string_view>
#include <unordered_set>

#include "domain/messages.h"
#include "storage/task_codec.h"

namespace taskshare::postgres {
namespace {

// The rows of the batch are numbered after the filter has dropped keys already stored, so that
// positions stay dense. The NOT EXISTS reads the task's stored keys as of the start of this
// statement, which is complete because the caller holds the task's row lock: under read committed,
// a statement that starts after the lock was granted sees every message committed before it. The one
// row returned counts the rows stored and their bytes (the body is stored byte for byte, so its
// octet_length is the length of the JSON text the client sent).
constexpr std::string_view kInsertMessagesSql =
    "WITH stored AS (INSERT INTO messages(task_seq, position, msg_key, body, checksum, redaction_verdict) "
    "SELECT $1::bigint, $2::bigint + row_number() OVER (ORDER BY m.ord) - 1, m.msg_key, m.body, "
    "m.checksum, m.verdict "
    "FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[]) "
    "WITH ORDINALITY AS m(msg_key, body, checksum, verdict, ord) "
    "WHERE m.msg_key IS NULL OR NOT EXISTS ("
    "SELECT 1 FROM messages s WHERE s.task_seq = $1::bigint AND s.msg_key = m.msg_key) "
    "RETURNING octet_length(body) AS bytes) "
    "SELECT count(*), COALESCE(sum(bytes), 0)::bigint FROM stored";

void AppendQuoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::vector<const NewMessage*> FirstOfEachKey(const std::vector<NewMessage>& messages) {
  std::vector<const NewMessage*> kept;
  kept.reserve(messages.size());
  std::unordered_set<std::string_view> keys;
  for (const NewMessage& message : messages) {
    if (message.key && !keys.insert(*message.key).second) continue;
    kept.push_back(&message);
  }
  return kept;
}

std::string TextArray(const std::vector<const std::string*>& values) {
  std::size_t size = 2;
  for (const std::string* value : values) size += (value != nullptr ? value->size() + 3 : 5);
  std::string out;
  out.reserve(size + size / 8);
  out += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if (values[i] == nullptr) {
      out += "NULL";
    } else {
      AppendQuoted(out, *values[i]);
    }
  }
  out += '}';
  return out;
}

Result<MessageTotals> InsertMessages(Connection& conn, std::int64_t task_seq, const MessageTotals& before,
                                     const std::vector<const NewMessage*>& messages, const Quotas* quotas) {
  if (messages.empty()) return MessageTotals{};
  if (Status s = CheckTaskRoom(before.count, messages.size()); !s.ok()) return s;
  std::vector<const std::string*> keys;
  std::vector<const std::string*> bodies;
  std::string checksums = "{";
  std::string verdicts = "{";
  for (const NewMessage* message : messages) {
    keys.push_back(message->key ? &*message->key : nullptr);
    bodies.push_back(&message->json);
    if (checksums.size() > 1) {
      checksums += ',';
      verdicts += ',';
    }
    checksums += std::to_string(MessageChecksum(message->json));
    const std::optional<std::int64_t> verdict = MessageRedactionVerdict(message->json);
    verdicts += verdict ? std::to_string(*verdict) : "NULL";
  }
  checksums += '}';
  verdicts += '}';
  Result<Rows> inserted = conn.Query(kInsertMessagesSql, task_seq, before.count, TextArray(keys),
                                     TextArray(bodies), checksums, verdicts);
  if (!inserted.ok()) return inserted.status();
  const MessageTotals added{inserted->Int64(0, 0), inserted->Int64(0, 1)};
  // Only the messages actually stored count, as on SQLite.
  if (quotas != nullptr) {
    if (Status s = CheckTaskBytes(*quotas, before.bytes, added.bytes); !s.ok()) return s;
  }
  return added;
}

}  // namespace taskshare::postgres
