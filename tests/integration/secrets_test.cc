// The Secrets API and the redaction of secret values from share links, against the real server: names
// only ever come back, values are redacted from the JSON share and the page (not from the owner's own
// view), also after their secret is deleted or replaced, a secret write is honoured by the very next
// share request, and a server that cannot open a task's stored secrets (no key, another key) withholds
// its share link instead of serving it.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/metrics.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kOwner[] = "owner@secrets.test";
constexpr char kKey[] = "5e2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";
constexpr char kOtherKey[] = "0e2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";

std::string WriteKey(const std::filesystem::path& dir, const std::string& name, const std::string& hex) {
  return WritePrivateFile(dir / name, hex + "\n");
}

class SecretsTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() {
    keys_ = std::make_unique<TempDir>();
    StartServer({"--secrets-key-file", WriteKey(keys_->path(), "key", kKey), "--metrics-public"}, kOwner);
  }
  static void TearDownTestSuite() {
    SuiteServer::TearDownTestSuite();
    keys_.reset();
  }

  static Response PutSecret(const std::string& name, const std::string& value,
                            const std::string& key = owner_key_) {
    return Client().Post("/api/v1/secrets", json::serialize(json::object{{"name", name}, {"value", value}}),
                         Auth(key));
  }

  // A public task whose title and messages hold `value`, naming the secret `name`.
  static std::string TaskWith(const std::string& name, const std::string& value) {
    const json::object body{
        {"title", "run with " + value},
        {"visibility", "public"},
        {"secrets", json::array{name}},
        {"message",
         json::object{
             {"role", "assistant"},
             {"content", json::array{json::object{
                             {"type", "tool_use"},
                             {"input", json::object{{"argv", json::array{"curl", "-u", value}}}}}}}}}};
    auto created = ExpectJson(Client().Post("/api/v1/tasks", json::serialize(body), Auth(owner_key_)), 202);
    const std::string id(created.at("id").as_string());
    const json::object tool_output{{"role", "tool"}, {"content", "login ok as " + value + "\nbye"}};
    ExpectJson(Client().Post("/api/v1/tasks/" + id + "/messages",
                             json::serialize(json::object{{"messages", json::array{tool_output}}}),
                             Auth(owner_key_)),
               200);
    return id;
  }

  inline static std::unique_ptr<TempDir> keys_;
};

TEST_F(SecretsTest, CreateListReplaceAndDeleteNeverShowAValue) {
  const Response created = PutSecret("API_TOKEN", "value-that-must-not-echo-1");
  const json::value body = ExpectJson(created, 201);
  EXPECT_EQ(body.at("secret").at("name"), "API_TOKEN");
  EXPECT_EQ(body.at("secret").at("created_at"), body.at("secret").at("updated_at"));
  EXPECT_EQ(created.body.find("must-not-echo"), std::string::npos);

  const json::value replaced = ExpectJson(PutSecret("API_TOKEN", "value-that-must-not-echo-2"), 201);
  EXPECT_EQ(replaced.at("secret").at("created_at"), body.at("secret").at("created_at"));
  ASSERT_TRUE(HasStatus(PutSecret("Z.other-1", "another-long-value"), 201));

  const Response list = Client().Get("/api/v1/secrets", Auth(owner_key_));
  const json::value listed = ExpectJson(list, 200);
  EXPECT_EQ(list.body.find("must-not-echo"), std::string::npos);
  EXPECT_EQ(list.body.find("another-long-value"), std::string::npos);
  const json::array& secrets = listed.at("secrets").as_array();
  std::vector<std::string> names;
  for (const auto& s : secrets) names.emplace_back(s.at("name").as_string());
  EXPECT_NE(std::find(names.begin(), names.end(), "API_TOKEN"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "Z.other-1"), names.end());
  for (const auto& s : secrets) EXPECT_EQ(s.as_object().size(), 3u) << list.body;

  const std::string other_key = server_->AddUser("other@secrets.test");
  EXPECT_EQ(ExpectJson(Client().Get("/api/v1/secrets", Auth(other_key)), 200),
            json::parse(R"({"secrets": []})"))
      << "secrets are per user";
  EXPECT_TRUE(
      IsError(Client().Delete("/api/v1/secrets/Z.other-1", Auth(other_key)), 404, "Secret not found"));

  const Response deleted = Client().Delete("/api/v1/secrets/Z.other-1", Auth(owner_key_));
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_TRUE(
      IsError(Client().Delete("/api/v1/secrets/Z.other-1", Auth(owner_key_)), 404, "Secret not found"));
  EXPECT_EQ(server_->Log().find("must-not-echo"), std::string::npos) << "no log line holds a value";
}

TEST_F(SecretsTest, BadInputAndMissingCredentialsAreRefused) {
  EXPECT_TRUE(IsError(PutSecret("has space", "long enough"), 400, std::nullopt, "secret names"));
  EXPECT_TRUE(IsError(PutSecret("N", "abc"), 400, std::nullopt, "value must be"));
  const Response quoted = PutSecret("N", "zq9");
  EXPECT_EQ(quoted.body.find("zq9"), std::string::npos) << quoted.body;
  EXPECT_TRUE(IsError(
      Client().Post("/api/v1/secrets", R"({"name": "N", "value": "long enough", "x": 1})", Auth(owner_key_)),
      400, std::nullopt, "x"));
  EXPECT_TRUE(IsError(Client().Post("/api/v1/secrets", "{", Auth(owner_key_)), 400));
  EXPECT_TRUE(IsError(Client().Delete("/api/v1/secrets/a%20b", Auth(owner_key_)), 400));
  EXPECT_TRUE(IsError(PutSecret("N", "long enough", "neo_sk_wrongwrongwrongwrongwrongwrong"), 401));
  EXPECT_TRUE(IsError(Client().Get("/api/v1/secrets"), 401));
  EXPECT_TRUE(IsError(Client().Delete("/api/v1/secrets/N"), 401));
  const Response put = Client().Request("PUT", "/api/v1/secrets", "{}", Auth(owner_key_));
  EXPECT_TRUE(IsError(put, 405));
  EXPECT_EQ(put.Header("allow"), "GET, HEAD, POST");
  EXPECT_TRUE(IsError(Client().Get("/api/v1/secrets/N", Auth(owner_key_)), 405));
}

TEST_F(SecretsTest, ShareViewsRedactTheValuesAndTheOwnerSeesThem) {
  const std::string value = "s3cr3t-ValueFor-Share_77";
  ASSERT_TRUE(HasStatus(PutSecret("SHARE_TOKEN", value), 201));
  const std::string id = TaskWith("SHARE_TOKEN", value);

  for (int round = 0; round < 2; ++round) {  // a miss, then a cache hit
    SCOPED_TRACE(round);
    const Response shared = Client().Get(Share(id));
    const json::value body = ExpectJson(shared, 200);
    EXPECT_EQ(shared.body.find(value), std::string::npos) << shared.body;
    EXPECT_EQ(body.at("task").at("title"), "run with [REDACTED:secret]");
    EXPECT_EQ(body.at("messages").at(0).at("content").at(0).at("input").at("argv"),
              json::parse(R"(["curl", "-u", "[REDACTED:secret]"])"));
    EXPECT_EQ(body.at("messages").at(1).at("content"), "login ok as [REDACTED:secret]\nbye");
    const Response page = Client().Get("/share/" + id);
    ASSERT_TRUE(HasStatus(page, 200));
    EXPECT_EQ(page.body.find(value), std::string::npos);
    EXPECT_NE(page.body.find("[REDACTED:secret]"), std::string::npos);
  }
  const Response own = Client().Get("/api/v1/tasks/" + id, Auth(owner_key_));
  ASSERT_TRUE(HasStatus(own, 200));
  EXPECT_NE(own.body.find(value), std::string::npos) << "the owner's own view shows the original";
  EXPECT_EQ(server_->Log().find(value), std::string::npos) << "no log line holds a value";
}

TEST_F(SecretsTest, ASecretWriteIsHonouredByTheNextShareRequest) {
  const std::string value = "late-added-secret-value-93";
  const std::string id = TaskWith("LATE_TOKEN", value);
  for (int i = 0; i < 2; ++i) {  // cached, with the value shown: no secret of that name yet
    const Response r = Client().Get(Share(id));
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_NE(r.body.find(value), std::string::npos);
    EXPECT_NE(Client().Get("/share/" + id).body.find(value), std::string::npos);
  }
  ASSERT_TRUE(HasStatus(PutSecret("LATE_TOKEN", value), 201));
  EXPECT_EQ(Client().Get(Share(id)).body.find(value), std::string::npos);
  EXPECT_EQ(Client().Get("/share/" + id).body.find(value), std::string::npos);

  // A new value: the new one is redacted from then on, and the old one still is.
  const std::string next = "rotated-secret-value-94";
  ASSERT_TRUE(HasStatus(
      Client().Post("/api/v1/tasks/" + id + "/messages",
                    R"({"messages": [{"role": "tool", "content": ")" + next + R"("}]})", Auth(owner_key_)),
      200));
  ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
  ASSERT_TRUE(HasStatus(PutSecret("LATE_TOKEN", next), 201));
  const Response rotated = Client().Get(Share(id));
  EXPECT_EQ(rotated.body.find(next), std::string::npos);
  EXPECT_EQ(rotated.body.find(value), std::string::npos);
}

// A secret write evicts only the cached views redacted with that secret: other owners' links, and the
// owner's own links that do not name it, stay cached; a delete, or a delete of nothing, evicts nothing.
TEST_F(SecretsTest, SecretWritesLeaveOtherCachedLinksInPlace) {
  const std::string other_key = server_->AddUser("bystander@secrets.test", "blue");
  const std::string others(
      ExpectJson(
          Client().Post("/api/v1/tasks",
                        R"({"title": "other owner", "visibility": "public", "secrets": ["SCOPED_TOKEN"]})",
                        Auth(other_key)),
          202)
          .at("id")
          .as_string());
  const std::string unrelated = TaskWith("UNRELATED_TOKEN", "unrelated-value-57");
  const std::string named = TaskWith("SCOPED_TOKEN", "scoped-value-58");
  for (const std::string& id : {others, unrelated, named}) {
    ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
    ASSERT_TRUE(HasStatus(Client().Get("/share/" + id), 200));
  }
  const auto hits = [] { return MetricValue(server_->port(), "taskshare_cache_hits_total"); };
  const auto misses = [] { return MetricValue(server_->port(), "taskshare_cache_misses_total"); };

  ASSERT_TRUE(HasStatus(PutSecret("SCOPED_TOKEN", "scoped-value-58"), 201));
  ASSERT_TRUE(HasStatus(PutSecret("SCOPED_OTHER", "scoped-other-value-59"), 201));
  ASSERT_EQ(Client().Delete("/api/v1/secrets/SCOPED_OTHER", Auth(owner_key_)).status, 204);
  ASSERT_EQ(Client().Delete("/api/v1/secrets/NEVER_STORED", Auth(owner_key_)).status, 404);

  for (const std::string& id : {others, unrelated}) {
    SCOPED_TRACE(id);
    const double hits_before = hits();
    const double misses_before = misses();
    ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
    ASSERT_TRUE(HasStatus(Client().Get("/share/" + id), 200));
    EXPECT_EQ(hits(), hits_before + 2) << "evicted by another owner's (or another secret's) write";
    EXPECT_EQ(misses(), misses_before);
  }
  const double misses_before = misses();
  const Response shared = Client().Get(Share(named));
  ASSERT_TRUE(HasStatus(shared, 200));
  EXPECT_EQ(misses(), misses_before + 1) << "the view redacted with the written secret was not evicted";
  EXPECT_EQ(shared.body.find("scoped-value-58"), std::string::npos);
}

// Transcripts keep what they hold: a value stays redacted from share views after its secret is deleted
// or given another value, on the very next request (the write empties the cache) and after.
TEST_F(SecretsTest, DeletedAndReplacedValuesStayRedacted) {
  const std::string deleted = "deleted-secret-value-31";
  ASSERT_TRUE(HasStatus(PutSecret("DELETED_TOKEN", deleted), 201));
  const std::string deleted_task = TaskWith("DELETED_TOKEN", deleted);
  const std::string replaced = "replaced-secret-value-32";
  const std::string replacing = "replacing-secret-value-33";
  ASSERT_TRUE(HasStatus(PutSecret("REPLACED_TOKEN", replaced), 201));
  const std::string replaced_task = TaskWith("REPLACED_TOKEN", replaced);
  for (const std::string& id : {deleted_task, replaced_task}) {  // cached before the writes
    ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
    ASSERT_TRUE(HasStatus(Client().Get("/share/" + id), 200));
  }

  ASSERT_EQ(Client().Delete("/api/v1/secrets/DELETED_TOKEN", Auth(owner_key_)).status, 204);
  ASSERT_TRUE(HasStatus(PutSecret("REPLACED_TOKEN", replacing), 201));
  ASSERT_TRUE(
      HasStatus(Client().Post("/api/v1/tasks/" + replaced_task + "/messages",
                              R"({"messages": [{"role": "tool", "content": ")" + replacing + R"("}]})",
                              Auth(owner_key_)),
                200));

  for (int round = 0; round < 2; ++round) {  // a miss, then a cache hit
    SCOPED_TRACE(round);
    for (const auto& [id, values] :
         {std::pair{deleted_task, std::vector<std::string>{deleted}},
          std::pair{replaced_task, std::vector<std::string>{replaced, replacing}}}) {
      SCOPED_TRACE(id);
      const Response shared = Client().Get(Share(id));
      const json::value body = ExpectJson(shared, 200);
      EXPECT_EQ(body.at("task").at("title"), "run with [REDACTED:secret]");
      const Response page = Client().Get("/share/" + id);
      ASSERT_TRUE(HasStatus(page, 200));
      EXPECT_NE(page.body.find("[REDACTED:secret]"), std::string::npos);
      for (const std::string& value : values) {
        EXPECT_EQ(shared.body.find(value), std::string::npos) << shared.body;
        EXPECT_EQ(page.body.find(value), std::string::npos);
      }
    }
  }
  const Response list = Client().Get("/api/v1/secrets", Auth(owner_key_));
  ASSERT_TRUE(HasStatus(list, 200));
  EXPECT_EQ(list.body.find("DELETED_TOKEN"), std::string::npos) << "a deleted secret is not listed";
  EXPECT_NE(list.body.find("REPLACED_TOKEN"), std::string::npos);
}

// A server whose key cannot open a task's stored secrets (none, or another one put in by the
// documented key change, which clears the database's check value) withholds its share.
TEST(SecretsKeyTest, WithoutTheRightKeySharesOfTasksWithStoredSecretsAreWithheld) {
  TempDir keys;
  const std::string value = "key-test-secret-value-55";
  ServerProcess keyed({"--secrets-key-file", WriteKey(keys.path(), "key", kKey)});
  keyed.Start();
  const std::string key = keyed.AddUser(kOwner);
  HttpClient client(keyed.port());
  ASSERT_TRUE(HasStatus(
      client.Post("/api/v1/secrets", R"({"name": "TOK", "value": ")" + value + "\"}", Auth(key)), 201));
  const auto task = [&](const std::string& names) {
    return std::string(ExpectJson(client.Post("/api/v1/tasks",
                                              R"({"task": "uses )" + value +
                                                  R"(", "visibility": "public", "secrets": )" + names + "}",
                                              Auth(key)),
                                  202)
                           .at("id")
                           .as_string());
  };
  const std::string with = task(R"(["TOK"])");
  const std::string unknown = task(R"(["NOT_STORED"])");
  ASSERT_TRUE(HasStatus(client.Get("/api/v1/tasks/" + with + "/share"), 200));
  ASSERT_EQ(keyed.Stop(), 0);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{},
        std::vector<std::string>{"--secrets-key-file", WriteKey(keys.path(), "other", kOtherKey)}}) {
    SCOPED_TRACE(args.empty() ? "no key" : "another key");
    if (!args.empty()) keyed.Sql("UPDATE instance_settings SET secrets_key_check = NULL");
    ServerProcess server(args, keyed.db_url());
    server.Start();
    HttpClient c(server.port());
    const Response refused = c.Get("/api/v1/tasks/" + with + "/share");
    EXPECT_TRUE(IsError(refused, 503,
                        "The task's secrets cannot be read on this server; its share link is withheld"));
    EXPECT_EQ(refused.body.find(value), std::string::npos);
    const Response page = c.Get("/share/" + with);
    EXPECT_EQ(page.status, 503);
    EXPECT_EQ(page.body.find(value), std::string::npos);
    // The page's 503, as the JSON one, names the error id the log line carries.
    const std::size_t at = page.body.find("(error id ");
    ASSERT_NE(at, std::string::npos) << page.body;
    const std::string error_id = page.body.substr(at + 10, page.body.find(')', at) - at - 10);
    EXPECT_EQ(error_id.size(), 32u) << page.body;
    // The server's stderr reaches Log() through a pipe: give the line a moment to arrive.
    const auto logged = [&] {
      return server.Log().find("error_id=" + error_id + " status=503") != std::string::npos;
    };
    for (int i = 0; i < 100 && !logged(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(logged()) << server.Log();
    EXPECT_EQ(server.Log().find(value), std::string::npos) << "the log never holds a value";
    // A task naming only secrets that are not stored has nothing to redact, and is served.
    EXPECT_TRUE(HasStatus(c.Get("/api/v1/tasks/" + unknown + "/share"), 200));
    if (args.empty()) {
      EXPECT_TRUE(IsError(c.Post("/api/v1/secrets", R"({"name": "T2", "value": "abcdefgh"})", Auth(key)), 503,
                          "secrets are not configured on this server"));
      EXPECT_TRUE(HasStatus(c.Get("/api/v1/secrets", Auth(key)), 200)) << "names need no key";
    }
    EXPECT_EQ(server.Stop(), 0);
  }
}

TEST(SecretsKeyTest, AMalformedKeyStopsTheServerFromStarting) {
  TempDir keys;
  const CommandResult r =
      RunTaskshare({"serve", "--listen", "127.0.0.1:0", "--db", "sqlite:" + (keys.path() / "t.db").string(),
                    "--secrets-key-file", WriteKey(keys.path(), "key", "not-a-key-at-all")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the secrets key must be 64 hexadecimal digits"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-a-key-at-all"), std::string::npos);
}

}  // namespace
}  // namespace taskshare::testing
