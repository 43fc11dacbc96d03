// The authorization matrix: every endpoint the router serves, asked by every kind of caller, for every
// task visibility where the endpoint is about one task, each cell asserting the exact status code.
//
// The expectations are the rules of docs/api.md ("API", "Visibility: who may read a task", "Schedules")
// and domain/access.h, written out cell by cell so that a change in who may do what shows up here as a
// change of this table. A new endpoint is a new row (and a body in BodyFor when it takes one). Every
// GET row is asked as HEAD too, which must answer the same status. One server serves the whole matrix.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

// The owner (team red) makes every task and schedule. The teammate shares the owner's team; the
// other-team user, the support user and the admin each have a team of their own. The revoked caller
// sends the owner's first key, which the owner rotated away before the matrix runs: the same person,
// so any cell it passes would be a key that outlived its rotation.
enum Caller { kAnonymous, kOwner, kTeammate, kOtherTeam, kSupport, kAdmin, kRevoked, kCallers };
constexpr std::array<const char*, kCallers> kCallerNames = {"anonymous", "owner", "teammate",   "other team",
                                                            "support",   "admin", "revoked key"};

// "{task}" in a path is a task of the row's visibility, made by the owner; "{schedule}" a schedule of
// the owner. A DELETE, and a PUT of a task's share, gets a new one for each caller, so that each cell
// starts from the same state.
struct Row {
  const char* method;
  const char* path;
  const char* visibility;  // the task's, on rows about one task; "" otherwise
  std::array<int, kCallers> want;
};

// clang-format off
constexpr Row kMatrix[] = {
  //  method    path                                 visibility    anon owner mate other support admin revoked
  // Reading one task: the visibility table.
  {"GET",    "/api/v1/tasks/{task}",                "public",   {401, 200, 200, 200,  200,    200,  401}},
  {"GET",    "/api/v1/tasks/{task}",                "unlisted", {401, 200, 200, 200,  200,    200,  401}},
  {"GET",    "/api/v1/tasks/{task}",                "team",     {401, 200, 200, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}",                "support",  {401, 200, 403, 403,  200,    200,  401}},
  {"GET",    "/api/v1/tasks/{task}",                "private",  {401, 200, 403, 403,  403,    403,  401}},
  // Changing one task: the owner only, whoever may read it.
  {"PATCH",  "/api/v1/tasks/{task}",                "public",   {401, 200, 403, 403,  403,    403,  401}},
  {"PATCH",  "/api/v1/tasks/{task}",                "unlisted", {401, 200, 403, 403,  403,    403,  401}},
  {"PATCH",  "/api/v1/tasks/{task}",                "team",     {401, 200, 403, 403,  403,    403,  401}},
  {"PATCH",  "/api/v1/tasks/{task}",                "support",  {401, 200, 403, 403,  403,    403,  401}},
  {"PATCH",  "/api/v1/tasks/{task}",                "private",  {401, 200, 403, 403,  403,    403,  401}},
  {"POST",   "/api/v1/tasks/{task}/messages",       "public",   {401, 200, 403, 403,  403,    403,  401}},
  {"POST",   "/api/v1/tasks/{task}/messages",       "unlisted", {401, 200, 403, 403,  403,    403,  401}},
  {"POST",   "/api/v1/tasks/{task}/messages",       "team",     {401, 200, 403, 403,  403,    403,  401}},
  {"POST",   "/api/v1/tasks/{task}/messages",       "support",  {401, 200, 403, 403,  403,    403,  401}},
  {"POST",   "/api/v1/tasks/{task}/messages",       "private",  {401, 200, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}",                "public",   {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}",                "unlisted", {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}",                "team",     {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}",                "support",  {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}",                "private",  {401, 204, 403, 403,  403,    403,  401}},
  // Share links: anyone, for public and unlisted tasks only; credentials, even revoked ones, change
  // nothing.
  {"GET",    "/api/v1/tasks/{task}/share",          "public",   {200, 200, 200, 200,  200,    200,  200}},
  {"GET",    "/api/v1/tasks/{task}/share",          "unlisted", {200, 200, 200, 200,  200,    200,  200}},
  {"GET",    "/api/v1/tasks/{task}/share",          "team",     {403, 403, 403, 403,  403,    403,  403}},
  {"GET",    "/api/v1/tasks/{task}/share",          "support",  {403, 403, 403, 403,  403,    403,  403}},
  {"GET",    "/api/v1/tasks/{task}/share",          "private",  {403, 403, 403, 403,  403,    403,  403}},
  {"GET",    "/share/{task}",                       "public",   {200, 200, 200, 200,  200,    200,  200}},
  {"GET",    "/share/{task}",                       "unlisted", {200, 200, 200, 200,  200,    200,  200}},
  {"GET",    "/share/{task}",                       "team",     {403, 403, 403, 403,  403,    403,  403}},
  {"GET",    "/share/{task}",                       "support",  {403, 403, 403, 403,  403,    403,  403}},
  {"GET",    "/share/{task}",                       "private",  {403, 403, 403, 403,  403,    403,  403}},
  // The caller's own tasks: any user.
  {"GET",    "/api/v1/tasks",                       "",         {401, 200, 200, 200,  200,    200,  401}},
  {"POST",   "/api/v1/tasks",                       "",         {401, 202, 202, 202,  202,    202,  401}},
  // Schedules: any user makes and lists their own; one schedule is its owner's alone, admins included.
  {"GET",    "/api/v1/schedules",                   "",         {401, 200, 200, 200,  200,    200,  401}},
  {"POST",   "/api/v1/schedules",                   "",         {401, 201, 201, 201,  201,    201,  401}},
  {"GET",    "/api/v1/schedules/{schedule}",        "",         {401, 200, 403, 403,  403,    403,  401}},
  {"PATCH",  "/api/v1/schedules/{schedule}",        "",         {401, 200, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/schedules/{schedule}",        "",         {401, 204, 403, 403,  403,    403,  401}},
  // Share settings: the owner only, whoever may read the task. A PUT or DELETE gets a task of its own.
  {"PUT",    "/api/v1/tasks/{task}/share",          "public",   {401, 200, 403, 403,  403,    403,  401}},
  {"PUT",    "/api/v1/tasks/{task}/share",          "unlisted", {401, 200, 403, 403,  403,    403,  401}},
  {"PUT",    "/api/v1/tasks/{task}/share",          "team",     {401, 200, 403, 403,  403,    403,  401}},
  {"PUT",    "/api/v1/tasks/{task}/share",          "support",  {401, 200, 403, 403,  403,    403,  401}},
  {"PUT",    "/api/v1/tasks/{task}/share",          "private",  {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/settings", "public",   {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/settings", "unlisted", {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/settings", "team",     {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/settings", "support",  {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/settings", "private",  {401, 200, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}/share",          "public",   {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}/share",          "unlisted", {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}/share",          "team",     {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}/share",          "support",  {401, 204, 403, 403,  403,    403,  401}},
  {"DELETE", "/api/v1/tasks/{task}/share",          "private",  {401, 204, 403, 403,  403,    403,  401}},
  // View counts of a share link: the owner only.
  {"GET",    "/api/v1/tasks/{task}/share/stats",    "public",   {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/stats",    "unlisted", {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/stats",    "team",     {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/stats",    "support",  {401, 200, 403, 403,  403,    403,  401}},
  {"GET",    "/api/v1/tasks/{task}/share/stats",    "private",  {401, 200, 403, 403,  403,    403,  401}},
  // Secrets: any user, of their own (each caller's POST makes its own "matrix_token", which its DELETE
  // removes).
  {"GET",    "/api/v1/secrets",                     "",         {401, 200, 200, 200,  200,    200,  401}},
  {"POST",   "/api/v1/secrets",                     "",         {401, 201, 201, 201,  201,    201,  401}},
  {"DELETE", "/api/v1/secrets/matrix_token",        "",         {401, 204, 204, 204,  204,    204,  401}},
  // Revoking every share link: any user, of their own tasks. It unshares the owner's tasks, so no
  // row about them may follow it.
  {"POST",   "/api/v1/shares/revoke-all",           "",         {401, 200, 200, 200,  200,    200,  401}},
  // Administration: admins only.
  {"GET",    "/api/v1/admin/sharing",               "",         {401, 403, 403, 403,  403,    200,  401}},
  {"PUT",    "/api/v1/admin/sharing",               "",         {401, 403, 403, 403,  403,    200,  401}},
  {"GET",    "/metrics",                            "",         {401, 403, 403, 403,  403,    200,  401}},
  // Open to anyone; credentials are not even read.
  {"GET",    "/readyz",                             "",         {200, 200, 200, 200,  200,    200,  200}},
  {"GET",    "/healthz",                            "",         {200, 200, 200, 200,  200,    200,  200}},
  {"GET",    "/api/openapi.json",                   "",         {200, 200, 200, 200,  200,    200,  200}},
  // The caller's own key: any user, and never with a rotated one.
  {"GET",    "/api/v1/user/apikey",                 "",         {401, 200, 200, 200,  200,    200,  401}},
  {"POST",   "/api/v1/user/apikey/rotate",          "",         {401, 201, 201, 201,  201,    201,  401}},
};
// clang-format on

// The body each writing endpoint is sent: valid, so that a refusal can only be about the caller.
std::string BodyFor(std::string_view method, std::string_view path) {
  static const std::map<std::string, std::string, std::less<>> kBodies = {
      {"PATCH /api/v1/tasks/{task}", R"({"title": "patched by the matrix"})"},
      {"POST /api/v1/tasks/{task}/messages", R"({"messages": [{"role": "user", "content": "more"}]})"},
      {"POST /api/v1/tasks", R"({"task": "made by the matrix"})"},
      {"POST /api/v1/schedules", R"({"task_message": "scan", "schedule_type": "one_time", "run_at": "2d"})"},
      {"PATCH /api/v1/schedules/{schedule}", R"({"name": "renamed by the matrix"})"},
      {"PUT /api/v1/admin/sharing", R"({"enabled": true})"},
      {"PUT /api/v1/tasks/{task}/share", R"({"visibility": "unlisted", "mode": "pinned"})"},
      {"POST /api/v1/secrets", R"({"name": "matrix_token", "value": "kept-out-of-share-links"})"},
  };
  const auto it = kBodies.find(std::string(method) + " " + std::string(path));
  return it == kBodies.end() ? std::string() : it->second;
}

void Replace(std::string& text, std::string_view from, std::string_view to) {
  if (const auto at = text.find(from); at != std::string::npos) text.replace(at, from.size(), to);
}

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_dir_ = std::make_unique<TempDir>();
    const std::string key_file =
        WritePrivateFile(key_dir_->path() / "secrets.key",
                         "5e2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d\n");
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--secrets-key-file", key_file});
    server_->Start();
    keys_[kOwner] = server_->AddUser("owner@matrix.test", "red");
    keys_[kTeammate] = server_->AddUser("mate@matrix.test", "red");
    keys_[kOtherTeam] = server_->AddUser("other@matrix.test", "blue");
    keys_[kSupport] = server_->AddUser("support@matrix.test", "green", "support");
    keys_[kAdmin] = server_->AddUser("admin@matrix.test", "gold", "admin");
    keys_[kRevoked] = keys_[kOwner];
    keys_[kOwner] = RotatedKey(keys_[kRevoked]);
    for (const char* visibility : {"public", "unlisted", "team", "support", "private"}) {
      tasks_[visibility] = NewTask(visibility);
    }
    schedule_ = NewSchedule();
  }
  static void TearDownTestSuite() {
    server_.reset();
    key_dir_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  static HttpClient Client() { return HttpClient(server_->port()); }
  static Headers As(int caller) { return caller == kAnonymous ? Headers{} : Auth(keys_[caller]); }

  static std::string RotatedKey(const std::string& key) {
    const Response r = Client().Post("/api/v1/user/apikey/rotate", "", Auth(key));
    return std::string(ExpectJson(r, 201).at("api_key").as_string());
  }
  static std::string NewTask(const std::string& visibility) {
    const std::string body = R"({"task": "probe", "visibility": ")" + visibility + "\"}";
    return std::string(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(keys_[kOwner])), 202).at("id").as_string());
  }
  static std::string NewSchedule() {
    const Response r =
        Client().Post("/api/v1/schedules", BodyFor("POST", "/api/v1/schedules"), Auth(keys_[kOwner]));
    return std::string(ExpectJson(r, 201).at("schedule").at("id").as_string());
  }

  // The row's path for one cell, with a resource of its own when the row deletes.
  static std::string PathFor(const Row& row) {
    std::string path = row.path;
    const std::string_view method = row.method;
    const bool fresh = method == "DELETE" || (method == "PUT" && path.find("{task}") != std::string::npos);
    if (path.find("{task}") != std::string::npos) {
      Replace(path, "{task}", fresh ? NewTask(row.visibility) : tasks_.at(row.visibility));
    }
    if (path.find("{schedule}") != std::string::npos) {
      Replace(path, "{schedule}", fresh ? NewSchedule() : schedule_);
    }
    return path;
  }

  inline static std::unique_ptr<TempDir> key_dir_;  // the secrets key's file
  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::array<std::string, kCallers> keys_;
  inline static std::map<std::string, std::string> tasks_;  // visibility -> task id
  inline static std::string schedule_;
};

TEST_F(AuthorizationMatrixTest, EveryEndpointByEveryCallerAndVisibility) {
  int cells = 0;
  int head_cells = 0;
  for (const Row& row : kMatrix) {
    for (int caller = 0; caller < kCallers; ++caller) {
      const std::string path = PathFor(row);
      const Response r = Client().Request(row.method, path, BodyFor(row.method, row.path), As(caller));
      const int want = row.want[caller];
      SCOPED_TRACE(std::string(row.method) + " " + row.path + (*row.visibility ? " [" : "") + row.visibility +
                   (*row.visibility ? "]" : "") + " as " + kCallerNames[caller]);
      ++cells;
      EXPECT_EQ(r.status, want) << r.body.substr(0, 300);
      if (std::string_view(row.method) == "GET") {
        ++head_cells;
        EXPECT_EQ(Client().Request("HEAD", path, {}, As(caller)).status, want) << "HEAD";
      }
      // Refusals of the JSON API are ErrorResponses; the share page answers with a page of its own.
      if (want >= 400 && r.status == want && !std::string_view(row.path).starts_with("/share/")) {
        EXPECT_TRUE(IsError(r, want));
      }
      // A rotation by the matrix replaces that caller's key; the next rows use the new one.
      if (r.status == 201 && std::string_view(row.path) == "/api/v1/user/apikey/rotate") {
        keys_[caller] = std::string(JsonBody(r).at("api_key").as_string());
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(std::size(kMatrix)) * kCallers);
  std::printf("authorization matrix: %d cells (%zu rows x %d callers), and %d of them again as HEAD\n", cells,
              std::size(kMatrix), +kCallers, head_cells);
}

}  // namespace
}  // namespace taskshare::testing
