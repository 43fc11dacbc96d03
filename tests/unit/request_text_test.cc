// One rule for the bytes of request strings (domain/json_reader.h): every string field of every body
// that a store keeps is refused with U+0000, naming the field, whichever backend is behind; messages
// keep it, as the escape it was sent as, and a message's id keeps its JSON type as its key.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <functional>
#include <string>
#include <vector>

#include "api/schedule_requests.h"
#include "api/secret_requests.h"
#include "api/share_requests.h"
#include "api/task_requests.h"
#include "domain/json_reader.h"
#include "domain/messages.h"
#include "domain/task_json.h"

namespace taskshare::api {
namespace {

constexpr UnixMicros kNow = 1'924'992'000'000'000;  // 2031-01-01T00:00:00Z

// The status of parsing `body` with one of the request parsers.
using Parser = std::function<Status(const std::string& body)>;

template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.ok() ? Status::Ok() : r.status();
}

struct NulCase {
  std::string what;
  Parser parse;
  std::string body;   // with \u0000 in one field
  std::string field;  // the field the message must name
};

std::string ImportWith(const std::string& task_fields) {
  return R"({"task":{"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","status":"completed","visibility":"public",)"
         R"("created_at":"2026-01-01T00:00:00Z",)" +
         task_fields + R"(},"messages":[]})";
}

TEST(RequestTextTest, EveryStringFieldAStoreKeepsRefusesNulNamingTheField) {
  const Parser create = [](const std::string& b) { return StatusOf(ParseCreateTask(b)); };
  const Parser patch = [](const std::string& b) { return StatusOf(ParsePatchTask(b)); };
  const Parser schedule = [](const std::string& b) { return StatusOf(ParseCreateSchedule(b, kNow)); };
  const Parser schedule_patch = [](const std::string& b) { return StatusOf(ParsePatchSchedule(b, kNow)); };
  const Parser secret = [](const std::string& b) { return StatusOf(ParseCreateSecret(b)); };
  const Parser import = [](const std::string& b) { return StatusOf(ParseImportedTask(b)); };
  const std::vector<NulCase> cases = {
      {"create title", create, R"({"title":"a\u0000b"})", "title"},
      {"create task", create, R"({"task":"scan\u0000"})", "task"},
      {"create message as text", create, R"({"message":"\u0000"})", "message"},
      {"create model", create, R"({"title":"t","model":"m\u0000"})", "model"},
      {"create secrets", create, R"({"title":"t","secrets":["A","B\u0000"]})", "secrets"},
      {"patch title", patch, R"({"title":"x\u0000"})", "title"},
      {"patch model", patch, R"({"model":"\u0000m"})", "model"},
      {"schedule name", schedule, R"({"task_message":"scan","name":"n\u0000"})", "name"},
      {"schedule task_message", schedule, R"({"task_message":"scan\u0000"})", "task_message"},
      {"schedule model", schedule, R"({"task_message":"scan","model":"m\u0000"})", "model"},
      {"schedule secrets", schedule, R"({"task_message":"scan","secrets":["\u0000"]})", "secrets"},
      {"schedule patch name", schedule_patch, R"({"name":"\u0000"})", "name"},
      {"schedule patch task_message", schedule_patch, R"({"task_message":"a\u0000"})", "task_message"},
      {"secret value", secret, R"({"name":"N","value":"long\u0000value"})", "value"},
      {"secret name", secret, R"({"name":"N\u0000","value":"long value"})", "name"},
      {"import title", import, ImportWith(R"("title":"t\u0000")"), "task.title"},
      {"import model", import, ImportWith(R"("title":"t","model":"\u0000")"), "task.model"},
      {"import secret_names", import, ImportWith(R"("title":"t","secret_names":["\u0000"])"),
       "task.secret_names"},
      {"import schedule_name", import,
       ImportWith(R"("title":"t","schedule_info":{"schedule_id":"0b6c1a52-4c37-4b7e-9d41-6c2c8a3f1e20",)"
                  R"("schedule_name":"\u0000","schedule_type":"recurring","schedule_status":"active",)"
                  R"("execution_count":0})"),
       "task.schedule_info.schedule_name"},
  };
  for (const NulCase& c : cases) {
    const Status s = c.parse(c.body);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << c.what;
    EXPECT_EQ(s.message(), c.field + " must not contain U+0000 (NUL)") << c.what;
  }
}

TEST(RequestTextTest, OtherControlCharactersAndUnicodeAreKept) {
  auto in = ParseCreateTask(R"({"title":"line\nbreak\u0001 \u00e9","model":"m\t1"})");
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_EQ(in->task.title, "line\nbreak\x01 \xc3\xa9");
  EXPECT_EQ(in->task.model, "m\t1");
}

// A message object is not a field: its NUL stays the escape it arrived as, and a title derived from
// it folds the NUL away.
TEST(RequestTextTest, MessagesKeepNulAndTheDerivedTitleDropsIt) {
  auto in = ParseCreateTask(R"({"message":{"id":"a\u0000b","role":"tool","content":"out\u0000put"}})");
  ASSERT_TRUE(in.ok()) << in.status().message();
  ASSERT_EQ(in->messages.size(), 1U);
  EXPECT_EQ(in->messages[0].json, R"({"id":"a\u0000b","role":"tool","content":"out\u0000put"})");
  EXPECT_EQ(in->messages[0].key, R"("a\u0000b")");
  EXPECT_EQ(in->task.title, "out put");

  auto appended = ParseAppendMessages(R"({"messages":[{"content":"\u0000"},{"id":"\u0000"}]})");
  ASSERT_TRUE(appended.ok()) << appended.status().message();
  EXPECT_EQ((*appended)[0].json, R"({"content":"\u0000"})");
  EXPECT_EQ((*appended)[1].key, R"("\u0000")");
}

TEST(RequestTextTest, MessageIdsKeepTheirJsonTypeAsKeys) {
  auto a = ParseAppendMessages(
      R"({"messages":[{"id":1},{"id":"1"},{"id":1.0},{"id":"\u0061"},{"id":"a"},{"id":true},{"id":"true"},)"
      R"({"id":[1]},{"id":{"k":"v"}},{"id":null},{"id":"q\"\\\n"}]})");
  ASSERT_TRUE(a.ok()) << a.status().message();
  std::vector<std::optional<std::string>> keys;
  for (const NewMessage& m : *a) keys.push_back(m.key);
  const std::vector<std::optional<std::string>> expected = {
      "1",         R"("1")", "1E0",          R"("a")",     R"("a")",      "true",
      R"("true")", "[1]",    R"({"k":"v"})", std::nullopt, R"("q\"\\\n")"};
  EXPECT_EQ(keys, expected);
}

// What the server stored itself is read back as stored: a schedule_info imported with a NUL before
// the rule existed still reads.
TEST(RequestTextTest, StoredScheduleInfoIsReadAsStored) {
  const std::string stored =
      R"({"schedule_id":"0b6c1a52-4c37-4b7e-9d41-6c2c8a3f1e20","schedule_name":"n\u0000","schedule_type":"recurring",)"
      R"("schedule_status":"active","execution_count":0})";
  auto info = ScheduleInfoFromText(stored);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->schedule_name, std::string("n\0", 2));
  EXPECT_FALSE(ScheduleInfoFromJson(boost::json::parse(stored), "schedule_info").ok());
}

TEST(RequestTextTest, EmptyBodiesAreEmptyOrTheEmptyObject) {
  for (const std::string body : {"", "{}", " { } "}) {
    EXPECT_TRUE(CheckEmptyBody(body, "revoke-all").ok()) << body;
  }
  for (const std::string body : {"{\"all\":true}", "[]", "null", "x", " "}) {
    const Status s = CheckEmptyBody(body, "revoke-all");
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << body;
    EXPECT_EQ(s.message(), "the body must be empty or {}: revoke-all takes no fields") << body;
  }
}

}  // namespace
}  // namespace taskshare::api
