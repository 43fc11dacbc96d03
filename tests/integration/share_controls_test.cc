// Controls over what share links serve: credentials redacted for anonymous viewers, the instance kill
// switch, and the rate limit of the anonymous endpoints.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

// Real-looking credentials of every kind the rules know, as an agent might meet them.
const std::vector<std::string> kCredentials = {
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "glpat-xK9vR2mQ7tLp4WzN8sYc",
    "xoxb-2048161234-1180937491234-gVkPzq8TnW3xKb4sY7",
    "neo_sk_k3j9x0q2m5v8b1n4c7z6a9s2d5f8g1h4",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_"
    "adQssw5c",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "Zm9vYmFyYmF6cXV4MTIzNDU2",
    "s3cr3t-Pa55w0rd!x9",
    "Tr0ub4dor&3xK",
};

std::string Transcript() {
  json::array messages;
  messages.push_back(
      json::parse(R"({"role": "user", "content": "Audit the staging box; creds are in ~/.aws"})"));
  messages.push_back(json::parse(
      R"({"role": "assistant", "content": "Found ~/.aws/credentials:\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"})"));
  messages.push_back(json::parse(
      R"({"role": "tool", "tool_calls": [{"name": "shell", "input": {"cmd": "curl -H 'Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2' https://api.internal"}, "output": {"env": {"GITHUB_TOKEN": "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "GITLAB": "glpat-xK9vR2mQ7tLp4WzN8sYc"}, "slack": "xoxb-2048161234-1180937491234-gVkPzq8TnW3xKb4sY7"}}]})"));
  messages.push_back(json::parse(
      R"({"role": "assistant", "content": "The API key neo_sk_k3j9x0q2m5v8b1n4c7z6a9s2d5f8g1h4 and the session token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c leak in the logs."})"));
  messages.push_back(json::parse(
      R"({"role": "tool", "output": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"})"));
  messages.push_back(json::parse(
      R"({"role": "assistant", "content": "DB_PASSWORD=s3cr3t-Pa55w0rd!x9 and postgres://admin:Tr0ub4dor&3xK@db.internal:5432/app"})"));
  json::object body;
  body["title"] = "Staging audit";
  body["visibility"] = "public";
  body["message"] = messages.front();
  return json::serialize(body) + "\n" + json::serialize(json::array(messages.begin() + 1, messages.end()));
}

class ShareControlsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args) {
    server_ = std::make_unique<ServerProcess>(std::move(args));
    server_->Start();
    owner_ = server_->AddUser("owner@controls.test");
    admin_ = server_->AddUser("admin@controls.test", "", "admin");
  }
  std::string CreateShared() {
    const std::string t = Transcript();
    const std::size_t nl = t.find('\n');
    HttpClient c(server_->port());
    const Response created = c.Post("/api/v1/tasks", t.substr(0, nl), Auth(owner_));
    EXPECT_EQ(created.status, 202) << created.body;
    const std::string id(json::parse(created.body).at("id").as_string());
    const Response appended = c.Post("/api/v1/tasks/" + id + "/messages",
                                     R"({"messages": )" + t.substr(nl + 1) + "}", Auth(owner_));
    EXPECT_EQ(appended.status, 200) << appended.body;
    return id;
  }
  HttpClient Client() const { return HttpClient(server_->port()); }

  std::unique_ptr<ServerProcess> server_;
  std::string owner_, admin_;
};

TEST_F(ShareControlsTest, AnonymousViewersSeeNoCredentialAndTheOwnerSeesThemAll) {
  Start({});
  const std::string id = CreateShared();
  const Response shared = Client().Get("/api/v1/tasks/" + id + "/share");
  ASSERT_EQ(shared.status, 200) << shared.body;
  const Response page = Client().Get("/share/" + id);
  ASSERT_EQ(page.status, 200);
  const Response owner = Client().Get("/api/v1/tasks/" + id, Auth(owner_));
  ASSERT_EQ(owner.status, 200);
  for (const std::string& secret : kCredentials) {
    EXPECT_EQ(shared.body.find(secret), std::string::npos) << "the share endpoint shows " << secret;
    EXPECT_EQ(page.body.find(secret), std::string::npos) << "the share page shows " << secret;
    // The owner's view holds the JSON as stored, where a few characters are escaped.
    const std::string escaped = json::serialize(json::string(secret));
    EXPECT_NE(owner.body.find(escaped.substr(1, escaped.size() - 2)), std::string::npos)
        << "the owner cannot see " << secret;
  }
  EXPECT_NE(shared.body.find("[REDACTED:aws_access_key_id]"), std::string::npos) << shared.body;
  EXPECT_NE(shared.body.find("[REDACTED:private_key]"), std::string::npos) << shared.body;
  EXPECT_NE(page.body.find("[REDACTED:jwt]"), std::string::npos);
  // Still the spec's shape, with the messages in order and the prose around the secrets kept.
  const json::value v = json::parse(shared.body);
  ASSERT_EQ(v.at("messages").as_array().size(), 6u);
  EXPECT_NE(shared.body.find("leak in the logs"), std::string::npos);
}

TEST_F(ShareControlsTest, TheKillSwitchRefusesEveryShareLinkUntilSwitchedBack) {
  Start({});
  const std::string id = CreateShared();
  const std::string json_path = "/api/v1/tasks/" + id + "/share";
  ASSERT_EQ(Client().Get(json_path).status, 200);  // cached now
  ASSERT_EQ(Client().Get("/share/" + id).status, 200);

  EXPECT_EQ(Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": false})", Auth(owner_)).status,
            403);
  EXPECT_EQ(Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": "no"})", Auth(admin_)).status,
            400);
  const Response off =
      Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": false})", Auth(admin_));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(json::parse(off.body), json::parse(R"({"enabled": false})"));

  const Response refused = Client().Get(json_path);
  ASSERT_TRUE(IsError(refused, 403, "Sharing is turned off on this server"));
  EXPECT_EQ(refused.Header("cache-control"), "no-store");
  const Response page = Client().Get("/share/" + id);
  EXPECT_EQ(page.status, 403);
  EXPECT_NE(page.body.find("Sharing is turned off on this server"), std::string::npos);
  EXPECT_EQ(Client().Get("/api/v1/tasks/" + id, Auth(owner_)).status, 200) << "owners keep their own view";
  EXPECT_EQ(json::parse(Client().Get("/api/v1/admin/sharing", Auth(admin_)).body),
            json::parse(R"({"enabled": false})"));

  ASSERT_EQ(Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": true})", Auth(admin_)).status,
            200);
  EXPECT_EQ(Client().Get(json_path).status, 200);
  EXPECT_EQ(Client().Get("/share/" + id).status, 200);
}

TEST_F(ShareControlsTest, SharingOffFromTheStart) {
  Start({"--sharing", "off"});
  const std::string id = CreateShared();
  EXPECT_TRUE(
      IsError(Client().Get("/api/v1/tasks/" + id + "/share"), 403, "Sharing is turned off on this server"));
}

// The switch is stored in the database: a restart keeps it where an admin left it.
TEST_F(ShareControlsTest, TheKillSwitchSurvivesARestart) {
  Start({});
  const std::string id = CreateShared();
  const std::string json_path = "/api/v1/tasks/" + id + "/share";
  ASSERT_EQ(Client().Get(json_path).status, 200);
  ASSERT_EQ(Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": false})", Auth(admin_)).status,
            200);

  server_->Restart();
  EXPECT_TRUE(IsError(Client().Get(json_path), 403, "Sharing is turned off on this server"));
  const Response page = Client().Get("/share/" + id);
  EXPECT_EQ(page.status, 403);
  EXPECT_NE(page.body.find("Sharing is turned off on this server"), std::string::npos);
  EXPECT_EQ(json::parse(Client().Get("/api/v1/admin/sharing", Auth(admin_)).body),
            json::parse(R"({"enabled": false})"));

  ASSERT_EQ(Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": true})", Auth(admin_)).status,
            200);
  server_->Restart();
  EXPECT_EQ(Client().Get(json_path).status, 200);
  EXPECT_EQ(json::parse(Client().Get("/api/v1/admin/sharing", Auth(admin_)).body),
            json::parse(R"({"enabled": true})"));
}

// --sharing off wins on its node: an admin's PUT there stores the switch (for the other nodes) but
// this node keeps refusing, and says so.
TEST_F(ShareControlsTest, SharingOffAtStartWinsOverTheStoredSwitch) {
  Start({"--sharing", "off"});
  const std::string id = CreateShared();
  const Response put = Client().Request("PUT", "/api/v1/admin/sharing", R"({"enabled": true})", Auth(admin_));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json::parse(put.body), json::parse(R"({"enabled": false})"));
  EXPECT_TRUE(
      IsError(Client().Get("/api/v1/tasks/" + id + "/share"), 403, "Sharing is turned off on this server"));
  EXPECT_EQ(Client().Get("/share/" + id).status, 403);
  EXPECT_EQ(json::parse(Client().Get("/api/v1/admin/sharing", Auth(admin_)).body),
            json::parse(R"({"enabled": false})"));
}

TEST_F(ShareControlsTest, EachAddressGetsItsBurstThen429WithRetryAfter) {
  Start({"--rate-limit", "0.5", "--rate-burst", "3"});
  const std::string id = CreateShared();
  const std::string path = "/api/v1/tasks/" + id + "/share";
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Client().Get(path).status, 200) << i;
  const Response limited = Client().Get(path);
  ASSERT_TRUE(IsError(limited, 429)) << limited.body;
  EXPECT_EQ(json::parse(limited.body).at("code"), "rate_limited");
  EXPECT_EQ(limited.Header("retry-after"), "2");
  const Response page = Client().Get("/share/" + id);
  EXPECT_EQ(page.status, 429);
  EXPECT_EQ(page.Header("retry-after"), "2");
  EXPECT_NE(page.Header("content-security-policy"), "") << "the page keeps its own headers";
  EXPECT_EQ(Client().Get("/api/v1/tasks/" + id, Auth(owner_)).status, 200) << "the owner API is not limited";
  // Without a trusted proxy, X-Forwarded-For changes nothing.
  EXPECT_EQ(Client().Get(path, {{"X-Forwarded-For", "198.51.100.7"}}).status, 429);
}

TEST_F(ShareControlsTest, ForwardedForCountsFromATrustedProxy) {
  Start({"--rate-limit", "0.5", "--rate-burst", "2", "--trusted-proxy", "127.0.0.0/8"});
  const std::string id = CreateShared();
  const std::string path = "/api/v1/tasks/" + id + "/share";
  for (const char* client : {"198.51.100.7", "198.51.100.8"}) {
    for (int i = 0; i < 2; ++i)
      EXPECT_EQ(Client().Get(path, {{"X-Forwarded-For", client}}).status, 200) << client;
    EXPECT_EQ(Client().Get(path, {{"X-Forwarded-For", client}}).status, 429) << client;
  }
}

}  // namespace
}  // namespace taskshare::testing
