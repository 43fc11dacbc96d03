// The owner's share settings on the real binary: PUT, GET and DELETE of a task's share, pinned and
// live links, expiry (JSON and page, also once the 200 is cached), the creator, the redaction switch,
// revoke-all, the list of shared tasks, owner-only access and bad input.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/time.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

class ShareSettingsTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() {
    StartServer({"--public-url", "https://share.example.test"}, "owner@settings.test");
    other_key_ = server_->AddUser("other@settings.test");
  }

  // A new task of the owner's with one message saying `text`.
  static std::string NewTask(const std::string& visibility = "private", const std::string& text = "first") {
    json::object body;
    body["title"] = "Settings test";
    body["visibility"] = visibility;
    body["message"] = json::object{{"role", "user"}, {"content", text}};
    const json::value created =
        ExpectJson(Client().Post("/api/v1/tasks", json::serialize(body), Auth(owner_key_)), 202);
    return std::string(created.at("id").as_string());
  }
  static void Append(const std::string& id, const std::string& text) {
    json::object m{{"role", "assistant"}, {"content", text}};
    json::object body{{"messages", json::array{m}}};
    ExpectJson(Client().Post("/api/v1/tasks/" + id + "/messages", json::serialize(body), Auth(owner_key_)),
               200);
  }
  static Response Put(const std::string& id, const std::string& body, const std::string& key = owner_key_) {
    return Client().Request("PUT", Share(id), body, Auth(key));
  }
  // PUT that must succeed; returns its `share` object.
  static json::object PutOk(const std::string& id, const std::string& body) {
    return ExpectJson(Put(id, body), 200).at("share").as_object();
  }
  static json::object Settings(const std::string& id) {
    return ExpectJson(Client().Get(Share(id) + "/settings", Auth(owner_key_)), 200).at("share").as_object();
  }
  // The anonymous share response's messages' contents.
  static std::vector<std::string> Shown(const std::string& id) {
    const json::value v = ExpectJson(Client().Get(Share(id)), 200);
    std::vector<std::string> out;
    for (const json::value& m : v.at("messages").as_array()) out.emplace_back(m.at("content").as_string());
    return out;
  }

  inline static std::string other_key_;
};

TEST_F(ShareSettingsTest, PinnedLinksHideLaterMessagesUntilPinnedAgain) {
  const std::string id = NewTask("private", "one");
  Append(id, "two");
  const json::object share = PutOk(id, R"({"visibility": "unlisted", "mode": "pinned"})");
  EXPECT_EQ(share.at("mode").as_string(), "pinned");
  EXPECT_EQ(share.at("pinned_message_count").as_int64(), 2);
  EXPECT_EQ(share.at("visibility").as_string(), "unlisted");
  EXPECT_EQ(share.at("url").as_string(), "https://share.example.test/share/" + id);
  EXPECT_EQ(Shown(id), (std::vector<std::string>{"one", "two"}));
  ASSERT_EQ(Client().Get("/share/" + id).status, 200);  // both views cached now

  Append(id, "after-the-pin");
  EXPECT_EQ(Shown(id), (std::vector<std::string>{"one", "two"}));
  const Response shared = Client().Get(Share(id));
  EXPECT_EQ(shared.body.find("after-the-pin"), std::string::npos);
  const json::value task = json::parse(shared.body).at("task");
  EXPECT_EQ(task.at("updated_at").as_string(), share.at("pinned_at").as_string())
      << "updated_at does not betray later activity";
  const Response page = Client().Get("/share/" + id);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("after-the-pin"), std::string::npos);
  // Another user reads the task as its link shows it; the owner sees everything.
  const json::value other = ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(other_key_)), 200);
  EXPECT_EQ(other.at("messages").as_array().size(), 2u);
  const json::value own = ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(owner_key_)), 200);
  EXPECT_EQ(own.at("messages").as_array().size(), 3u);

  const json::object again = PutOk(id, R"({"visibility": "unlisted", "mode": "pinned"})");
  EXPECT_EQ(again.at("pinned_message_count").as_int64(), 3);
  EXPECT_EQ(again.at("url").as_string(), share.at("url").as_string()) << "the link never changes";
  EXPECT_EQ(Shown(id), (std::vector<std::string>{"one", "two", "after-the-pin"}));
  EXPECT_NE(Client().Get("/share/" + id).body.find("after-the-pin"), std::string::npos);

  PutOk(id, R"({"visibility": "unlisted", "mode": "live"})");
  Append(id, "live again");
  EXPECT_EQ(Shown(id).size(), 4u);
}

// Expiry is judged by the server's clock, which the test moves past the link's expires_at (serve
// --clock-file) instead of waiting for it.
TEST(ShareExpiryTest, ExpiredLinksAnswer403OnJsonAndPageEvenWhenCached) {
  TempDir clock_dir;
  const auto set_clock = [&clock_dir](UnixMicros t) {
    SetClockFile(clock_dir.path() / "clock", FormatRfc3339(t));
  };
  constexpr UnixMicros kStart = 1'900'000'000'000'000;  // 2030-03-17, ahead of the wall clock
  set_clock(kStart);
  ServerProcess server({"--clock-file", (clock_dir.path() / "clock").string()});
  server.Start();
  const std::string owner = server.AddUser("owner@expiry.test");
  const std::string other = server.AddUser("other@expiry.test");
  HttpClient client(server.port());
  const json::value created =
      ExpectJson(client.Post("/api/v1/tasks",
                             R"({"visibility": "public", "task": "the-expiring-transcript"})", Auth(owner)),
                 202);
  const std::string id(created.at("id").as_string());
  const std::string share = "/api/v1/tasks/" + id + "/share";
  const UnixMicros expires_at = kStart + 3'600'000'000;
  const json::value put = ExpectJson(
      client.Request("PUT", share,
                     R"({"visibility": "public", "expires_at": ")" + FormatRfc3339(expires_at) + R"("})",
                     Auth(owner)),
      200);
  EXPECT_EQ(put.at("share").at("expires_at").as_string(), FormatRfc3339(expires_at));
  EXPECT_FALSE(put.at("share").at("expired").as_bool());

  // Fill the cache, then move the clock to just before the expiry: still the cached 200.
  const Response before = client.Get(share);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.Header("cache-control"), "no-cache") << "intermediaries must ask again before reuse";
  EXPECT_EQ(client.Get("/share/" + id).status, 200);
  set_clock(expires_at - 1);
  EXPECT_EQ(client.Get(share).status, 200);
  EXPECT_EQ(client.Get("/share/" + id).status, 200);

  set_clock(expires_at);
  const Response expired = client.Get(share);
  EXPECT_TRUE(IsError(expired, 403, "This share link has expired"));
  EXPECT_EQ(expired.body.find("the-expiring-transcript"), std::string::npos);
  const Response revalidated = client.Get(share, {{"If-None-Match", before.Header("etag")}});
  EXPECT_TRUE(IsError(revalidated, 403, "This share link has expired")) << "never a 304 for an expired link";
  const Response page = client.Get("/share/" + id);
  EXPECT_EQ(page.status, 403);
  EXPECT_NE(page.body.find("expired"), std::string::npos);
  EXPECT_EQ(page.body.find("the-expiring-transcript"), std::string::npos);
  EXPECT_EQ(client.Get("/api/v1/tasks/" + id, Auth(other)).status, 403);
  EXPECT_EQ(client.Get("/api/v1/tasks/" + id, Auth(owner)).status, 200);
  EXPECT_TRUE(
      ExpectJson(client.Get(share + "/settings", Auth(owner)), 200).at("share").at("expired").as_bool());
  const json::value listed = ExpectJson(client.Get("/api/v1/tasks?shared=true", Auth(owner)), 200);
  ASSERT_EQ(listed.at("tasks").as_array().size(), 1u);
  EXPECT_TRUE(listed.at("tasks").at(0).at("share").at("expired").as_bool());
  // An expiry before the server's time is refused, though it is ahead of the wall clock.
  EXPECT_TRUE(IsError(client.Request("PUT", share,
                                     R"({"visibility": "public", "expires_at": ")" +
                                         FormatRfc3339(expires_at - 1'000'000) + R"("})",
                                     Auth(owner)),
                      400));

  // A new PUT without an expiry opens the same link again.
  ExpectJson(client.Request("PUT", share, R"({"visibility": "public"})", Auth(owner)), 200);
  EXPECT_EQ(client.Get(share).status, 200);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ShareSettingsTest, ShowCreatorPutsCreatedByIntoTheAnonymousView) {
  const std::string id = NewTask("public");
  auto task = [&] { return ExpectJson(Client().Get(Share(id)), 200).at("task").as_object(); };
  EXPECT_FALSE(task().contains("created_by"));
  PutOk(id, R"({"visibility": "public", "show_creator": true})");
  const json::object shown = task();
  ASSERT_TRUE(shown.contains("created_by"));
  EXPECT_EQ(shown.at("created_by").as_string(), "owner@settings.test");
  EXPECT_FALSE(shown.contains("secret_names"));
  EXPECT_NE(Client().Get("/share/" + id).body.find("owner@settings.test"), std::string::npos);
  PutOk(id, R"({"visibility": "public"})");
  EXPECT_FALSE(task().contains("created_by"));
  EXPECT_EQ(Client().Get("/share/" + id).body.find("owner@settings.test"), std::string::npos);
}

TEST_F(ShareSettingsTest, RedactOffShowsCredentialsAndOnHidesThem) {
  const std::string id = NewTask("public", "export GITHUB_TOKEN=" + std::string(kToken));
  const std::string page = "/share/" + id;
  EXPECT_EQ(Client().Get(Share(id)).body.find(kToken), std::string::npos);
  EXPECT_NE(Client().Get(Share(id)).body.find("[REDACTED:github_token]"), std::string::npos);
  PutOk(id, R"({"visibility": "public", "redact": false})");
  EXPECT_NE(Client().Get(Share(id)).body.find(kToken), std::string::npos);
  EXPECT_NE(Client().Get(page).body.find(kToken), std::string::npos);
  PutOk(id, R"({"visibility": "public", "redact": true})");
  EXPECT_EQ(Client().Get(Share(id)).body.find(kToken), std::string::npos);
  EXPECT_EQ(Client().Get(page).body.find(kToken), std::string::npos);
}

TEST_F(ShareSettingsTest, DeleteMakesTheTaskPrivateAndPatchStillShares) {
  const std::string id = NewTask("private");
  PutOk(id, R"({"visibility": "public", "mode": "pinned", "show_creator": true})");
  ASSERT_EQ(Client().Get(Share(id)).status, 200);
  const Response deleted = Client().Delete(Share(id), Auth(owner_key_));
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(IsError(Client().Get(Share(id)), 403, "Task is not shared"));
  const json::object settings = Settings(id);
  EXPECT_EQ(settings.at("visibility").as_string(), "private");
  EXPECT_FALSE(settings.at("shared").as_bool());
  EXPECT_EQ(settings.at("mode").as_string(), "live");
  EXPECT_FALSE(settings.at("show_creator").as_bool());

  const Response patched =
      Client().Patch("/api/v1/tasks/" + id, R"({"visibility": "unlisted"})", Auth(owner_key_));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Shown(id), (std::vector<std::string>{"first"}));
}

TEST_F(ShareSettingsTest, RevokeAllMakesEveryOneOfTheCallersSharedTasksPrivate) {
  const std::string key = server_->AddUser("revoker@settings.test");
  auto create = [&](const std::string& visibility) {
    const Response r =
        Client().Post("/api/v1/tasks", R"({"title": "t", "visibility": ")" + visibility + R"("})", Auth(key));
    return std::string(ExpectJson(r, 202).at("id").as_string());
  };
  const std::vector<std::string> shared = {create("public"), create("unlisted"), create("private")};
  ASSERT_EQ(
      Client()
          .Request("PUT", Share(shared[2]), R"({"visibility": "unlisted", "mode": "pinned"})", Auth(key))
          .status,
      200);
  const std::string team = create("team");
  const std::string others = NewTask("public");
  for (const std::string& id : shared) {
    ASSERT_EQ(Client().Get(Share(id)).status, 200);  // cached
    ASSERT_EQ(Client().Get("/share/" + id).status, 200);
  }

  EXPECT_TRUE(IsError(Client().Post("/api/v1/shares/revoke-all", ""), 401));
  const json::value revoked = ExpectJson(Client().Post("/api/v1/shares/revoke-all", "", Auth(key)), 200);
  EXPECT_EQ(revoked.at("revoked").as_int64(), 3);
  EXPECT_EQ(revoked.at("task_ids").as_array().size(), 3u);
  for (const std::string& id : shared) {
    EXPECT_TRUE(IsError(Client().Get(Share(id)), 403, "Task is not shared")) << id;
    EXPECT_EQ(Client().Get("/share/" + id).status, 403) << id;
  }
  EXPECT_EQ(Client().Get(Share(others)).status, 200) << "another owner's task stays shared";
  const json::value team_task = ExpectJson(Client().Get("/api/v1/tasks/" + team, Auth(key)), 200);
  EXPECT_EQ(team_task.at("task").at("visibility").as_string(), "team");
  EXPECT_EQ(
      ExpectJson(Client().Post("/api/v1/shares/revoke-all", "", Auth(key)), 200).at("revoked").as_int64(), 0);
}

// Revoke-all takes no fields, like every strict body: anything but nothing or {} is a 400 that changes
// nothing.
TEST_F(ShareSettingsTest, RevokeAllRefusesABodyThatIsNotEmpty) {
  const std::string key = server_->AddUser("strict-revoker@settings.test");
  const Response created =
      Client().Post("/api/v1/tasks", R"({"title": "t", "visibility": "public"})", Auth(key));
  const std::string id(ExpectJson(created, 202).at("id").as_string());
  for (const std::string body : {R"({"only": "public"})", "[]", "null", "{", "yes"}) {
    EXPECT_TRUE(IsError(Client().Post("/api/v1/shares/revoke-all", body, Auth(key)), 400,
                        "the body must be empty or {}: revoke-all takes no fields"))
        << body;
  }
  EXPECT_EQ(Client().Get(Share(id)).status, 200) << "a refused revoke-all changes nothing";
  const json::value revoked = ExpectJson(Client().Post("/api/v1/shares/revoke-all", "{}", Auth(key)), 200);
  EXPECT_EQ(revoked.at("task_ids"), json::array({json::value(id)}));
  EXPECT_EQ(revoked.at("schedules_made_private"), json::array());
  EXPECT_EQ(Client().Get(Share(id)).status, 403);
}

TEST_F(ShareSettingsTest, SharedTrueListsTheCallersSharedTasksWithTheirSettings) {
  const std::string key = server_->AddUser("lister@settings.test");
  auto create = [&](const std::string& visibility) {
    const Response r =
        Client().Post("/api/v1/tasks", R"({"title": "t", "visibility": ")" + visibility + R"("})", Auth(key));
    return std::string(ExpectJson(r, 202).at("id").as_string());
  };
  const std::string pub = create("public");
  const std::string unlisted = create("unlisted");
  const std::string priv = create("private");
  create("team");
  ASSERT_EQ(Client()
                .Request("PUT", Share(unlisted), R"({"visibility": "unlisted", "mode": "pinned"})", Auth(key))
                .status,
            200);

  const json::value page = ExpectJson(Client().Get("/api/v1/tasks?shared=true", Auth(key)), 200);
  const json::array& tasks = page.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].at("id").as_string(), unlisted);  // newest first
  EXPECT_EQ(tasks[1].at("id").as_string(), pub);
  EXPECT_EQ(tasks[0].at("share").at("mode").as_string(), "pinned");
  EXPECT_EQ(tasks[1].at("share").at("mode").as_string(), "live");
  EXPECT_EQ(tasks[1].at("share").at("url").as_string(), "https://share.example.test/share/" + pub);

  const json::value rest = ExpectJson(Client().Get("/api/v1/tasks?shared=false", Auth(key)), 200);
  ASSERT_EQ(rest.at("tasks").as_array().size(), 2u);
  EXPECT_EQ(rest.at("tasks").as_array()[1].at("id").as_string(), priv);
  EXPECT_FALSE(rest.at("tasks").as_array()[0].as_object().contains("share"));
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks?shared=yes", Auth(key)), 400, std::nullopt, "shared"));
}

TEST_F(ShareSettingsTest, OnlyTheOwnerReadsOrChangesTheSettings) {
  const std::string id = NewTask("public");
  const std::string body = R"({"visibility": "unlisted"})";
  EXPECT_TRUE(IsError(Put(id, body, other_key_), 403));
  EXPECT_TRUE(IsError(Client().Delete(Share(id), Auth(other_key_)), 403));
  EXPECT_TRUE(IsError(Client().Get(Share(id) + "/settings", Auth(other_key_)), 403));
  EXPECT_TRUE(IsError(Client().Request("PUT", Share(id), body), 401));
  EXPECT_TRUE(IsError(Client().Get(Share(id) + "/settings"), 401));
  EXPECT_TRUE(IsError(Put("5b0f6d8e-3c2a-4e1f-9d7b-8a6c4e2f0b19", body), 404, "Task not found"));
  EXPECT_TRUE(IsError(Put("not-a-uuid", body), 400));
  EXPECT_EQ(Settings(id).at("visibility").as_string(), "public") << "nothing changed";
  // The anonymous operation is the same whoever calls it.
  EXPECT_EQ(Client().Get(Share(id), Auth(other_key_)).body, Client().Get(Share(id)).body);
}

TEST_F(ShareSettingsTest, BadInputIs400AndChangesNothing) {
  const std::string id = NewTask("public");
  const json::object before = Settings(id);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"visibility": "public", "mode": "frozen"})", "mode"},
      {R"({"visibility": "public", "expires_at": "2020-01-01T00:00:00Z"})", "expires_at"},
      {R"({"visibility": "public", "expires_at": "next week"})", "expires_at"},
      {R"({"visibility": "private"})", "visibility"},
      {R"({"mode": "live"})", "visibility"},
      {R"({"visibility": "public", "redact": "no"})", "redact"},
      {R"({"visibility": "public", "extra": 1})", "extra"},
      {R"({"visibility": )", "JSON"},
  };
  for (const auto& [body, field] : bad) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsError(Put(id, body), 400, std::nullopt, field));
  }
  EXPECT_EQ(Settings(id), before);
}

}  // namespace
}  // namespace taskshare::testing
