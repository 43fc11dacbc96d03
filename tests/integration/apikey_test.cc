// The caller's API key over HTTP, against the real server: what GET shows of it, and rotation, after
// which the old key is refused on the very next request.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <latch>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "common/time.h"
#include "support/http_client.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kKeyPath[] = "/api/v1/user/apikey";
constexpr char kRotatePath[] = "/api/v1/user/apikey/rotate";

class ApiKeyTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() { StartServer({}, "owner@apikey.test"); }

  // Rotates `key`, checks the shape of the 201, and returns its body.
  static json::object Rotate(const std::string& key) {
    const Response r = Client().Post(kRotatePath, "", Auth(key));
    EXPECT_EQ(r.Header("cache-control"), "no-store");
    json::object body = ExpectJson(r, 201).as_object();
    EXPECT_EQ(body.size(), 3u) << r.body;
    const std::string new_key(body.at("api_key").as_string());
    EXPECT_TRUE(IsWellFormedApiKey(new_key)) << new_key;
    EXPECT_EQ(body.at("prefix").as_string(), new_key.substr(0, 12));
    EXPECT_TRUE(ParseRfc3339(body.at("created_at").as_string()).has_value()) << r.body;
    return body;
  }
  static bool Works(const std::string& key) {
    const Response r = Client().Get("/api/v1/tasks", Auth(key));
    if (r.status == 401) {
      EXPECT_TRUE(IsError(r, 401, "invalid API key"));
    }
    return r.status == 200;
  }
};

TEST_F(ApiKeyTest, TheRotatedKeyIsRefusedAtOnceAndTheNewOneActsForTheSameUser) {
  const std::string old_key = server_->AddUser("rotate@apikey.test", "red");
  const std::string id(ExpectJson(Client().Post("/api/v1/tasks", R"({"task": "mine"})", Auth(old_key)), 202)
                           .at("id")
                           .as_string());
  ASSERT_TRUE(Works(old_key));

  const std::string new_key(Rotate(old_key).at("api_key").as_string());
  EXPECT_NE(new_key, old_key);
  for (const bool bearer : {false, true}) {
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id, Auth(old_key, bearer)), 401));
    EXPECT_TRUE(IsError(Client().Post(kRotatePath, "", Auth(old_key, bearer)), 401));
    EXPECT_TRUE(IsError(Client().Get(kKeyPath, Auth(old_key, bearer)), 401));
  }
  const json::value details = ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(new_key)), 200);
  EXPECT_EQ(details.at("read_only"), false);
  EXPECT_EQ(details.at("task").at("created_by"), "rotate@apikey.test");

  // A second rotation retires the second key the same way.
  const std::string third(Rotate(new_key).at("api_key").as_string());
  EXPECT_FALSE(Works(new_key));
  EXPECT_FALSE(Works(old_key));
  EXPECT_TRUE(Works(third));
}

TEST_F(ApiKeyTest, GetShowsThePrefixAndCreationTimeButNeverTheKeyNorItsHash) {
  const std::string key = server_->AddUser("show@apikey.test");
  const Response r = Client().Get(kKeyPath, Auth(key));
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  const json::object shown = ExpectJson(r, 200).as_object();
  EXPECT_EQ(shown.size(), 2u) << r.body;
  EXPECT_EQ(shown.at("prefix").as_string(), key.substr(0, 12));
  EXPECT_TRUE(ParseRfc3339(shown.at("created_at").as_string()).has_value()) << r.body;
  EXPECT_EQ(r.body.find(key.substr(12)), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find(Sha256Hex(key)), std::string::npos) << r.body;

  const json::object rotated = Rotate(key);
  const std::string new_key(rotated.at("api_key").as_string());
  const Response after = Client().Get(kKeyPath, Auth(new_key));
  const json::object now_shown = ExpectJson(after, 200).as_object();
  EXPECT_EQ(now_shown.at("prefix"), rotated.at("prefix"));
  EXPECT_EQ(now_shown.at("created_at"), rotated.at("created_at"));
  EXPECT_EQ(after.body.find(new_key.substr(12)), std::string::npos) << after.body;
  EXPECT_EQ(after.body.find(Sha256Hex(new_key)), std::string::npos) << after.body;

  // The database holds the new key's hash and prefix, never the key.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream file(server_->db_path().string() + suffix, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(file), {}};
    EXPECT_EQ(bytes.find(new_key), std::string::npos) << "the key is stored in clear in t.db" << suffix;
  }
}

// Keys made before the prefix was stored (schema migration 4) show a null prefix.
TEST_F(ApiKeyTest, AKeyWithoutAStoredPrefixShowsNull) {
  const std::string key = server_->AddUser("legacy@apikey.test");
  server_->Sql("UPDATE api_keys SET prefix = NULL WHERE key_hash = ?1", {Sha256Hex(key)});
  const json::object shown = ExpectJson(Client().Get(kKeyPath, Auth(key)), 200).as_object();
  EXPECT_TRUE(shown.at("prefix").is_null());
  EXPECT_TRUE(shown.at("created_at").is_string());
}

// Rotations racing with one key: a rotation happens only if the key it was authenticated with is still
// current when it commits, so exactly one succeeds, the others are refused (401), and the one new key
// handed out is the only one that works.
TEST_F(ApiKeyTest, ConcurrentRotationsLeaveExactlyOneWorkingKey) {
  const std::string key = server_->AddUser("race@apikey.test");
  constexpr int kThreads = 8;
  std::vector<Response> responses(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      responses[t] = Client().Post(kRotatePath, "", Auth(key));
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::string> issued;
  for (const Response& r : responses) {
    if (r.status == 201) {
      issued.emplace_back(JsonBody(r).at("api_key").as_string());
    } else {
      EXPECT_TRUE(IsError(r, 401));
    }
  }
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_TRUE(Works(issued[0]));
  EXPECT_FALSE(Works(key));
  EXPECT_EQ(server_->Sql("SELECT COUNT(*) FROM api_keys k JOIN users u ON u.id = k.user_id "
                         "WHERE u.email = 'race@apikey.test'"),
            (std::vector<std::vector<std::string>>{{"1"}}));
}

TEST_F(ApiKeyTest, RefusedRotationsLeaveTheKeyWorking) {
  const std::string key = server_->AddUser("refused@apikey.test");
  for (const char* body : {R"({"api_key": "neo_sk_mine"})", "[]", "not json", "{} {}"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsError(Client().Post(kRotatePath, body, Auth(key)), 400, std::nullopt, "body"));
  }
  EXPECT_TRUE(IsError(Client().Post(kRotatePath, ""), 401));
  EXPECT_TRUE(IsError(Client().Get(kKeyPath), 401));
  const Response get_rotate = Client().Get(kRotatePath, Auth(key));
  EXPECT_TRUE(IsError(get_rotate, 405));
  EXPECT_EQ(get_rotate.Header("allow"), "POST");
  const Response post_key = Client().Post(kKeyPath, "{}", Auth(key));
  EXPECT_TRUE(IsError(post_key, 405));
  EXPECT_EQ(post_key.Header("allow"), "GET, HEAD");
  EXPECT_TRUE(IsError(Client().Post(std::string(kRotatePath) + "/now", "", Auth(key)), 404));
  EXPECT_TRUE(IsError(Client().Get("/api/v1/user", Auth(key)), 404));
  EXPECT_TRUE(Works(key));
  EXPECT_EQ(ExpectJson(Client().Get(kKeyPath, Auth(key)), 200).at("prefix").as_string(), key.substr(0, 12));
  // An empty object is as good as no body.
  const json::value rotated = ExpectJson(Client().Post(kRotatePath, "{}", Auth(key)), 201);
  EXPECT_TRUE(Works(std::string(rotated.at("api_key").as_string())));
  EXPECT_FALSE(Works(key));
}

}  // namespace
}  // namespace taskshare::testing
