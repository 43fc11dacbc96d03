// Who may read what, API keys, and the refusal of bad requests, against the real server.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "common/ids.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

enum Caller { kAnonymous, kOwner, kTeammate, kOtherTeam, kSupport, kAdmin, kNoTeam, kCallers };
constexpr std::array<const char*, kCallers> kCallerNames = {"anonymous", "owner", "teammate", "other_team",
                                                            "support",   "admin", "no_team"};

struct MatrixRow {
  const char* visibility;
  int share;                          // the share endpoint, whoever asks
  std::array<int, kCallers> details;  // GET /api/v1/tasks/{id}, per caller
};
// clang-format off
constexpr std::array<MatrixRow, 5> kMatrix = {{
    //             share   anonymous owner teammate other_team support admin no_team
    {"public",     200,  {{401,      200,  200,     200,       200,    200,  200}}},
    {"unlisted",   200,  {{401,      200,  200,     200,       200,    200,  200}}},
    {"team",       403,  {{401,      200,  200,     403,       403,    403,  403}}},
    {"support",    403,  {{401,      200,  403,     403,       200,    200,  403}}},
    {"private",    403,  {{401,      200,  403,     403,       403,    403,  403}}},
}};
// clang-format on

constexpr char kOwnerEmail[] = "owner@matrix.test";

class AccessMatrixTest : public ::testing::TestWithParam<std::tuple<size_t, int>> {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    server_->Start();
    keys_[kOwner] = server_->AddUser(kOwnerEmail, "red");
    keys_[kTeammate] = server_->AddUser("mate@matrix.test", "red");
    keys_[kOtherTeam] = server_->AddUser("other@matrix.test", "blue");
    keys_[kSupport] = server_->AddUser("support@matrix.test", "green", "support");
    keys_[kAdmin] = server_->AddUser("admin@matrix.test", "gold", "admin");
    keys_[kNoTeam] = server_->AddUser("loner@matrix.test");
    const HttpClient client(server_->port());
    for (size_t i = 0; i < kMatrix.size(); ++i) {
      const std::string body = R"({"task": "Probe", "secrets": ["S1"], "visibility": ")" +
                               std::string(kMatrix[i].visibility) + "\"}";
      ids_[i] = ExpectJson(client.Post("/api/v1/tasks", body, Auth(keys_[kOwner])), 202).at("id").as_string();
      anonymous_share_[i] = client.Get("/api/v1/tasks/" + ids_[i] + "/share");
    }
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  static Headers As(int caller, bool bearer = false) {
    return caller == kAnonymous ? Headers{} : Auth(keys_[caller], bearer);
  }

  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::array<std::string, kCallers> keys_;
  inline static std::array<std::string, kMatrix.size()> ids_;
  inline static std::array<Response, kMatrix.size()> anonymous_share_;
};

TEST_P(AccessMatrixTest, ReadEndpoints) {
  const auto [row, caller] = GetParam();
  const MatrixRow& expected = kMatrix[row];
  const HttpClient client(server_->port());
  const std::string path = "/api/v1/tasks/" + ids_[row];

  for (const bool bearer : {false, true}) {
    SCOPED_TRACE(bearer ? "Authorization: Bearer" : "X-Api-Key");
    const Response r = client.Get(path, As(caller, bearer));
    const int want = expected.details[caller];
    if (want != 200) {
      EXPECT_TRUE(IsError(r, want));
      continue;
    }
    ASSERT_TRUE(HasStatus(r, 200));
    const json::object body = JsonBody(r).as_object();
    EXPECT_EQ(body.size(), 3u) << r.body;
    EXPECT_EQ(body.at("read_only"), caller != kOwner);
    EXPECT_EQ(body.at("messages"), json::parse(R"([{"role": "user", "content": "Probe"}])"));
    EXPECT_EQ(body.at("task").at("id").as_string(), ids_[row]);
    EXPECT_EQ(body.at("task").at("visibility").as_string(), expected.visibility);
    // The owner alone sees the original; anyone else the share view (api/reader_view.h).
    if (caller == kOwner) {
      EXPECT_EQ(body.at("task").at("created_by"), kOwnerEmail);
      EXPECT_TRUE(body.at("task").as_object().contains("secret_names")) << r.body;
    } else {
      EXPECT_FALSE(body.at("task").as_object().contains("created_by")) << r.body;
      EXPECT_FALSE(body.at("task").as_object().contains("secret_names")) << r.body;
    }
  }

  const Response share = client.Get(path + "/share", As(caller));
  if (expected.share == 200) {
    ASSERT_TRUE(HasStatus(share, 200));
    EXPECT_EQ(JsonBody(share), JsonBody(anonymous_share_[row]));
    EXPECT_EQ(JsonBody(share).at("read_only"), true);
  } else {
    EXPECT_TRUE(IsError(share, 403, "Task is not shared"));
    EXPECT_TRUE(IsError(anonymous_share_[row], 403, "Task is not shared"));
  }
}

// The owner's own writes are covered by TasksTest.
class NonOwnerWritesTest : public AccessMatrixTest {};

TEST_P(NonOwnerWritesTest, AreRefused) {
  const auto [row, caller] = GetParam();
  const HttpClient client(server_->port());
  const std::string path = "/api/v1/tasks/" + ids_[row];
  const int want = caller == kAnonymous ? 401 : 403;
  EXPECT_TRUE(IsError(client.Patch(path, R"({"title": "mine now"})", As(caller)), want));
  EXPECT_TRUE(IsError(client.Post(path + "/messages", R"({"messages": [{}]})", As(caller)), want));
  EXPECT_TRUE(IsError(client.Delete(path, As(caller)), want));
  const json::value after = ExpectJson(client.Get(path, Auth(keys_[kOwner])), 200);
  EXPECT_EQ(after.at("task").at("title"), "Probe");
  EXPECT_EQ(after.at("messages").as_array().size(), 1u);
}

std::string MatrixCaseName(const ::testing::TestParamInfo<std::tuple<size_t, int>>& info) {
  return std::string(kMatrix[std::get<0>(info.param)].visibility) + "_" +
         kCallerNames[std::get<1>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(VisibilityByCaller, AccessMatrixTest,
                         ::testing::Combine(::testing::Range<size_t>(0, kMatrix.size()),
                                            ::testing::Range(0, +kCallers)),
                         MatrixCaseName);
INSTANTIATE_TEST_SUITE_P(VisibilityByCaller, NonOwnerWritesTest,
                         ::testing::Combine(::testing::Range<size_t>(0, kMatrix.size()),
                                            ::testing::Values(+kAnonymous, +kTeammate, +kOtherTeam, +kSupport,
                                                              +kAdmin, +kNoTeam)),
                         MatrixCaseName);

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    server_->Start();
    key_ = server_->AddUser("key@auth.test", "red");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }
  static HttpClient Client() { return HttpClient(server_->port()); }

  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::string key_;
};

TEST_F(AuthTest, UserAddPrintsANewKeyAloneAndStoresOnlyItsHash) {
  static const std::regex kKeyLine("neo_sk_[a-z0-9]{32}\n");
  const CommandResult first = server_->RunCli({"user", "add", "--email", "one@auth.test"});
  const CommandResult second =
      server_->RunCli({"user", "add", "--email", "two@auth.test", "--team", "t", "--role", "admin"});
  for (const auto& r : {first, second}) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_match(r.out, kKeyLine)) << "stdout: '" << r.out << "'";
  }
  EXPECT_NE(first.out, second.out);
  const std::string key = first.out.substr(0, first.out.size() - 1);
  EXPECT_TRUE(HasStatus(Client().Get("/api/v1/tasks", Auth(key)), 200));

  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream file(server_->db_path().string() + suffix, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(file), {}};
    EXPECT_EQ(bytes.find(key), std::string::npos) << "the key is stored in clear in t.db" << suffix;
  }
}

TEST_F(AuthTest, UserAddRefusals) {
  const CommandResult taken = server_->RunCli({"user", "add", "--email", "key@auth.test"});
  EXPECT_EQ(taken.exit_code, 1) << taken.err;
  EXPECT_EQ(taken.out, "");
  EXPECT_NE(taken.err, "");
  const CommandResult no_email = server_->RunCli({"user", "add", "--team", "red"});
  EXPECT_EQ(no_email.exit_code, 2) << no_email.err;
  const CommandResult bad_role =
      server_->RunCli({"user", "add", "--email", "role@auth.test", "--role", "superuser"});
  EXPECT_TRUE(bad_role.exit_code == 1 || bad_role.exit_code == 2) << bad_role.exit_code;
  EXPECT_EQ(bad_role.out, "");
  EXPECT_EQ(server_->RunCli({"user", "add", "--email", "role@auth.test"}).exit_code, 0)
      << "the refused user must not have been stored";
}

TEST_F(AuthTest, MissingWrongOrMalformedKeysAre401) {
  const std::string unknown = "neo_sk_" + std::string(32, '7');
  const std::vector<Headers> refused = {
      {},
      Auth(unknown),
      Auth(unknown, true),
      Auth("malformed"),
      Auth("malformed", true),
      Auth(""),
      Auth(key_ + "x"),
      Auth(key_.substr(0, key_.size() - 1), true),
      Auth("NEO_SK_" + key_.substr(7)),
      {{"Authorization", "Basic " + key_}},
      {{"Authorization", key_}},
      {{"Authorization", "Bearer"}},
      {{"X-Api-Key", "Bearer " + key_}},
  };
  for (const auto& headers : refused) {
    SCOPED_TRACE(headers.empty() ? "no credentials" : headers[0].first + ": " + headers[0].second);
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks", headers), 401));
    const std::string id = NewUuidV4();
    EXPECT_TRUE(
        IsError(Client().Post("/api/v1/tasks", R"({"task": "x", "id": ")" + id + "\"}", headers), 401));
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id, Auth(key_)), 404));
  }
  for (const auto& accepted : {Auth(key_), Auth(key_, true), Headers{{"x-api-key", key_}},
                               Headers{{"AUTHORIZATION", "Bearer " + key_}}}) {
    SCOPED_TRACE(accepted[0].first);
    EXPECT_TRUE(HasStatus(Client().Get("/api/v1/tasks", accepted), 200));
  }
}

TEST_F(AuthTest, TeamVisibilityNeedsTheOwnersTeam) {
  const std::string loner = server_->AddUser("loner1@auth.test");
  const std::string other_loner = server_->AddUser("loner2@auth.test");
  const Response created =
      Client().Post("/api/v1/tasks", R"({"task": "x", "visibility": "team"})", Auth(loner));
  const std::string path = "/api/v1/tasks/" + std::string(ExpectJson(created, 202).at("id").as_string());
  EXPECT_TRUE(HasStatus(Client().Get(path, Auth(loner)), 200));
  EXPECT_TRUE(IsError(Client().Get(path, Auth(other_loner)), 403));
  EXPECT_TRUE(IsError(Client().Get(path, Auth(key_)), 403));
}

TEST_F(AuthTest, BadCreateBodiesAre400AndStoreNothing) {
  const std::string key = server_->AddUser("empty@auth.test");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id": "@ID@", "task": "x")", "json"},
      {R"({"id": "@ID@", "task": "x"} {})", ""},
      {"", ""},
      {"[]", ""},
      {R"("just a string")", ""},
      {R"({"id": "@ID@"})", ""},
      {R"({"id": "@ID@", "title": 42})", "title"},
      {R"({"id": "@ID@", "task": ["x"]})", "task"},
      {R"({"id": "@ID@", "task": null})", "task"},
      {R"({"id": "@ID@", "message": 5})", "message"},
      {R"({"id": "@ID@", "task": "x", "model": 7})", "model"},
      {R"({"id": "@ID@", "task": "x", "visibility": 5})", "visibility"},
      {R"({"id": "@ID@", "task": "x", "isolated": "yes"})", "isolated"},
      {R"({"id": "@ID@", "task": "x", "secrets": "A"})", "secrets"},
      {R"({"id": "@ID@", "task": "x", "secrets": [1]})", "secrets"},
      {R"({"id": "@ID@", "task": "x", "project_id": "not-a-uuid"})", "project_id"},
      {R"({"id": "not-a-uuid", "task": "x"})", "id"},
      {R"({"id": 12, "task": "x"})", "id"},
      {R"({"id": "@ID@", "task": "x", "visibility": "secret"})", "visibility"},
      {R"({"id": "@ID@", "task": "x", "source": "gitlab"})", "source"},
      {R"({"id": "@ID@", "task": "x", "completion_delivery": "email"})", "completion_delivery"},
      {R"({"id": "@ID@", "task": "x", "status": "active"})", "status"},
      {R"({"id": "@ID@", "task": "x", "colour": "red"})", "colour"},
  };
  for (const auto& [text, mentions] : cases) {
    const std::string id = NewUuidV4();
    std::string body = text;
    if (const auto at = body.find("@ID@"); at != std::string::npos) body.replace(at, 4, id);
    SCOPED_TRACE(body);
    const Response r = Client().Post("/api/v1/tasks", body, Auth(key));
    if (mentions.empty()) {
      EXPECT_TRUE(IsError(r, 400));
    } else {
      EXPECT_TRUE(IsError(r, 400, std::nullopt, mentions));
    }
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id, Auth(key)), 404));
  }
  EXPECT_EQ(ExpectJson(Client().Get("/api/v1/tasks", Auth(key)), 200).at("tasks"), json::array());
}

TEST_F(AuthTest, UnknownRoutesAre404AndWrongMethodsAre405WithAllow) {
  const std::string task = "/api/v1/tasks/" + NewUuidV4();
  for (const std::string& path :
       std::vector<std::string>{"/", "/api/v1/nope", "/api/v2/tasks", task + "/share/extra",
                                task + "/comments", "/api/v1/tasks/" + NewUuidV4() + "/x/y"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsError(Client().Get(path, Auth(key_)), 404));
    EXPECT_TRUE(IsError(Client().Get(path), 404));
  }
  const std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> wrong = {
      {"DELETE", "/api/v1/tasks", {"GET", "POST"}},
      {"PUT", task, {"GET", "PATCH", "DELETE"}},
      {"POST", task + "/share", {"GET"}},
      {"GET", task + "/messages", {"POST"}},
      {"POST", "/healthz", {"GET"}},
  };
  for (const auto& [method, path, allowed] : wrong) {
    SCOPED_TRACE(method + " " + path);
    const Response r = Client().Request(method, path, "{}", Auth(key_));
    EXPECT_TRUE(IsError(r, 405));
    const std::string allow = r.Header("allow");
    for (const auto& m : allowed) {
      EXPECT_TRUE(std::regex_search(allow, std::regex("(^|[ ,])" + m + "($|[ ,])"))) << allow;
    }
  }
}

TEST_F(AuthTest, OversizedHeadersAre431AndMalformedRequestsAreRefused) {
  EXPECT_TRUE(HasStatus(Client().Get("/healthz", {{"X-Padding", std::string(8 * 1024, 'p')}}), 200));

  const RawExchange big =
      SendRaw(server_->port(),
              "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(64 * 1024, 'b') + "\r\n\r\n");
  ASSERT_TRUE(big.response.has_value()) << "no response; got: " << big.bytes.substr(0, 300);
  EXPECT_TRUE(IsError(*big.response, 431));

  for (const std::string garbage :
       {"THIS IS NOT HTTP\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n",
        "GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n", "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n"}) {
    SCOPED_TRACE(garbage);
    const RawExchange r = SendRaw(server_->port(), garbage);
    if (r.response) {
      EXPECT_TRUE(IsError(*r.response, 400));
    } else {
      EXPECT_TRUE(r.closed) << "neither a response nor a closed connection";
    }
  }
  EXPECT_TRUE(HasStatus(Client().Get("/healthz"), 200));
}

class BodyLimitTest : public AuthTest {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--max-body-bytes", "1024"});
    server_->Start();
    key_ = server_->AddUser("limit@auth.test");
  }
};

TEST_F(BodyLimitTest, BodiesOverTheLimitAre413AndStoreNothing) {
  const std::string id = NewUuidV4();
  const std::string small = R"({"id": ")" + id + R"(", "task": ")" + std::string(800, 's') + "\"}";
  ASSERT_LT(small.size(), 1024u);
  ASSERT_TRUE(HasStatus(Client().Post("/api/v1/tasks", small, Auth(key_)), 202));

  for (const size_t size : {1025ul, 4096ul, 64ul * 1024}) {
    SCOPED_TRACE(size);
    const std::string other = NewUuidV4();
    std::string body = R"({"id": ")" + other + R"(", "task": ")";
    body += std::string(size - body.size() - 2, 'x') + "\"}";
    ASSERT_EQ(body.size(), size);
    EXPECT_TRUE(IsError(Client().Post("/api/v1/tasks", body, Auth(key_)), 413));
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + other, Auth(key_)), 404));

    const std::string batch = R"({"messages": [{"text": ")" + std::string(size, 'm') + "\"}]}";
    EXPECT_TRUE(IsError(Client().Post("/api/v1/tasks/" + id + "/messages", batch, Auth(key_)), 413));
  }
  const json::value details = ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(key_)), 200);
  EXPECT_EQ(details.at("messages").as_array().size(), 1u);
  EXPECT_TRUE(HasStatus(Client().Get("/healthz"), 200));
}

}  // namespace
}  // namespace taskshare::testing
