// One clock for the whole server: every write the API makes is stamped with the server's time (here
// the hidden `serve --clock-file` hook), the same time that decides share expiry and schedules. A task
// created, patched, appended to, shared, unshared and revoked; a schedule made private by revoke-all;
// a rotated API key; a secret: each carries the clock's time, not the machine's.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kSecretsKey[] = "5e2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";

class ServerClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetClock("2031-03-04T05:06:07Z");
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--clock-file", (dir_.path() / "clock").string(), "--secrets-key-file",
                                 WritePrivateFile(dir_.path() / "key", std::string(kSecretsKey) + "\n")});
    server_->Start();
    key_ = server_->AddUser("owner@clock.test", "red");
  }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  void SetClock(const std::string& rfc3339) { SetClockFile(dir_.path() / "clock", rfc3339); }
  HttpClient Client() const { return HttpClient(server_->port()); }
  json::object Task(const std::string& id) const {
    return ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(key_)), 200).at("task").as_object();
  }
  std::string UpdatedAt(const std::string& id) const {
    return std::string(Task(id).at("updated_at").as_string());
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string key_;
};

TEST_F(ServerClockTest, EveryWriteOfTheApiCarriesTheServersTime) {
  const std::string id(ExpectJson(Client().Post("/api/v1/tasks", R"({"task": "Audit"})", Auth(key_)), 202)
                           .at("id")
                           .as_string());
  EXPECT_EQ(Task(id).at("created_at"), "2031-03-04T05:06:07Z");
  EXPECT_EQ(UpdatedAt(id), "2031-03-04T05:06:07Z");

  SetClock("2031-03-04T06:00:00Z");
  ExpectJson(Client().Patch("/api/v1/tasks/" + id, R"({"title": "Audit of the API"})", Auth(key_)), 200);
  EXPECT_EQ(UpdatedAt(id), "2031-03-04T06:00:00Z");

  SetClock("2031-03-04T07:00:00Z");
  ExpectJson(Client().Post("/api/v1/tasks/" + id + "/messages",
                           R"({"messages": [{"role": "user", "content": "Scope: the API"}]})", Auth(key_)),
             200);
  EXPECT_EQ(UpdatedAt(id), "2031-03-04T07:00:00Z");

  SetClock("2031-03-04T08:00:00Z");
  const json::value shared =
      ExpectJson(Client().Request("PUT", "/api/v1/tasks/" + id + "/share",
                                  R"({"visibility": "unlisted", "mode": "pinned"})", Auth(key_)),
                 200);
  EXPECT_EQ(shared.at("share").at("pinned_at"), "2031-03-04T08:00:00Z") << shared;
  EXPECT_EQ(UpdatedAt(id), "2031-03-04T08:00:00Z");

  SetClock("2031-03-04T09:00:00Z");
  EXPECT_EQ(Client().Delete("/api/v1/tasks/" + id + "/share", Auth(key_)).status, 204);
  EXPECT_EQ(Task(id).at("visibility"), "private");
  EXPECT_EQ(UpdatedAt(id), "2031-03-04T09:00:00Z");

  // Revoke-all stamps the tasks it makes private and the schedules it makes create private tasks. The
  // schedule is first due at 23:00, after every time this test sets, so it never runs here.
  ExpectJson(
      Client().Request("PUT", "/api/v1/tasks/" + id + "/share", R"({"visibility": "public"})", Auth(key_)),
      200);
  const std::string schedule(
      ExpectJson(Client().Post("/api/v1/schedules",
                               R"({"task_message":"Audit","scan_frequency":"daily","start_time":"23:00",)"
                               R"("selected_visibility_type":"public"})",
                               Auth(key_)),
                 201)
          .at("schedule")
          .at("id")
          .as_string());
  SetClock("2031-03-04T10:00:00Z");
  const json::value revoked = ExpectJson(Client().Post("/api/v1/shares/revoke-all", "", Auth(key_)), 200);
  EXPECT_EQ(revoked.at("revoked"), 1) << revoked;
  EXPECT_EQ(UpdatedAt(id), "2031-03-04T10:00:00Z");
  const json::value after = ExpectJson(Client().Get("/api/v1/schedules/" + schedule, Auth(key_)), 200);
  EXPECT_EQ(after.at("schedule").at("selected_visibility_type"), "private");
  EXPECT_EQ(after.at("schedule").at("updated_at"), "2031-03-04T10:00:00Z");

  SetClock("2031-03-04T11:00:00Z");
  const json::value secret = ExpectJson(
      Client().Post("/api/v1/secrets", R"({"name": "TOKEN", "value": "clock-test-value"})", Auth(key_)), 201);
  EXPECT_EQ(secret.at("secret").at("created_at"), "2031-03-04T11:00:00Z") << secret;
  EXPECT_EQ(secret.at("secret").at("updated_at"), "2031-03-04T11:00:00Z") << secret;

  SetClock("2031-03-04T12:00:00Z");
  const json::value rotated = ExpectJson(Client().Post("/api/v1/user/apikey/rotate", "", Auth(key_)), 201);
  EXPECT_EQ(rotated.at("created_at"), "2031-03-04T12:00:00Z") << rotated;
  const std::string new_key(rotated.at("api_key").as_string());
  EXPECT_EQ(ExpectJson(Client().Get("/api/v1/user/apikey", Auth(new_key)), 200).at("created_at"),
            "2031-03-04T12:00:00Z");
}

}  // namespace
}  // namespace taskshare::testing
