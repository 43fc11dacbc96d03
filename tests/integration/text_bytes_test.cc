// One rule for bytes on every backend, over HTTP: a text field holding U+0000 is a 400 naming it on
// SQLite and PostgreSQL alike (PostgreSQL used to cut a title at the NUL, and answer a NUL in a message
// id with a 500 and the raw database error in the log); a message holding NUL, in its id or anywhere
// else, is stored and served as sent; ids of different JSON types are different keys; and whatever a
// client sends, the error log stays one line per message. Runs on SQLite, and on PostgreSQL when
// TASKSHARE_TEST_POSTGRES_URL names a server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "../unit/postgres_test_support.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

std::vector<std::string> BackendNames() {
  std::vector<std::string> names = {"Sqlite"};
  if (!TestPostgresUrl().empty()) names.emplace_back("Postgres");
  return names;
}

class TextBytesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "Postgres") db_ = std::make_unique<PostgresDatabase>(TestPostgresUrl());
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{}, db_ ? db_->url() : std::string());
    key_ = server_->AddUser("bytes@example.com");
    server_->Start();
  }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << server_->Log(); }

  HttpClient Client() const { return HttpClient(server_->port()); }

  std::unique_ptr<PostgresDatabase> db_;  // declared first: destroyed after the server
  std::unique_ptr<ServerProcess> server_;
  std::string key_;
};

TEST_P(TextBytesTest, TextFieldsWithNulAreRefusedNamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"title":"before\u0000after"})", "title"},
      {R"({"title":"t","model":"m\u0000"})", "model"},
      {R"({"task":"scan\u0000"})", "task"},
  };
  for (const auto& [body, field] : cases) {
    EXPECT_TRUE(IsError(Client().Post("/api/v1/tasks", body, Auth(key_)), 400,
                        field + " must not contain U+0000 (NUL)"))
        << body;
  }
  const json::value created =
      ExpectJson(Client().Post("/api/v1/tasks", R"({"title":"kept"})", Auth(key_)), 202);
  const std::string id(created.at("id").as_string());
  EXPECT_TRUE(IsError(Client().Patch("/api/v1/tasks/" + id, R"({"title":"x\u0000y"})", Auth(key_)), 400,
                      "title must not contain U+0000 (NUL)"));
  EXPECT_TRUE(IsError(Client().Post("/api/v1/schedules",
                                    R"({"task_message":"a\u0000b","scan_frequency":"daily"})", Auth(key_)),
                      400, "task_message must not contain U+0000 (NUL)"));
  const json::value listed = ExpectJson(Client().Get("/api/v1/tasks", Auth(key_)), 200);
  ASSERT_EQ(listed.at("tasks").as_array().size(), 1U) << "nothing refused was stored";
  EXPECT_EQ(listed.at("tasks").as_array()[0].at("title"), "kept");
}

TEST_P(TextBytesTest, MessagesWithNulAreStoredAsSentAndIdsKeepTheirType) {
  const std::string first = R"({"id":"a\u0000b\nforged log line","role":"tool","content":"out\u0000put"})";
  const json::value created = ExpectJson(
      Client().Post("/api/v1/tasks", R"({"visibility":"unlisted","message":)" + first + "}", Auth(key_)),
      202);
  const std::string id(created.at("id").as_string());
  const std::string batch = R"({"messages":[{"id":1,"n":"number"},{"id":"1","n":"string"},)" + first + "]}";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const json::value appended =
        ExpectJson(Client().Post("/api/v1/tasks/" + id + "/messages", batch, Auth(key_)), 200);
    EXPECT_EQ(appended.at("appended"), attempt == 0 ? 2 : 0) << "attempt " << attempt;
    EXPECT_EQ(appended.at("message_count"), 3);
  }
  const Response shared = Client().Get("/api/v1/tasks/" + id + "/share");
  ASSERT_EQ(shared.status, 200) << shared.body;
  EXPECT_NE(shared.body.find(first), std::string::npos) << shared.body;
  EXPECT_NE(shared.body.find(R"({"id":1,"n":"number"})"), std::string::npos) << shared.body;
  EXPECT_NE(shared.body.find(R"({"id":"1","n":"string"})"), std::string::npos) << shared.body;
  const json::value task = ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(key_)), 200);
  EXPECT_EQ(task.at("task").at("title"), "out put");
  EXPECT_EQ(server_->Log().find("forged log line"), std::string::npos) << "no error was logged:\n"
                                                                       << server_->Log();
}

INSTANTIATE_TEST_SUITE_P(Backends, TextBytesTest, ::testing::ValuesIn(BackendNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace taskshare::testing
