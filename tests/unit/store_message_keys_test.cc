// Message ids as idempotency keys, on every backend (like store_test.cc): a key is the id's JSON text
// (domain/messages.h, MessageKey), so ids of different JSON types are different keys and an id or a
// body holding NUL is stored as the escape it was sent as; and the migration that introduced the typed
// keys rewrites the keys stored before it so that retries of old messages are still recognised.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "domain/messages.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreMessageKeysTest : public StoreTest {
 protected:
  // The messages of `raw`, a JSON array of message objects, as an append parses them.
  static std::vector<NewMessage> Parsed(const std::string& raw) {
    auto messages = MessagesFromJson(boost::json::parse(raw), raw, "messages");
    EXPECT_TRUE(messages.ok()) << messages.status().message();
    return messages.ok() ? *messages : std::vector<NewMessage>{};
  }

  // The migration that made keys typed: SQLite's 15, PostgreSQL's 13.
  int TypedKeysMigration() const { return GetParam().name == "Sqlite" ? 15 : 13; }
};

TEST_P(StoreMessageKeysTest, IdsOfEachJsonTypeAreTheirOwnKeysAndNulIsKeptAsItsEscape) {
  const User owner = AddUser("a@example.com");
  const std::string raw =
      R"([{"id":1,"content":"one"},{"id":"1","content":"string one"},{"id":"a\u0000b","content":"nul\u0000id"},)"
      R"({"id":true},{"id":"true"},{"content":"tool output \u0000\u0001 \ud83d\ude00"}])";
  const std::vector<NewMessage> messages = Parsed(raw);
  ASSERT_EQ(messages.size(), 6U);
  const Task task = Create(NewTask(owner, 100), {messages[0]});
  Result<AppendResult> appended =
      store().AppendMessages(task.id, {messages[1], messages[2], messages[3], messages[4], messages[5]}, 200);
  ASSERT_OK(appended);
  EXPECT_EQ(appended->appended, 5);
  std::vector<std::string> bodies;
  for (const NewMessage& m : messages) bodies.push_back(m.json);
  EXPECT_EQ(Messages(task.id), bodies);
  EXPECT_EQ(Messages(task.id)[2], R"({"id":"a\u0000b","content":"nul\u0000id"})");

  // A retry of every keyed message stores nothing; an unkeyed one is stored again, as always.
  Result<AppendResult> retried = store().AppendMessages(task.id, Parsed(raw), 300);
  ASSERT_OK(retried);
  EXPECT_EQ(retried->appended, 1);
  EXPECT_EQ(retried->message_count, 7);
}

// Keys stored before the typed keys (a string id as its bare value) are rewritten by the migration:
// the database is put back as it was (the bare keys, the migration's indexes and record removed) and
// opened again.
TEST_P(StoreMessageKeysTest, TheMigrationRewritesTheKeysOfStringIds) {
  const User owner = AddUser("a@example.com");
  // "\"q\"" has the old key "q" (with quotes), which is the new key of "q": rewriting one row at a
  // time would collide. A repeated id counts by its last value, a number.
  const std::string raw =
      R"([{"id":"s1"},{"id":7},{"id":"\"q\""},{"id":"q"},{"id":"k4","content":"\u0000"},{"id":"x","id":5},)"
      R"({"id":"line\nbreak"},{"content":"no id"}])";
  const std::vector<NewMessage> messages = Parsed(raw);
  const Task task = Create(NewTask(owner, 100), messages);
  const std::string in_task = " AND task_seq = (SELECT seq FROM tasks WHERE id = '" + task.id + "')";
  const auto set_key = [&](int position, const std::string& key) {
    db_->ExecRaw("UPDATE messages SET msg_key = " + key + " WHERE position = " + std::to_string(position) +
                 in_task);
  };
  set_key(0, "'s1'");
  set_key(3, "'q'");
  set_key(2, "'\"q\"'");
  set_key(4, "'k4'");
  set_key(6, GetParam().name == "Sqlite" ? "'line' || char(10) || 'break'" : "E'line\\nbreak'");
  const std::string version = std::to_string(TypedKeysMigration());
  db_->ExecRaw(UndoQuotaCountsSql(GetParam().name) +
               "DROP INDEX tasks_by_owner_status; DROP INDEX tasks_by_owner_visibility; "
               "DROP INDEX tasks_by_owner_shared; DROP INDEX tasks_by_owner_scheduled; "
               "DELETE FROM schema_migrations WHERE version >= " +
               version);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages WHERE msg_key = '\"q\"'"), 1)
      << "the old keys are back";

  Reopen();
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM schema_migrations WHERE version = " + version), 1);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string expected = messages[i].key ? "= '" + *messages[i].key + "'" : "IS NULL";
    EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages WHERE position = " + std::to_string(i) +
                            " AND msg_key " + expected + in_task),
              1)
        << "message " << i << " should have the key " << expected;
  }
  // Retries of the old messages are recognised; a string "7" is a message of its own.
  Result<AppendResult> retried = store().AppendMessages(task.id, Parsed(raw), 200);
  ASSERT_OK(retried);
  EXPECT_EQ(retried->appended, 1);  // the unkeyed one
  Result<AppendResult> seven = store().AppendMessages(task.id, Parsed(R"([{"id":"7"}])"), 300);
  ASSERT_OK(seven);
  EXPECT_EQ(seven->appended, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMessageKeysTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
