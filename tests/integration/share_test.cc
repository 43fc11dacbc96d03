// GET /api/v1/tasks/{id}/share against the real server: the anonymous read-only view of public and
// unlisted tasks, the errors of every other case, revocation, and a corrupt stored transcript.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kOwner[] = "owner@share.test";

// A SharedTaskResponse as `import` takes it, with every TaskInfo field set; @ID@ and @VIS@ are
// replaced per test.
constexpr char kImportTemplate[] = R"({
  "task": {
    "id": "@ID@", "title": "Audit of example.org", "status": "completed", "visibility": "@VIS@",
    "source": "github", "completion_delivery": "artifact", "is_isolated": true,
    "is_scheduled": true, "model": "neo-large",
    "project_id": "6F1C2D3E-4A5B-4C6D-8E7F-9A0B1C2D3E4F",
    "secret_names": ["GITHUB_TOKEN", "AWS_KEY"], "created_by": "owner@share.test",
    "created_at": "2026-11-20T12:00:00.250000+02:00", "updated_at": "2026-11-21T09:30:00Z",
    "schedule_info": {
      "schedule_id": "0b5e3c1a-2d4f-4a6b-9c8d-7e6f5a4b3c2d", "schedule_name": "nightly",
      "schedule_type": "recurring", "schedule_status": "active", "execution_count": 3,
      "last_executed_at": "2026-11-21T02:00:00Z", "next_execution_at": "2026-11-22T02:00:00Z",
      "scan_frequency": "daily", "start_time": "02:00",
      "execution_info": {
        "execution_id": "1c6f4d2b-3e5a-4b7c-8d9e-0f1a2b3c4d5e",
        "scheduled_at": "2026-11-21T02:00:00Z", "started_at": "2026-11-21T02:00:01.5Z",
        "completed_at": "2026-11-21T02:10:00Z", "status": "completed"
      }
    }
  },
  "messages": [
    {"id": "m1", "role": "user", "content": "Audit example.org"},
    {"id": "m2", "role": "assistant", "content": [{"type": "text", "text": "Found 2 issues"}],
     "meta": {"tokens": 42}}
  ],
  "is_shared": true,
  "read_only": true
})";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

class ShareTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() { StartServer({}, kOwner); }

  static std::string NewTask(const std::string& visibility, const std::string& extra = "") {
    const std::string body = R"({"task": "Scan example.org", "visibility": ")" + visibility +
                             R"(", "secrets": ["API_TOKEN"])" + extra + "}";
    return std::string(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(owner_key_)), 202).at("id").as_string());
  }

  static void SetVisibility(const std::string& id, const std::string& visibility) {
    const auto r =
        Client().Patch("/api/v1/tasks/" + id, R"({"visibility": ")" + visibility + "\"}", Auth(owner_key_));
    ASSERT_TRUE(HasStatus(r, 200));
  }
};

TEST_F(ShareTest, ImportedSharedTaskIsServedWholeWithoutOwnerFields) {
  for (const std::string visibility : {"public", "unlisted"}) {
    SCOPED_TRACE(visibility);
    const std::string id = NewUuidV4();
    const std::string file = Replace(Replace(kImportTemplate, "@ID@", Upper(id)), "@VIS@", visibility);
    ASSERT_EQ(server_->Import(file), id);

    json::value expected = json::parse(file);
    json::object& task = expected.at("task").as_object();
    task["id"] = id;
    task["project_id"] = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    task["created_at"] = "2026-11-20T10:00:00.25Z";
    task.erase("created_by");
    task.erase("secret_names");

    const Response r = Client().Get(Share(id));
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_EQ(r.Header("content-type").rfind("application/json", 0), 0u) << r.Header("content-type");
    EXPECT_EQ(JsonBody(r), expected) << r.body;
  }
}

TEST_F(ShareTest, TaskCreatedThroughTheApiHasTheRequiredFieldsAndExactEnums) {
  for (const std::string visibility : {"public", "unlisted"}) {
    SCOPED_TRACE(visibility);
    const std::string id = NewTask(visibility);
    const Response r = Client().Get(Share(id));
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_EQ(r.Header("content-type").rfind("application/json", 0), 0u) << r.Header("content-type");
    const json::object body = JsonBody(r).as_object();
    EXPECT_EQ(body.size(), 4u) << r.body;
    EXPECT_EQ(body.at("is_shared"), true);
    EXPECT_EQ(body.at("read_only"), true);
    EXPECT_EQ(body.at("messages"), json::parse(R"([{"role": "user", "content": "Scan example.org"}])"));
    const json::object& task = body.at("task").as_object();
    EXPECT_EQ(task.at("id").as_string(), id);
    EXPECT_EQ(task.at("title"), "Scan example.org");
    EXPECT_EQ(task.at("status"), "pending");
    EXPECT_EQ(task.at("visibility").as_string(), visibility);
    EXPECT_EQ(task.at("source"), "web");
    static const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z)");
    EXPECT_TRUE(std::regex_match(std::string(task.at("created_at").as_string()), kTime)) << r.body;
    EXPECT_FALSE(task.contains("created_by")) << r.body;
    EXPECT_FALSE(task.contains("secret_names")) << r.body;
    EXPECT_FALSE(task.contains("completion_delivery")) << r.body;
  }
}

TEST_F(ShareTest, TasksThatAreNotSharedAre403) {
  for (const std::string visibility : {"private", "team", "support"}) {
    SCOPED_TRACE(visibility);
    EXPECT_TRUE(IsError(Client().Get(Share(NewTask(visibility))), 403, "Task is not shared"));
  }
}

TEST_F(ShareTest, UnknownAndDeletedTasksAre404) {
  EXPECT_TRUE(IsError(Client().Get(Share(NewUuidV4())), 404, "Task not found"));

  const std::string id = NewTask("public");
  ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/tasks/" + id, Auth(owner_key_)), 204));
  EXPECT_TRUE(IsError(Client().Get(Share(id)), 404, "Task not found"));
}

TEST_F(ShareTest, MalformedIdsAre400) {
  const std::string id = NewTask("public");
  std::string bad_char = id;
  bad_char[5] = 'g';
  std::string misplaced_dash = id;
  std::swap(misplaced_dash[8], misplaced_dash[9]);
  const std::vector<std::string> malformed = {
      "not-a-uuid",         bad_char,       id + "0", id.substr(0, 35),
      Replace(id, "-", ""), misplaced_dash, "12345",  id + "-0000"};
  for (const auto& bad : malformed) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsError(Client().Get(Share(bad)), 400));
    EXPECT_TRUE(IsError(Client().Get(Share(bad), Auth(owner_key_)), 400));
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + bad, Auth(owner_key_)), 400));
  }
  EXPECT_TRUE(HasStatus(Client().Get(Share(Upper(id))), 200));
}

TEST_F(ShareTest, CredentialsSentToTheShareEndpointChangeNothing) {
  const std::string shared = NewTask("unlisted");
  const std::string hidden = NewTask("private");
  const Response anonymous = Client().Get(Share(shared));
  ASSERT_TRUE(HasStatus(anonymous, 200));
  const std::vector<Headers> credentials = {
      Auth(owner_key_),
      Auth(owner_key_, true),
      Auth("neo_sk_" + std::string(32, 'x')),
      Auth("neo_sk_" + std::string(32, 'x'), true),
      Auth("not-a-key"),
      {{"Authorization", "Basic b3duZXI6cGFzcw=="}},
  };
  for (const auto& headers : credentials) {
    SCOPED_TRACE(headers.front().first + ": " + headers.front().second);
    const Response r = Client().Get(Share(shared), headers);
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_EQ(JsonBody(r), JsonBody(anonymous));
    EXPECT_TRUE(IsError(Client().Get(Share(hidden), headers), 403, "Task is not shared"));
    EXPECT_TRUE(IsError(Client().Get(Share(NewUuidV4()), headers), 404, "Task not found"));
  }
}

TEST_F(ShareTest, ChangingVisibilityTakesEffectOnTheVeryNextRequest) {
  const std::string id = NewTask("unlisted");
  ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
  const std::vector<std::pair<std::string, int>> steps = {
      {"private", 403}, {"unlisted", 200}, {"team", 403}, {"public", 200}, {"support", 403}, {"public", 200}};
  for (const auto& [visibility, status] : steps) {
    SCOPED_TRACE(visibility);
    SetVisibility(id, visibility);
    const Response r = Client().Get(Share(id));
    if (status == 200) {
      ASSERT_TRUE(HasStatus(r, 200));
      EXPECT_EQ(JsonBody(r).at("task").at("visibility").as_string(), visibility);
    } else {
      EXPECT_TRUE(IsError(r, 403, "Task is not shared"));
    }
  }
}

TEST_F(ShareTest, MessagesComeBackByteForByte) {
  const std::string first = R"({ "role" : "user", "content" : "start", "extra" : { "z" : 1, "a" : 2 } })";
  const std::vector<std::string> appended = {
      R"({"id": "b1", "role": "assistant", "n": 1.50, "big": 1e400, "neg": -0,
          "huge": 12345678901234567890123, "exp": 2.5E-3, "tiny": -0.000000000000000000001})",
      R"({"id":"b2","text":"caf\u00e9 \ud83d\ude00 😀 \"q\" \\ \/ \n\t","nested":{"a":[1,2.0,{"b":null}],
          "t":true,"f":false},"empty":{},"list":[]})",
      R"({"zeta": 1, "alpha": [10.0, 1E+2], "id": 7})",
  };
  const std::string id = NewTask("public", R"(, "message": )" + first);
  std::string batch = R"({"messages": [)";
  for (size_t i = 0; i < appended.size(); ++i) batch += (i ? ", " : "") + appended[i];
  batch += "]}";
  ASSERT_TRUE(HasStatus(Client().Post("/api/v1/tasks/" + id + "/messages", batch, Auth(owner_key_)), 200));

  std::string expected = R"("messages":[)" + StripJsonWhitespace(first);
  for (const auto& m : appended) expected += "," + StripJsonWhitespace(m);
  expected += "]";
  for (const auto& [path, headers] :
       {std::pair{Share(id), Headers{}}, std::pair{"/api/v1/tasks/" + id, Auth(owner_key_)}}) {
    SCOPED_TRACE(path);
    const Response r = Client().Get(path, headers);
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_NE(StripJsonWhitespace(r.body).find(expected), std::string::npos)
        << "expected " << expected << "\nin " << r.body;
  }
}

TEST_F(ShareTest, CorruptStoredMessageIs500WithAnErrorIdNeverAPartial200) {
  const std::string healthy = NewTask("public");
  const std::string id = NewTask("public");
  ASSERT_TRUE(HasStatus(Client().Post("/api/v1/tasks/" + id + "/messages",
                                      R"({"messages": [{"id": 1}, {"id": 2}, {"id": 3}]})", Auth(owner_key_)),
                        200));
  // Read through the owner's API, which is never cached: a share response cached before the row is
  // corrupted behind the server's back would rightly keep serving the intact copy.
  ASSERT_TRUE(HasStatus(Client().Get("/api/v1/tasks/" + id, Auth(owner_key_)), 200));

  // The message is stored twice, as its row (what the owner's API reads) and inside its task's message
  // block (what the share endpoint reads): both are damaged.
  const auto changed = server_->Sql(
      "UPDATE messages SET body = '{broken' WHERE position = 2 AND task_seq = "
      "(SELECT seq FROM tasks WHERE id = ?1) RETURNING position",
      {id});
  ASSERT_EQ(changed.size(), 1u) << "the message row to corrupt was not found";
  const auto block = server_->Sql(
      "UPDATE message_blocks SET data = CAST(replace(CAST(data AS TEXT), '3', '4') AS BLOB) WHERE task_seq = "
      "(SELECT seq FROM tasks WHERE id = ?1) RETURNING first_position",
      {id});
  ASSERT_EQ(block.size(), 1u) << "the message block to corrupt was not found";

  const Response r = Client().Get(Share(id));
  ASSERT_TRUE(IsError(r, 500, "Failed to load snapshot"));
  EXPECT_EQ(r.body.find("messages"), std::string::npos) << r.body;
  const std::string error_id(JsonBody(r).at("error_id").as_string());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (server_->Log().find(error_id) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(server_->Log().find(error_id), std::string::npos)
      << "error_id " << error_id << " is not in the server log:\n"
      << server_->Log();

  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id, Auth(owner_key_)), 500));
  const Response again = Client().Get(Share(id));
  ASSERT_TRUE(IsError(again, 500, "Failed to load snapshot"));
  EXPECT_NE(JsonBody(again).at("error_id"), JsonBody(r).at("error_id"));
  EXPECT_TRUE(HasStatus(Client().Get(Share(healthy)), 200));
}

}  // namespace
}  // namespace taskshare::testing
