// Storage contract for message bodies, run against every backend like store_test.cc: bodies come
// back byte for byte, whatever they hold and however large, and a body changed behind the store's
// back is refused rather than served.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstdint>
#include <string>
#include <vector>

#include "domain/messages.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreMessagesTest : public StoreTest {};

TEST_P(StoreMessagesTest, BodiesRoundTripByteForByte) {
  const User owner = AddUser("a@example.com");
  const std::vector<NewMessage> messages = {
      {R"({"content":"quotes \" and backslashes \\ and \\\" and \/ and \u0000 and \ud83d\ude00"})",
       std::nullopt},
      {"{\"content\":\"ünïcödé, 日本語, emoji 😀, and a tab\\t\"}", R"("k\"1")"},
      {R"({"n":1.50e+10,"z":-0.0,"big":123456789012345678901234567890,"a":[{},[],null,true]})", "{\"a\":1}"},
      {R"({"content":")" + std::string(1 << 20, 'x') + R"("})", "\"big\""},
      {R"({"content":"{NULL,\"x\"}","also":"NULL"})", "NULL"},
  };
  const Task task = Create(NewTask(owner, 100), {messages[0], messages[1]});
  Result<AppendResult> r = store().AppendMessages(task.id, {messages[2], messages[3], messages[4]}, 200);
  ASSERT_OK(r);
  EXPECT_EQ(r->appended, 3);
  std::vector<std::string> expected;
  for (const NewMessage& m : messages) expected.push_back(m.json);
  EXPECT_EQ(Messages(task.id), expected);
  // Keys are compared as stored text, so the same keys again are all skipped.
  Result<AppendResult> again = store().AppendMessages(task.id, {messages[1], messages[4]}, 300);
  ASSERT_OK(again);
  EXPECT_EQ(again->appended, 0);
  EXPECT_EQ(again->message_count, 5);
}

TEST_P(StoreMessagesTest, AMessageBodyChangedBehindTheStoresBackIsRefused) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("a"), Keyed("b")});
  // Still valid JSON, but not the bytes that were stored: the checksum catches it.
  db_->ExecRaw(R"(UPDATE messages SET body = '{"id":"b","text":"hi!"}' WHERE position = 1)");
  const Status changed = StatusOf(store().GetSnapshot(task.id));
  EXPECT_EQ(changed.code(), Code::kInternal);
  EXPECT_EQ(changed.message(), "Failed to load snapshot");
  EXPECT_NE(changed.detail().find(task.id), std::string::npos) << changed.detail();
  ASSERT_OK(store().GetTask(task.id));  // the task row itself is intact
}

TEST_P(StoreMessagesTest, AMissingMessageRowIsRefused) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("a"), Keyed("b"), Keyed("c")});
  db_->ExecRaw("DELETE FROM messages WHERE position = 1");
  EXPECT_EQ(StatusOf(store().GetSnapshot(task.id)).message(), "Failed to load snapshot");
  db_->ExecRaw("DELETE FROM messages WHERE position = 2");
  const Status s = StatusOf(store().GetSnapshot(task.id));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "Failed to load snapshot");
  EXPECT_NE(s.detail().find("message_count"), std::string::npos) << s.detail();
}

TEST_P(StoreMessagesTest, EachMessageComesBackWithItsRedactionVerdict) {
  const User owner = AddUser("a@example.com");
  const NewMessage clean{R"({"role":"user","content":"scan the staging hosts"})", std::nullopt};
  const NewMessage token{R"({"role":"tool","content":"found AKIAIOSFODNN7EXAMPLE in .env"})", std::nullopt};
  const Task task = Create(NewTask(owner, 100), {clean, token});
  ASSERT_OK(store().AppendMessages(task.id, {token, clean}, 200));
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->needs_no_redaction, (std::vector<bool>{true, false, false, true}));
  // A body edited behind the store's back, with a checksum that matches it again: intact, but the
  // verdict was reached on other bytes and no longer counts.
  const std::int64_t checksum = static_cast<std::int64_t>(XXH3_64bits(token.json.data(), token.json.size()));
  db_->ExecRaw("UPDATE messages SET body = '" + token.json + "', checksum = " + std::to_string(checksum) +
               " WHERE position = 0");
  got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages[0], token.json);
  EXPECT_EQ(got->needs_no_redaction, (std::vector<bool>{false, false, false, true}));
  // Rows without a verdict (written before it existed) are not known to need none.
  db_->ExecRaw("UPDATE messages SET redaction_verdict = NULL");
  got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->needs_no_redaction, (std::vector<bool>{false, false, false, false}));
}

TEST_P(StoreMessagesTest, ATaskTakesMessagesUpToItsLimitAndNoMore) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("a")});
  // A task one message short of the limit (its count set by hand: storing 2^24 rows is not the point).
  const std::string near_full = std::to_string(kMaxMessagesPerTask - 1);
  db_->ExecRaw("UPDATE tasks SET message_count = " + near_full + " WHERE id = '" + task.id + "'");

  const Status over = StatusOf(store().AppendMessages(task.id, {Keyed("b"), Keyed("c")}, 200));
  EXPECT_EQ(over.code(), Code::kTooLarge);
  EXPECT_NE(over.message().find(std::to_string(kMaxMessagesPerTask)), std::string::npos) << over.message();
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 1) << "nothing of the refused batch is written";
  EXPECT_EQ(db_->QueryInt("SELECT message_count FROM tasks"), kMaxMessagesPerTask - 1);

  Result<AppendResult> last = store().AppendMessages(task.id, {Keyed("b")}, 300);
  ASSERT_OK(last);
  EXPECT_EQ(last->message_count, kMaxMessagesPerTask);
  EXPECT_EQ(StatusOf(store().AppendMessages(task.id, {Keyed("c")}, 400)).code(), Code::kTooLarge);
  EXPECT_EQ(db_->QueryInt("SELECT MAX(position) FROM messages"), kMaxMessagesPerTask - 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMessagesTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
