#include "api/task_requests.h"

#include <gtest/gtest.h>

#include "api/errors.h"
#include "common/ids.h"

namespace taskshare::api {
namespace {

TEST(TaskRequestsTest, CreateDefaultsAndMapping) {
  auto in = ParseCreateTask(R"({"task":"  Audit\nthe   login flow ", "isolated": true, "secrets": ["A"],
                                 "model":"auto", "completion_delivery":"webhook"})");
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_TRUE(CanonicalUuid(in->task.id).has_value());
  EXPECT_EQ(in->task.title, "Audit the login flow");
  EXPECT_EQ(in->task.visibility, Visibility::kPrivate);
  EXPECT_EQ(in->task.source, Source::kWeb);
  EXPECT_TRUE(in->task.is_isolated);
  EXPECT_EQ(in->task.secret_names, std::vector<std::string>{"A"});
  EXPECT_EQ(in->task.completion_delivery, CompletionDelivery::kWebhook);
  ASSERT_EQ(in->messages.size(), 1u);
  EXPECT_EQ(in->messages[0].json, R"({"role":"user","content":"  Audit\nthe   login flow "})");
}

TEST(TaskRequestsTest, CreateKeepsTheMessageTextAndDerivesTheTitleFromIt) {
  auto in = ParseCreateTask(
      R"({"id":"5F0C6F5E-8A3E-4C57-9D7E-2B8F3F0A9C11", "message": {"id":"m1", "role":"user", "parts":[{"type":"text","text":"Scan 10.0.0.1"}], "n": 1.50}})");
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_EQ(in->task.id, "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11");
  EXPECT_EQ(in->task.title, "Scan 10.0.0.1");
  ASSERT_EQ(in->messages.size(), 1u);
  EXPECT_EQ(in->messages[0].json,
            R"({"id":"m1","role":"user","parts":[{"type":"text","text":"Scan 10.0.0.1"}],"n":1.50})");
  EXPECT_EQ(in->messages[0].key, R"("m1")");
}

TEST(TaskRequestsTest, CreateRefusesBadInput) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "malformed JSON body"},
      {"[]", "the body must be a JSON object"},
      {"{}", "one of title, task or message is required"},
      {R"({"title":"t","visibility":"everyone"})",
       "visibility must be one of public|private|unlisted|team|support"},
      {R"({"title":"t","source":"email"})", "source must be one of web|github|slack|linear|jira"},
      {R"({"title":"t","isolated":1})", "isolated must be a boolean"},
      {R"({"title":"t","secrets":"A"})", "secrets must be an array of strings"},
      {R"({"title":"t","id":"123"})", "id must be a UUID"},
      {R"({"title":"t","message":5})", "message must be an object or a string"},
      {R"({"title":"t","visiblity":"public"})", "unknown field visiblity"},
      {R"({"title":""})", "title must not be empty"},
  };
  for (const auto& [body, message] : cases) {
    auto in = ParseCreateTask(body);
    ASSERT_FALSE(in.ok()) << body;
    EXPECT_EQ(in.status().code(), Code::kInvalidArgument);
    EXPECT_TRUE(in.status().message().starts_with(message)) << body << " -> " << in.status().message();
  }
}

TEST(TaskRequestsTest, PatchAndAppend) {
  auto p = ParsePatchTask(R"({"visibility":"public","title":"New"})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->visibility, Visibility::kPublic);
  EXPECT_EQ(p->title, "New");
  EXPECT_FALSE(p->status.has_value());
  EXPECT_FALSE(ParsePatchTask("{}").ok());
  EXPECT_FALSE(ParsePatchTask(R"({"status":"done"})").ok());
  EXPECT_FALSE(ParsePatchTask(R"({"owner":"x"})").ok());

  auto a = ParseAppendMessages(R"({"messages":[{"id":"a","v":1e400},{"x":-0}]})");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].json, R"({"id":"a","v":1e400})");
  EXPECT_EQ((*a)[1].json, R"({"x":-0})");
  EXPECT_FALSE(ParseAppendMessages(R"({"messages":[]})").ok());
  EXPECT_FALSE(ParseAppendMessages(R"({"messages":{}})").ok());
  EXPECT_FALSE(ParseAppendMessages(R"({"messages":[{"a":1}, 2]})").ok());
  EXPECT_FALSE(ParseAppendMessages(R"({})").ok());
}

// A message of `levels` objects nested one in another: {"d":{"d":...{"d":0}...}}.
std::string NestedMessage(int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += R"({"d":)";
  out += '0';
  out.append(static_cast<std::size_t>(levels), '}');
  return out;
}

TEST(TaskRequestsTest, MessagesNestedDeeplyAreKeptUpToTheLimit) {
  const std::string deep = NestedMessage(128);
  auto appended = ParseAppendMessages(R"({"messages":[)" + deep + "]}");
  ASSERT_TRUE(appended.ok()) << appended.status().message();
  ASSERT_EQ(appended->size(), 1u);
  EXPECT_EQ((*appended)[0].json, deep);
  auto created = ParseCreateTask(R"({"task":"Scan","message":)" + deep + "}");
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->messages.at(0).json, deep);

  // The whole body may nest 256 levels: the envelope takes two, the message the rest.
  EXPECT_TRUE(ParseAppendMessages(R"({"messages":[)" + NestedMessage(254) + "]}").ok());
  for (const int levels : {255, 1000, 100'000}) {
    SCOPED_TRACE(levels);
    auto refused = ParseAppendMessages(R"({"messages":[)" + NestedMessage(levels) + "]}");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(HttpStatus(refused.status().code()), 400);
    EXPECT_NE(refused.status().message().find("nested deeper than 256 levels"), std::string::npos)
        << refused.status().message();
  }
}

TEST(TaskRequestsTest, ListQueryAndCursor) {
  auto q = ParseListQuery(
      {{"limit", "5"}, {"status", "active"}, {"is_scheduled", "false"}, {"cursor", EncodeCursor({123, 7})}},
      "u1");
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->limit, 5);
  EXPECT_EQ(q->status, TaskStatus::kActive);
  EXPECT_EQ(q->is_scheduled, false);
  ASSERT_TRUE(q->after.has_value());
  EXPECT_EQ(q->after->created_at, 123);
  EXPECT_EQ(q->after->seq, 7);
  for (auto bad : std::vector<std::pair<std::string, std::string>>{{"limit", "0"},
                                                                   {"limit", "101"},
                                                                   {"limit", "ten"},
                                                                   {"cursor", "zzz"},
                                                                   {"status", "done"},
                                                                   {"visibility", "all"},
                                                                   {"is_scheduled", "1"},
                                                                   {"sort", "asc"}}) {
    EXPECT_FALSE(ParseListQuery({bad}, "u1").ok()) << bad.first << "=" << bad.second;
  }
}

}  // namespace
}  // namespace taskshare::api
