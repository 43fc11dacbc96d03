// The authenticated task API against the real server: create, read, patch, delete, append, list.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/time.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Percent-encodes everything but unreserved characters, for an opaque cursor in a query string.
std::string Encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class TasksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    server_->Start();
    alice_ = server_->AddUser("alice@tasks.test", "red");
    bob_ = server_->AddUser("bob@tasks.test", "red");
    carol_ = server_->AddUser("carol@tasks.test", "blue");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  static HttpClient Client() { return HttpClient(server_->port()); }
  static std::string Path(const std::string& id) { return "/api/v1/tasks/" + id; }

  // A user of its own, for tests that list tasks.
  static std::string NewUser(std::string* email = nullptr) {
    static int n = 0;
    const std::string address = "user" + std::to_string(++n) + "@tasks.test";
    if (email) *email = address;
    return server_->AddUser(address, "green");
  }
  static std::string Create(const std::string& body, const std::string& key = alice_) {
    return std::string(ExpectJson(Client().Post("/api/v1/tasks", body, Auth(key)), 202).at("id").as_string());
  }
  static json::object Details(const std::string& id, const std::string& key = alice_) {
    return ExpectJson(Client().Get(Path(id), Auth(key)), 200).as_object();
  }
  static json::object TaskOf(const std::string& id) { return Details(id).at("task").as_object(); }
  static json::value Append(const std::string& id, const std::string& messages) {
    return ExpectJson(
        Client().Post(Path(id) + "/messages", R"({"messages": )" + messages + "}", Auth(alice_)), 200);
  }
  static json::object List(const std::string& key, const std::string& query = "") {
    return ExpectJson(Client().Get("/api/v1/tasks" + query, Auth(key)), 200).as_object();
  }
  static std::vector<std::string> Ids(const json::object& list) {
    std::vector<std::string> ids;
    for (const auto& t : list.at("tasks").as_array()) ids.emplace_back(t.at("id").as_string());
    return ids;
  }

  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::string alice_, bob_, carol_;
};

TEST_F(TasksTest, CreateAnswers202PendingWithAFreshV4Id) {
  static const std::regex kV4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    const Response r = Client().Post("/api/v1/tasks", R"({"task": "Scan"})", Auth(alice_));
    const json::value body = ExpectJson(r, 202);
    ASSERT_EQ(body.as_object().size(), 2u) << r.body;
    const std::string id(body.at("id").as_string());
    EXPECT_EQ(body.at("status"), "pending");
    EXPECT_TRUE(std::regex_match(id, kV4)) << id;
    EXPECT_TRUE(seen.insert(id).second) << "id reused: " << id;
    EXPECT_EQ(TaskOf(id).at("status"), "pending");
  }
}

TEST_F(TasksTest, ExplicitIdIsKeptInLowerCaseAndATakenIdIs409) {
  const std::string id = NewUuidV4();
  EXPECT_EQ(Create(R"({"id": ")" + Upper(id) + R"(", "title": "first"})"), id);
  EXPECT_EQ(Details(Upper(id)).at("task").at("id").as_string(), id);
  for (const std::string& again : {id, Upper(id)}) {
    const Response r = Client().Post(
        "/api/v1/tasks", R"({"id": ")" + again + R"(", "title": "second", "task": "x"})", Auth(bob_));
    EXPECT_TRUE(IsError(r, 409));
  }
  const json::object details = Details(id);
  EXPECT_EQ(details.at("task").at("title"), "first");
  EXPECT_EQ(details.at("task").at("created_by"), "alice@tasks.test");
  EXPECT_EQ(details.at("messages"), json::array());
}

TEST_F(TasksTest, TitleIsDerivedWhenAbsent) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"task": "Scan   example.com\n\tfor  XSS"})", "Scan example.com for XSS"},
      {R"({"task": ")" + Repeat("a", 100) + "\"}", Repeat("a", 80)},
      {R"({"task": ")" + Repeat("é", 100) + "\"}", Repeat("é", 80)},
      {R"({"task": ")" + Repeat("😀", 81) + "\"}", Repeat("😀", 80)},
      {R"({"message": {"role": "user", "content": "Hello \n  world"}})", "Hello world"},
      {R"({"message": "plain   string"})", "plain string"},
      {R"({"title": "Explicit", "task": "ignored"})", "Explicit"},
  };
  for (const auto& [body, title] : cases) {
    SCOPED_TRACE(body);
    EXPECT_EQ(TaskOf(Create(body)).at("title").as_string(), title);
  }
  const std::string parts = Create(
      R"({"message": {"role": "user", "content": [{"type": "text", "text": "part one"},
                                                  {"type": "text", "text": "part two"}]}})");
  const std::string title(TaskOf(parts).at("title").as_string());
  EXPECT_EQ(title.rfind("part one", 0), 0u) << title;
  EXPECT_NE(title.find("part two"), std::string::npos) << title;
}

TEST_F(TasksTest, FirstMessageComesFromMessageOrTask) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"task": "do it"})", R"([{"role": "user", "content": "do it"}])"},
      {R"({"message": "hi"})", R"([{"role": "user", "content": "hi"}])"},
      {R"({"task": "t", "message": {"role": "system", "content": "m", "x": [1]}})",
       R"([{"role": "system", "content": "m", "x": [1]}])"},
      {R"({"title": "only a title"})", "[]"},
  };
  for (const auto& [body, messages] : cases) {
    SCOPED_TRACE(body);
    const json::object details = Details(Create(body));
    EXPECT_EQ(details.size(), 3u);
    EXPECT_EQ(details.at("messages"), json::parse(messages));
    EXPECT_EQ(details.at("read_only"), false);
  }
}

TEST_F(TasksTest, DefaultsAndFieldMapping) {
  const json::object plain = TaskOf(Create(R"({"task": "x"})"));
  EXPECT_EQ(plain.at("visibility"), "private");
  EXPECT_EQ(plain.at("source"), "web");
  EXPECT_EQ(plain.at("status"), "pending");
  EXPECT_EQ(plain.at("created_by"), "alice@tasks.test");
  for (const char* absent : {"completion_delivery", "model", "project_id", "schedule_info"}) {
    EXPECT_FALSE(plain.contains(absent)) << absent << " in " << plain;
  }
  const std::string project = NewUuidV4();
  const json::object full = TaskOf(Create(R"({"title": "T", "task": "x", "visibility": "team",
      "project_id": ")" + Upper(project) + R"(", "model": "neo-1", "source": "slack",
      "isolated": true, "secrets": ["A", "B"], "completion_delivery": "webhook"})"));
  EXPECT_EQ(full.at("is_isolated"), true);
  EXPECT_EQ(full.at("secret_names"), json::parse(R"(["A", "B"])"));
  EXPECT_EQ(full.at("project_id").as_string(), project);
  EXPECT_EQ(full.at("model"), "neo-1");
  EXPECT_EQ(full.at("source"), "slack");
  EXPECT_EQ(full.at("visibility"), "team");
  EXPECT_EQ(full.at("completion_delivery"), "webhook");
  EXPECT_FALSE(full.contains("isolated"));
  EXPECT_FALSE(full.contains("secrets"));
}

TEST_F(TasksTest, PatchChangesEachFieldAndUpdatedAt) {
  const std::string id = Create(R"({"task": "x"})");
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"title", "New title"},     {"model", "neo-2"},     {"status", "active"},
      {"status", "completed"},    {"status", "error"},    {"status", "aborted"},
      {"status", "suspended"},    {"status", "pending"},  {"visibility", "public"},
      {"visibility", "unlisted"}, {"visibility", "team"}, {"visibility", "support"},
      {"visibility", "private"}};
  for (const auto& [field, value] : changes) {
    SCOPED_TRACE(field + "=" + value);
    const std::string before(TaskOf(id).at("updated_at").as_string());
    const json::value body =
        ExpectJson(Client().Patch(Path(id), "{\"" + field + "\": \"" + value + "\"}", Auth(alice_)), 200);
    ASSERT_EQ(body.as_object().size(), 1u) << body;
    const json::object& task = body.at("task").as_object();
    EXPECT_EQ(task.at(field).as_string(), value);
    EXPECT_GT(*ParseRfc3339(task.at("updated_at").as_string()), *ParseRfc3339(before));
    EXPECT_EQ(TaskOf(id), task);
  }
}

TEST_F(TasksTest, RefusedPatchChangesNothing) {
  const std::string id = Create(R"({"task": "x", "visibility": "team"})");
  const json::object before = TaskOf(id);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"status": "running"})", "status"},
      {R"({"visibility": "everyone"})", "visibility"},
      {R"({"title": 5})", "title"},
      {R"({"model": false})", "model"},
      {R"({"owner": "x"})", "owner"},
      {R"({"title": "new", "status": "bogus"})", "status"},
      {R"({"source": "github"})", "source"},
      {R"({"title": "new")", "json"},
      {"[]", ""},
      {"{}", ""},
      {R"({"title": null})", "title"}};
  for (const auto& [body, mentions] : bad) {
    SCOPED_TRACE(body);
    const Response r = Client().Patch(Path(id), body, Auth(alice_));
    if (mentions.empty()) {
      EXPECT_TRUE(IsError(r, 400));
    } else {
      EXPECT_TRUE(IsError(r, 400, std::nullopt, mentions));
    }
  }
  EXPECT_TRUE(IsError(Client().Patch(Path(id), R"({"title": "t"})", Auth(bob_)), 403));
  EXPECT_TRUE(IsError(Client().Patch(Path(id), R"({"title": "t"})", Auth(carol_)), 403));
  EXPECT_TRUE(IsError(Client().Patch(Path(id), R"({"title": "t"})"), 401));
  EXPECT_TRUE(IsError(Client().Patch(Path(NewUuidV4()), R"({"title": "t"})", Auth(alice_)), 404));
  EXPECT_EQ(TaskOf(id), before);
}

TEST_F(TasksTest, DeleteRemovesTheTaskEverywhere) {
  const std::string id = Create(R"({"task": "x", "visibility": "public"})");
  EXPECT_TRUE(IsError(Client().Delete(Path(id), Auth(bob_)), 403));
  EXPECT_TRUE(IsError(Client().Delete(Path(id)), 401));
  ASSERT_TRUE(HasStatus(Client().Get(Path(id) + "/share"), 200));

  const Response r = Client().Delete(Path(id), Auth(alice_));
  ASSERT_TRUE(HasStatus(r, 204));
  EXPECT_EQ(r.body, "");
  EXPECT_TRUE(IsError(Client().Get(Path(id), Auth(alice_)), 404, "Task not found"));
  EXPECT_TRUE(IsError(Client().Get(Path(id) + "/share"), 404, "Task not found"));
  EXPECT_TRUE(IsError(Client().Delete(Path(id), Auth(alice_)), 404));
  EXPECT_TRUE(IsError(Client().Patch(Path(id), R"({"title": "t"})", Auth(alice_)), 404));
  EXPECT_TRUE(IsError(Client().Post(Path(id) + "/messages", R"({"messages": [{}]})", Auth(alice_)), 404));
  const auto listed = Ids(List(alice_, "?limit=100"));
  EXPECT_EQ(std::count(listed.begin(), listed.end(), id), 0);
}

// The links of a deleted task have been handed out: nobody can put other content behind them.
TEST_F(TasksTest, ADeletedTasksIdIsNeverUsedAgain) {
  const std::string id = NewUuidV4();
  EXPECT_EQ(Create(R"({"id": ")" + id + R"(", "title": "original", "task": "x"})"), id);
  ASSERT_TRUE(HasStatus(
      Client().Request("PUT", Path(id) + "/share", R"({"visibility": "public"})", Auth(alice_)), 200));
  ASSERT_TRUE(HasStatus(Client().Get(Path(id) + "/share"), 200));
  ASSERT_TRUE(HasStatus(Client().Get("/share/" + id), 200));
  ASSERT_TRUE(HasStatus(Client().Delete(Path(id), Auth(alice_)), 204));

  for (const std::string& key : {bob_, alice_}) {
    const Response r = Client().Post(
        "/api/v1/tasks", R"({"id": ")" + Upper(id) + R"(", "title": "taken over", "visibility": "public"})",
        Auth(key));
    EXPECT_TRUE(IsError(r, 409, "Task id is already taken")) << r.body;
    EXPECT_NE(r.body.find("already_exists"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(IsError(Client().Get(Path(id) + "/share"), 404, "Task not found"));
  EXPECT_EQ(Client().Get("/share/" + id).status, 404);
  EXPECT_TRUE(IsError(Client().Get(Path(id), Auth(bob_)), 404));
}

TEST_F(TasksTest, AppendKeepsOrderAndIsIdempotent) {
  const std::string id = Create(R"({"task": "start"})");
  EXPECT_EQ(Append(id, R"([{"id": "a"}, {"id": "b", "n": 2}, {"id": "c"}])"),
            json::parse(R"({"appended": 3, "message_count": 4})"));
  EXPECT_EQ(Append(id, R"([{"id": "a"}, {"id": "b", "n": 2}, {"id": "c"}])"),
            json::parse(R"({"appended": 0, "message_count": 4})"));
  EXPECT_EQ(Append(id, R"([{"id": "c"}, {"id": "d"}, {"id": "d", "v": 2}, {"id": "e"}])"),
            json::parse(R"({"appended": 2, "message_count": 6})"));
  EXPECT_EQ(Append(id, R"([{"text": "no id"}])"), json::parse(R"({"appended": 1, "message_count": 7})"));
  EXPECT_EQ(Append(id, R"([{"text": "no id"}])"), json::parse(R"({"appended": 1, "message_count": 8})"));
  EXPECT_EQ(Details(id).at("messages"), json::parse(R"([{"role": "user", "content": "start"},
      {"id": "a"}, {"id": "b", "n": 2}, {"id": "c"}, {"id": "d"}, {"id": "e"},
      {"text": "no id"}, {"text": "no id"}])"));
}

TEST_F(TasksTest, AppendIsAllOrNothing) {
  const std::string id = Create(R"({"task": "start", "visibility": "public"})");
  std::string too_many = "[";
  for (int i = 0; i < 1001; ++i) too_many += (i ? ",{\"id\":" : "{\"id\":") + std::to_string(i) + "}";
  too_many += "]";
  const std::vector<std::string> bad = {R"({"messages": [{"id": "ok"}, 42]})",
                                        R"({"messages": [{"id": "ok"}, "text"]})",
                                        R"({"messages": [{"id": "ok"}, null]})",
                                        R"({"messages": [{"id": "ok"}, [1]]})",
                                        R"({"messages": []})",
                                        R"({"messages": {"id": "ok"}})",
                                        R"({})",
                                        R"({"messages": [{"id": "ok"}], "extra": 1})",
                                        R"({"messages": [{"id": "ok"}])",
                                        R"({"messages": )" + too_many + "}"};
  for (const auto& body : bad) {
    SCOPED_TRACE(body.substr(0, 80));
    EXPECT_TRUE(IsError(Client().Post(Path(id) + "/messages", body, Auth(alice_)), 400));
  }
  const std::string one = R"({"messages": [{"id": "ok"}]})";
  EXPECT_TRUE(IsError(Client().Post(Path(id) + "/messages", one, Auth(bob_)), 403));
  EXPECT_TRUE(IsError(Client().Post(Path(id) + "/messages", one), 401));
  EXPECT_TRUE(IsError(Client().Post(Path(NewUuidV4()) + "/messages", one, Auth(alice_)), 404));
  EXPECT_EQ(Details(id).at("messages").as_array().size(), 1u);
  EXPECT_EQ(Append(id, R"([{"id": "ok"}])"), json::parse(R"({"appended": 1, "message_count": 2})"));

  std::string thousand = "[";
  for (int i = 0; i < 1000; ++i) thousand += (i ? ",{\"n\":" : "{\"n\":") + std::to_string(i) + "}";
  EXPECT_EQ(Append(id, thousand + "]"), json::parse(R"({"appended": 1000, "message_count": 1002})"));
}

TEST_F(TasksTest, ListIsNewestFirstAndOnlyTheCallersOwn) {
  const std::string key = NewUser();
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(Create(R"({"task": "t)" + std::to_string(i) + "\"}", key));
  Create(R"({"task": "someone else's", "visibility": "public"})", alice_);
  std::reverse(created.begin(), created.end());

  const json::object all = List(key);
  EXPECT_EQ(Ids(all), created);
  EXPECT_EQ(all.at("has_more"), false);
  EXPECT_EQ(all.at("tasks").as_array().front().at("title"), "t4");

  const json::object first = List(key, "?limit=1");
  EXPECT_EQ(Ids(first), std::vector<std::string>{created[0]});
  EXPECT_EQ(first.at("has_more"), true);
  EXPECT_FALSE(first.at("next_cursor").as_string().empty());
  EXPECT_EQ(Ids(List(key, "?limit=100")), created);
  EXPECT_TRUE(Ids(List(NewUser())).empty());
}

TEST_F(TasksTest, CursorPagingNeitherRepeatsNorSkipsWhileTasksAreCreated) {
  const std::string key = NewUser();
  std::vector<std::string> existing;
  for (int i = 0; i < 7; ++i) existing.push_back(Create(R"({"task": "old"})", key));
  std::reverse(existing.begin(), existing.end());

  std::vector<std::string> seen;
  std::string query = "?limit=3";
  for (int page = 0; page < 10; ++page) {
    const json::object list = List(key, query);
    for (const auto& id : Ids(list)) seen.push_back(id);
    Create(R"({"task": "new"})", key);
    if (!list.at("has_more").as_bool()) break;
    query = "?limit=3&cursor=" + Encode(list.at("next_cursor").as_string());
  }
  EXPECT_EQ(seen, existing);
}

TEST_F(TasksTest, PagingOrdersTiesByCreationAndSurvivesDeletingTheCursorTask) {
  std::string email;
  const std::string key = NewUser(&email);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(NewUuidV4());
    server_->Import(R"({"task": {"id": ")" + ids.back() + R"(", "title": "tie", "status": "pending",
        "visibility": "private", "created_at": "2025-05-05T05:05:05Z"}, "messages": []})",
                    email);
  }
  std::reverse(ids.begin(), ids.end());
  EXPECT_EQ(Ids(List(key)), ids);
  const json::object first = List(key, "?limit=2");
  ASSERT_EQ(Ids(first), (std::vector<std::string>{ids[0], ids[1]}));
  ASSERT_TRUE(HasStatus(Client().Delete(Path(ids[1]), Auth(key)), 204));
  const json::object rest = List(key, "?cursor=" + Encode(first.at("next_cursor").as_string()));
  EXPECT_EQ(Ids(rest), (std::vector<std::string>{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(rest.at("has_more"), false);
}

TEST_F(TasksTest, ListFiltersAndRefusals) {
  std::string email;
  const std::string key = NewUser(&email);
  const std::string open = Create(R"({"task": "open", "visibility": "public"})", key);
  const std::string done = Create(R"({"task": "done"})", key);
  ASSERT_TRUE(HasStatus(Client().Patch(Path(done), R"({"status": "completed"})", Auth(key)), 200));
  const std::string scheduled = NewUuidV4();
  server_->Import(R"({"task": {"id": ")" + scheduled + R"(", "title": "s", "status": "pending",
      "visibility": "private", "created_at": "2020-01-01T00:00:00Z", "is_scheduled": true},
      "messages": []})",
                  email);

  using Ids_ = std::vector<std::string>;
  EXPECT_EQ(Ids(List(key)), (Ids_{done, open, scheduled}));
  EXPECT_EQ(Ids(List(key, "?status=completed")), Ids_{done});
  EXPECT_EQ(Ids(List(key, "?visibility=public")), Ids_{open});
  EXPECT_EQ(Ids(List(key, "?is_scheduled=true")), Ids_{scheduled});
  EXPECT_EQ(Ids(List(key, "?is_scheduled=false")), (Ids_{done, open}));
  EXPECT_EQ(Ids(List(key, "?status=pending&visibility=private")), Ids_{scheduled});
  EXPECT_EQ(Ids(List(key, "?status=aborted")), Ids_{});

  for (const std::string query :
       {"?limit=0", "?limit=101", "?limit=-1", "?limit=abc", "?limit=", "?cursor=garbage",
        "?cursor=", "?status=bogus", "?visibility=everyone", "?is_scheduled=yes", "?colour=red"}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks" + query, Auth(key)), 400));
  }
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks"), 401));
}

}  // namespace
}  // namespace taskshare::testing
