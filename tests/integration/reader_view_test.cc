// Who sees what, over HTTP against the real server (api/reader_view.h): a transcript holding a stored
// secret and credentials in every form a reader could decode (as they are, percent-encoded in either
// case or character by character, JSON-escaped, markdown backslash escapes, character references, a
// digit secret stored as a JSON number) shows none of them to any reader but the owner: not to another
// user or a teammate through GET /api/v1/tasks/{id}, not to anyone through the share link's JSON or
// page; not in the messages nor in the task's own fields (its model); and whatever the share settings
// say of the pattern rules.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kKey[] = "7a2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";

// A piece of each form: none may occur in what a reader other than the owner is sent.
const std::vector<std::string> kHidden = {
    "r0ub4dor",                          // the secret Tr0ub4dor-3-horse, in every form but the last
    "%54%72%30",                         // ... percent-encoded character by character
    "48151623",                          // the secret PIN, stored as a JSON number
    "KIAIOSFODNN7EXAMPLE",               // an AWS key id behind a character reference
    "abcdefghijklmnopqrstuvwx12345678",  // a taskshare API key behind backslash escapes
};

class ReaderViewHttpTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() {
    keys_ = std::make_unique<TempDir>();
    const std::string key_file = WritePrivateFile(keys_->path() / "key", std::string(kKey) + "\n");
    StartServer({"--secrets-key-file", key_file}, "owner@readers.test");
    mate_key_ = server_->AddUser("mate@readers.test", "red");
    other_key_ = server_->AddUser("other@readers.test", "blue");
    for (const auto& [name, value] : {std::pair{"PW", "Tr0ub4dor-3-horse"}, std::pair{"PIN", "48151623"}}) {
      ExpectJson(
          Client().Post("/api/v1/secrets", json::serialize(json::object{{"name", name}, {"value", value}}),
                        Auth(owner_key_)),
          201);
    }
  }
  static void TearDownTestSuite() {
    SuiteServer::TearDownTestSuite();
    keys_.reset();
  }

  // A task naming both secrets, whose messages hold them and two credentials in every form.
  static std::string MakeTask(const std::string& visibility) {
    const json::array messages = {
        json::object{{"role", "user"}, {"content", "log in with Tr0ub4dor-3-horse"}},
        json::object{{"role", "assistant"},
                     {"content",
                      "tried Tr0ub4dor\\-3\\-horse and &#84;r0ub4dor-3-horse, then "
                      "neo\\_sk\\_abcdefghijklmnopqrstuvwx12345678 and &#65;KIAIOSFODNN7EXAMPLE"}},
        json::object{{"role", "tool"},
                     {"content", json::array{json::object{
                                     {"type", "tool_result"},
                                     {"output",
                                      "GET /login?pw=Tr0ub4dor%2d3%2dhorse&alt=%54%72%30%75%62%34%64%6f%72"
                                      "%2D%33%2D%68%6F%72%73%65 {\"pw\":\"\\u0054r0ub4dor-3-horse\"}"}}}}},
        json::object{{"role", "tool"}, {"content", "card"}, {"pin", 48151623}},
    };
    const json::object body{{"title", "audit"},
                            {"model", "model-Tr0ub4dor-3-horse"},
                            {"visibility", visibility},
                            {"secrets", json::array{"PW", "PIN"}},
                            {"message", messages[0]}};
    const std::string id(
        ExpectJson(Client().Post("/api/v1/tasks", json::serialize(body), Auth(owner_key_)), 202)
            .at("id")
            .as_string());
    json::array rest(messages.begin() + 1, messages.end());
    ExpectJson(Client().Post("/api/v1/tasks/" + id + "/messages",
                             json::serialize(json::object{{"messages", rest}}), Auth(owner_key_)),
               200);
    return id;
  }

  static void ExpectNothingHidden(const Response& r, const std::string& who) {
    ASSERT_TRUE(HasStatus(r, 200)) << who;
    for (const std::string& hidden : kHidden) {
      EXPECT_EQ(r.body.find(hidden), std::string::npos) << who << " was shown " << hidden << ":\n" << r.body;
    }
    EXPECT_NE(r.body.find("[REDACTED:secret]"), std::string::npos) << who;
  }

  inline static std::unique_ptr<TempDir> keys_;
  inline static std::string mate_key_;
  inline static std::string other_key_;
};

TEST_F(ReaderViewHttpTest, NoReaderButTheOwnerSeesAStoredSecretOrACredentialInAnyForm) {
  const std::string unlisted = MakeTask("unlisted");
  const std::string team = MakeTask("team");

  const Response mine = Client().Get("/api/v1/tasks/" + unlisted, Auth(owner_key_));
  ASSERT_TRUE(HasStatus(mine, 200));
  for (const std::string& hidden : kHidden) {
    EXPECT_NE(mine.body.find(hidden), std::string::npos) << "the owner sees the original: " << hidden;
  }

  ExpectNothingHidden(Client().Get("/api/v1/tasks/" + unlisted, Auth(other_key_)), "another team's user");
  ExpectNothingHidden(Client().Get("/api/v1/tasks/" + unlisted, Auth(mate_key_)), "a teammate");
  ExpectNothingHidden(Client().Get("/api/v1/tasks/" + team, Auth(mate_key_)), "a teammate, team task");
  ExpectNothingHidden(Client().Get("/api/v1/tasks/" + unlisted + "/share"), "the JSON share link");
  ExpectNothingHidden(Client().Get("/share/" + unlisted), "the share page");

  const json::object other =
      ExpectJson(Client().Get("/api/v1/tasks/" + unlisted, Auth(other_key_)), 200).as_object();
  EXPECT_FALSE(other.at("task").as_object().contains("secret_names"));
  EXPECT_FALSE(other.at("task").as_object().contains("created_by"));
  EXPECT_EQ(other.at("read_only"), true);
}

TEST_F(ReaderViewHttpTest, RedactFalseStillHidesStoredSecretValues) {
  const std::string id = MakeTask("unlisted");
  ExpectJson(Client().Request("PUT", "/api/v1/tasks/" + id + "/share",
                              R"({"visibility":"unlisted","redact":false})", Auth(owner_key_)),
             200);
  for (const Response& r : {Client().Get("/api/v1/tasks/" + id + "/share"), Client().Get("/share/" + id),
                            Client().Get("/api/v1/tasks/" + id, Auth(other_key_))}) {
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_EQ(r.body.find("r0ub4dor"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("48151623"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("KIAIOSFODNN7EXAMPLE"), std::string::npos) << "the pattern rules are off";
  }
}

}  // namespace
}  // namespace taskshare::testing
