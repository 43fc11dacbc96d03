// Strict bodies on every route (docs/api.md, "API"): an operation that takes no body refuses one (400
// in the ErrorResponse shape, the share page as a 400 page) instead of ignoring it, and changes
// nothing; every JSON body refuses unknown members and members of the wrong type, and names them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kKey[] = "6a2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";
constexpr char kSchedule[] = R"({"task_message":"Once","schedule_type":"one_time","run_at":"5m"})";

class StrictBodiesTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() {
    keys_ = std::make_unique<TempDir>();
    StartServer({"--secrets-key-file", WritePrivateFile(keys_->path() / "key", kKey), "--metrics-public"},
                "owner@strict.test");
    admin_ = server_->AddUser("admin@strict.test", "", "admin");
    task_ = std::string(ExpectJson(Client().Post("/api/v1/tasks", R"({"title":"kept","visibility":"public"})",
                                                 Auth(owner_key_)),
                                   202)
                            .at("id")
                            .as_string());
    schedule_ = std::string(ExpectJson(Client().Post("/api/v1/schedules", kSchedule, Auth(owner_key_)), 201)
                                .at("schedule")
                                .at("id")
                                .as_string());
    ExpectJson(
        Client().Post("/api/v1/secrets", R"({"name":"TOKEN","value":"kept-secret-value"})", Auth(owner_key_)),
        201);
  }
  static void TearDownTestSuite() {
    SuiteServer::TearDownTestSuite();
    keys_.reset();
  }

  static std::string KeyFor(const std::string& path) {
    return path.starts_with("/api/v1/admin/") ? admin_ : owner_key_;
  }

  static inline std::unique_ptr<TempDir> keys_;
  static inline std::string admin_;
  static inline std::string task_;
  static inline std::string schedule_;
};

TEST_F(StrictBodiesTest, EveryGetAndHeadRefusesABody) {
  const std::string task = "/api/v1/tasks/" + task_;
  const std::vector<std::string> paths = {
      "/healthz",
      "/readyz",
      "/api/openapi.json",
      "/metrics",
      "/api/v1/tasks",
      task,
      task + "/share",
      task + "/share/settings",
      task + "/share/stats",
      "/api/v1/admin/sharing",
      "/api/v1/schedules",
      "/api/v1/schedules/" + schedule_,
      "/api/v1/user/apikey",
      "/api/v1/secrets",
  };
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    ASSERT_EQ(Client().Get(path, Auth(KeyFor(path))).status, 200) << "without a body it is answered";
    for (const char* body : {"{}", "x"}) {
      EXPECT_TRUE(IsError(Client().Request("GET", path, body, Auth(KeyFor(path))), 400,
                          "GET requests take no body; send it without one"));
      EXPECT_EQ(Client().Request("HEAD", path, body, Auth(KeyFor(path))).status, 400);
    }
  }
  // The share link once its response is cached: the fast path leaves a request with a body to the
  // router, which refuses it.
  ASSERT_EQ(Client().Get(task + "/share").status, 200);
  EXPECT_TRUE(IsError(Client().Request("GET", task + "/share", "{}"), 400));
  const Response page = Client().Request("GET", "/share/" + task_, "{}");
  EXPECT_EQ(page.status, 400);
  EXPECT_NE(page.Header("content-type").find("text/html"), std::string::npos);
  EXPECT_EQ(Client().Get("/share/" + task_).status, 200);
}

TEST_F(StrictBodiesTest, EveryDeleteRefusesABodyAndDeletesNothing) {
  const std::string task = "/api/v1/tasks/" + task_;
  for (const std::string& path :
       {task + "/share", std::string("/api/v1/secrets/TOKEN"), "/api/v1/schedules/" + schedule_, task}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsError(Client().Request("DELETE", path, "{}", Auth(owner_key_)), 400,
                        "DELETE requests take no body; send it without one"));
  }
  EXPECT_EQ(Client().Get(task + "/share").status, 200) << "still shared";
  EXPECT_EQ(ExpectJson(Client().Get(task, Auth(owner_key_)), 200).at("task").at("title"), "kept");
  const json::value secrets = ExpectJson(Client().Get("/api/v1/secrets", Auth(owner_key_)), 200);
  EXPECT_NE(json::serialize(secrets).find("\"TOKEN\""), std::string::npos) << secrets;
  const json::value schedule =
      ExpectJson(Client().Get("/api/v1/schedules/" + schedule_, Auth(owner_key_)), 200);
  EXPECT_NE(schedule.at("schedule").at("status"), "deleted") << schedule;
}

TEST_F(StrictBodiesTest, EveryJsonBodyRefusesUnknownMembersAndWrongTypes) {
  const std::string task = "/api/v1/tasks/" + task_;
  struct Case {
    const char* method;
    std::string path;
    std::string body;
    std::string names;  // what the error must mention
  };
  const std::vector<Case> cases = {
      {"POST", "/api/v1/tasks", R"({"title":"t","colour":"red"})", "colour"},
      {"POST", "/api/v1/tasks", R"({"title":5})", "title"},
      {"PATCH", task, R"({"title":"t","extra":1})", "extra"},
      {"PATCH", task, R"({"visibility":true})", "visibility"},
      {"POST", task + "/messages", R"({"messages":[{"role":"user","content":"x"}],"extra":1})", "extra"},
      {"POST", task + "/messages", R"({"messages":"x"})", "messages"},
      {"PUT", task + "/share", R"({"visibility":"public","colour":1})", "colour"},
      {"PUT", task + "/share", R"({"visibility":"public","redact":"no"})", "redact"},
      {"PUT", "/api/v1/admin/sharing", R"({"enabled":false,"extra":1})", "extra"},
      {"PUT", "/api/v1/admin/sharing", R"({"enabled":"no"})", "enabled"},
      {"PUT", "/api/v1/admin/sharing", R"({"enabled": fals)", "malformed JSON body"},
      {"PUT", "/api/v1/admin/sharing", "[false]", "the body must be a JSON object"},
      {"POST", "/api/v1/schedules",
       R"({"task_message":"x","schedule_type":"one_time","run_at":"5m","extra":1})", "extra"},
      {"POST", "/api/v1/schedules", R"({"task_message":5,"schedule_type":"one_time","run_at":"5m"})",
       "task_message"},
      {"PATCH", "/api/v1/schedules/" + schedule_, R"({"extra":1})", "extra"},
      {"PATCH", "/api/v1/schedules/" + schedule_, R"({"task_message":5})", "task_message"},
      {"POST", "/api/v1/secrets", R"({"name":"OTHER","value":"some-value","extra":1})", "extra"},
      {"POST", "/api/v1/secrets", R"({"name":5,"value":"some-value"})", "name"},
      {"POST", "/api/v1/shares/revoke-all", R"({"extra":1})", "takes no fields"},
      {"POST", "/api/v1/shares/revoke-all", "[]", "takes no fields"},
      {"POST", "/api/v1/user/apikey/rotate", R"({"extra":1})", "takes no fields"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.path + " " + c.body);
    EXPECT_TRUE(IsError(Client().Request(c.method, c.path, c.body, Auth(KeyFor(c.path))), 400, std::nullopt,
                        c.names));
  }
  // Nothing was changed by any of them.
  EXPECT_EQ(ExpectJson(Client().Get(task, Auth(owner_key_)), 200).at("task").at("title"), "kept");
  EXPECT_EQ(Client().Get(task + "/share").status, 200) << "sharing still on, the task still shared";
  EXPECT_EQ(
      ExpectJson(Client().Get("/api/v1/secrets", Auth(owner_key_)), 200).at("secrets").as_array().size(), 1u);
  EXPECT_EQ(Client().Get("/api/v1/user/apikey", Auth(owner_key_)).status, 200) << "the key was not rotated";
}

}  // namespace
}  // namespace taskshare::testing
