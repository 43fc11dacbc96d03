// The Schedules API and the scheduler against the real server, with time driven through the hidden
// `serve --clock-file` hook (one node pair below uses its older name, --scheduler-clock-file): a schedule
// created over HTTP produces its tasks on time, and every view of those tasks (list, owner GET, the share
// endpoint and the share page) carries a ScheduleInfo that follows the schedule and the task's own execution.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../unit/postgres_test_support.h"
#include "common/ids.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

class SchedulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_dir_ = std::make_unique<TempDir>();
    SetClock("2030-01-31T08:00:00Z");
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--clock-file", (clock_dir_->path() / "clock").string()});
    server_->Start();
    owner_ = server_->AddUser("owner@schedules.test", "red");
    teammate_ = server_->AddUser("mate@schedules.test", "red");
    admin_ = server_->AddUser("admin@schedules.test", "", "admin");
  }
  static void TearDownTestSuite() {
    server_.reset();
    clock_dir_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  // Moves the server's clock.
  static void SetClock(const std::string& rfc3339) { SetClockFile(clock_dir_->path() / "clock", rfc3339); }

  static HttpClient Client() { return HttpClient(server_->port()); }

  static json::object CreateSchedule(const std::string& body, const std::string& key = owner_) {
    return ExpectJson(Client().Post("/api/v1/schedules", body, Auth(key)), 201).at("schedule").as_object();
  }
  static json::object GetSchedule(const std::string& id) {
    return ExpectJson(Client().Get("/api/v1/schedules/" + id, Auth(owner_)), 200).as_object();
  }
  // The owner's scheduled tasks, newest first.
  static json::array ScheduledTasks() {
    return ExpectJson(Client().Get("/api/v1/tasks?is_scheduled=true&limit=100", Auth(owner_)), 200)
        .at("tasks")
        .as_array();
  }
  // The tasks of one schedule, newest first.
  static std::vector<json::object> TasksOf(const std::string& schedule_id) {
    std::vector<json::object> out;
    for (const json::value& t : ScheduledTasks()) {
      const json::object& task = t.as_object();
      if (task.contains("schedule_info") &&
          task.at("schedule_info").at("schedule_id") == schedule_id.c_str()) {
        out.push_back(task);
      }
    }
    return out;
  }
  // Polls (the scheduler ticks every 50 ms) until the schedule has made `n` tasks; their list.
  static std::vector<json::object> WaitForTasks(const std::string& schedule_id, std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<json::object> tasks = TasksOf(schedule_id);
    while (tasks.size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      tasks = TasksOf(schedule_id);
    }
    EXPECT_EQ(tasks.size(), n) << server_->Log();
    return tasks;
  }

  inline static std::unique_ptr<TempDir> clock_dir_;
  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::string owner_, teammate_, admin_;
};

TEST_F(SchedulesTest, CreateListGetPatchDelete) {
  SetClock("2030-01-31T08:00:00Z");
  const json::object s = CreateSchedule(
      R"({"name":"Weekly scan","task_message":"Scan example.com","scan_frequency":"weekly","start_time":"09:30",
          "selected_visibility_type":"team","model":"m1","secrets":["TOKEN"],
          "project_id":"6F1C2D3E-4A5B-4C6D-8E7F-9A0B1C2D3E4F"})");
  const std::string id(s.at("id").as_string());
  EXPECT_TRUE(IsCanonicalUuid(id));
  EXPECT_EQ(s.at("name"), "Weekly scan");
  EXPECT_EQ(s.at("schedule_type"), "recurring");
  EXPECT_EQ(s.at("scan_frequency"), "weekly");
  EXPECT_EQ(s.at("start_time"), "09:30");
  EXPECT_EQ(s.at("selected_visibility_type"), "team");
  EXPECT_EQ(s.at("secrets"), json::array({"TOKEN"}));
  EXPECT_EQ(s.at("project_id"), "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
  EXPECT_EQ(s.at("status"), "active");
  EXPECT_EQ(s.at("execution_count"), 0);
  EXPECT_EQ(s.at("next_execution_at"), "2030-01-31T09:30:00Z");
  EXPECT_EQ(s.at("created_by"), "owner@schedules.test");
  EXPECT_FALSE(s.contains("last_executed_at"));

  const json::object got = GetSchedule(id);
  EXPECT_EQ(got.at("schedule"), s);
  EXPECT_EQ(got.at("executions"), json::array());
  bool listed = false;
  const json::value list = ExpectJson(Client().Get("/api/v1/schedules", Auth(owner_)), 200);
  for (const json::value& item : list.at("schedules").as_array())
    listed = listed || item.at("id") == id.c_str();
  EXPECT_TRUE(listed);

  // Only what is sent changes.
  const json::object patched =
      ExpectJson(
          Client().Patch("/api/v1/schedules/" + id, R"({"name":"Renamed","status":"paused"})", Auth(owner_)),
          200)
          .at("schedule")
          .as_object();
  EXPECT_EQ(patched.at("name"), "Renamed");
  EXPECT_EQ(patched.at("status"), "paused");
  EXPECT_FALSE(patched.contains("next_execution_at"));
  EXPECT_EQ(patched.at("task_message"), "Scan example.com");
  EXPECT_EQ(patched.at("start_time"), "09:30");
  EXPECT_TRUE(
      IsError(Client().Patch("/api/v1/schedules/" + id, R"({"schedule_type":"one_time"})", Auth(owner_)), 400,
              "schedule_type cannot change from recurring to one_time; delete the schedule and create a "
              "new one"));
  EXPECT_TRUE(IsError(Client().Patch("/api/v1/schedules/" + id, R"({"run_at":"5m"})", Auth(owner_)), 400,
                      "run_at applies only to one_time schedules"));
  EXPECT_TRUE(IsError(Client().Patch("/api/v1/schedules/" + id, "{}", Auth(owner_)), 400,
                      "nothing to change: send at least one field"));

  // The owner's alone: a teammate and an admin get 403, even to read it.
  for (const std::string& other : {teammate_, admin_}) {
    EXPECT_TRUE(IsError(Client().Get("/api/v1/schedules/" + id, Auth(other)), 403));
    EXPECT_TRUE(IsError(Client().Patch("/api/v1/schedules/" + id, R"({"name":"x"})", Auth(other)), 403));
    EXPECT_TRUE(IsError(Client().Delete("/api/v1/schedules/" + id, Auth(other)), 403));
    const json::value theirs = ExpectJson(Client().Get("/api/v1/schedules", Auth(other)), 200);
    for (const json::value& item : theirs.at("schedules").as_array()) EXPECT_NE(item.at("id"), id.c_str());
  }
  EXPECT_TRUE(IsError(Client().Get("/api/v1/schedules/" + id), 401));
  EXPECT_TRUE(
      IsError(Client().Get("/api/v1/schedules/not-a-uuid", Auth(owner_)), 400, "schedule id must be a UUID"));
  EXPECT_TRUE(
      IsError(Client().Get("/api/v1/schedules/" + NewUuidV4(), Auth(owner_)), 404, "Schedule not found"));
  EXPECT_TRUE(IsError(Client().Request("PUT", "/api/v1/schedules/" + id, "{}", Auth(owner_)), 405));

  EXPECT_TRUE(HasStatus(Client().Delete("/api/v1/schedules/" + id, Auth(owner_)), 204));
  EXPECT_TRUE(IsError(Client().Get("/api/v1/schedules/" + id, Auth(owner_)), 404, "Schedule not found"));
}

TEST_F(SchedulesTest, RefusesBadBodiesNamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"scan_frequency":"daily"})", "task_message is required"},
      {R"({"task_message":"x"})", "scan_frequency is required for recurring schedules"},
      {R"({"task_message":"x","scan_frequency":"fortnightly"})",
       "scan_frequency must be one of hourly|daily|weekly|monthly"},
      {R"({"task_message":"x","scan_frequency":"daily","start_time":"25:00"})",
       "start_time must be HH:MM (24-hour, UTC)"},
      {R"({"task_message":"x","schedule_type":"one_time"})", "run_at is required for one_time schedules"},
      {R"({"task_message":"x","schedule_type":"one_time","run_at":"2030-01-01T00:00:00Z"})",
       "run_at must not be in the past"},
      {R"({"task_message":"x","schedule_type":"one_time","run_at":"5m","start_time":"10:00"})",
       "start_time applies only to recurring schedules"},
      {R"({"task_message":"x","scan_frequency":"daily","selected_visibility_type":"support"})",
       "selected_visibility_type must be one of public|private|team"},
      {R"({"task_message":"x","scan_frequency":"daily","name":")" + std::string(257, 'n') + R"("})",
       "name must be at most 256 characters"},
      {R"({"task_message":"x","scan_frequency":"daily","extra":1})", "unknown field extra"},
  };
  for (const auto& [body, error] : cases) {
    EXPECT_TRUE(IsError(Client().Post("/api/v1/schedules", body, Auth(owner_)), 400, error)) << body;
  }
}

TEST_F(SchedulesTest, ProducesTasksOnTimeWithScheduleInfoInEveryView) {
  SetClock("2030-01-31T08:00:00Z");
  const json::object s = CreateSchedule(
      R"({"name":"Nightly audit","task_message":"Audit api.example.com","scan_frequency":"daily",
          "start_time":"10:00","selected_visibility_type":"public","secrets":["TOKEN"]})");
  const std::string id(s.at("id").as_string());

  SetClock("2030-01-31T09:59:59Z");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // several ticks: nothing is due yet
  EXPECT_TRUE(TasksOf(id).empty());

  SetClock("2030-01-31T10:00:00Z");
  const json::object first = WaitForTasks(id, 1).at(0);
  const std::string first_id(first.at("id").as_string());
  EXPECT_EQ(first.at("title"), "Nightly audit");
  EXPECT_EQ(first.at("status"), "pending");
  EXPECT_EQ(first.at("visibility"), "public");
  EXPECT_EQ(first.at("is_scheduled"), true);
  EXPECT_EQ(first.at("created_by"), "owner@schedules.test");
  EXPECT_EQ(first.at("secret_names"), json::array({"TOKEN"}));
  EXPECT_EQ(first.at("created_at"), "2030-01-31T10:00:00Z");
  const json::object& info = first.at("schedule_info").as_object();
  EXPECT_EQ(info.at("schedule_name"), "Nightly audit");
  EXPECT_EQ(info.at("schedule_type"), "recurring");
  EXPECT_EQ(info.at("schedule_status"), "active");
  EXPECT_EQ(info.at("execution_count"), 1);
  EXPECT_EQ(info.at("last_executed_at"), "2030-01-31T10:00:00Z");
  EXPECT_EQ(info.at("next_execution_at"), "2030-02-01T10:00:00Z");
  EXPECT_EQ(info.at("scan_frequency"), "daily");
  EXPECT_EQ(info.at("start_time"), "10:00");
  const json::object& exec = info.at("execution_info").as_object();
  EXPECT_EQ(exec.at("scheduled_at"), "2030-01-31T10:00:00Z");
  EXPECT_EQ(exec.at("started_at"), "2030-01-31T10:00:00Z");
  EXPECT_EQ(exec.at("status"), "pending");
  EXPECT_FALSE(exec.contains("completed_at"));

  // The owner's view, the share endpoint and the share page carry the same ScheduleInfo.
  const json::value details = ExpectJson(Client().Get("/api/v1/tasks/" + first_id, Auth(owner_)), 200);
  EXPECT_EQ(details.at("task").at("schedule_info"), info);
  EXPECT_EQ(details.at("messages"), json::parse(R"([{"role":"user","content":"Audit api.example.com"}])"));
  const std::string share = "/api/v1/tasks/" + first_id + "/share";
  json::value shared = ExpectJson(Client().Get(share), 200);
  EXPECT_EQ(shared.at("task").at("schedule_info"), info);
  EXPECT_FALSE(shared.at("task").as_object().contains("secret_names"));
  const Response page = Client().Get("/share/" + first_id);
  EXPECT_TRUE(HasStatus(page, 200));
  EXPECT_NE(page.body.find("Nightly audit"), std::string::npos);
  EXPECT_NE(page.body.find("Runs <b>1</b>"), std::string::npos);

  // The schedule shows its execution.
  const json::object detail = GetSchedule(id);
  EXPECT_EQ(detail.at("schedule").at("execution_count"), 1);
  ASSERT_EQ(detail.at("executions").as_array().size(), 1u);
  EXPECT_EQ(detail.at("executions").at(0).at("task_id"), first_id.c_str());
  EXPECT_EQ(detail.at("executions").at(0).at("execution_id"), exec.at("execution_id"));

  // The task's status moves its execution, in the (cached) share view too.
  EXPECT_TRUE(
      HasStatus(Client().Patch("/api/v1/tasks/" + first_id, R"({"status":"active"})", Auth(owner_)), 200));
  EXPECT_EQ(
      ExpectJson(Client().Get(share), 200).at("task").at("schedule_info").at("execution_info").at("status"),
      "running");

  // Three days down, then back: one run for the latest due time, and the first task's cached share
  // response shows the new count and next run.
  SetClock("2030-02-03T11:30:00Z");
  const std::vector<json::object> both = WaitForTasks(id, 2);
  EXPECT_EQ(both.at(0).at("schedule_info").at("execution_info").at("scheduled_at"), "2030-02-03T10:00:00Z");
  shared = ExpectJson(Client().Get(share), 200);
  EXPECT_EQ(shared.at("task").at("schedule_info").at("execution_count"), 2);
  EXPECT_EQ(shared.at("task").at("schedule_info").at("last_executed_at"), "2030-02-03T11:30:00Z");
  EXPECT_EQ(shared.at("task").at("schedule_info").at("next_execution_at"), "2030-02-04T10:00:00Z");
  EXPECT_EQ(shared.at("task").at("schedule_info").at("execution_info").at("scheduled_at"),
            "2030-01-31T10:00:00Z");
  EXPECT_NE(Client().Get("/share/" + first_id).body.find("Runs <b>2</b>"), std::string::npos);

  // Pausing shows at once too.
  EXPECT_TRUE(
      HasStatus(Client().Patch("/api/v1/schedules/" + id, R"({"status":"paused"})", Auth(owner_)), 200));
  shared = ExpectJson(Client().Get(share), 200);
  EXPECT_EQ(shared.at("task").at("schedule_info").at("schedule_status"), "paused");
  EXPECT_FALSE(shared.at("task").at("schedule_info").as_object().contains("next_execution_at"));
}

TEST_F(SchedulesTest, AOneTimeScheduleRunsOnceAndCompletes) {
  SetClock("2030-03-01T12:00:00Z");
  const json::object s =
      CreateSchedule(R"({"task_message":"Once, privately","schedule_type":"one_time","run_at":"5m"})");
  const std::string id(s.at("id").as_string());
  EXPECT_EQ(s.at("run_at"), "2030-03-01T12:05:00Z");
  EXPECT_EQ(s.at("next_execution_at"), "2030-03-01T12:05:00Z");
  SetClock("2030-03-01T12:05:00Z");
  const json::object task = WaitForTasks(id, 1).at(0);
  EXPECT_EQ(task.at("visibility"), "private");
  EXPECT_EQ(task.at("title"), "Once, privately");
  EXPECT_EQ(task.at("schedule_info").at("schedule_type"), "one_time");
  EXPECT_EQ(task.at("schedule_info").at("schedule_status"), "completed");
  EXPECT_FALSE(task.at("schedule_info").as_object().contains("scan_frequency"));
  EXPECT_EQ(GetSchedule(id).at("schedule").at("status"), "completed");
  const std::string task_id(task.at("id").as_string());
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + task_id + "/share"), 403, "Task is not shared"));
  SetClock("2030-03-09T12:05:00Z");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(TasksOf(id).size(), 1u);
}

// Revoke-all stops future sharing too: the caller's public schedule is made private in the same call,
// so its next run creates a private task that no link serves.
TEST_F(SchedulesTest, AfterRevokeAllAPublicScheduleCreatesPrivateTasks) {
  SetClock("2030-04-01T08:00:00Z");
  const std::string key = server_->AddUser("revoker@schedules.test");
  const json::object s = CreateSchedule(
      R"({"task_message":"Audit","scan_frequency":"daily","start_time":"10:00","selected_visibility_type":"public"})",
      key);
  const std::string id(s.at("id").as_string());
  const json::object team = CreateSchedule(
      R"({"task_message":"Audit","scan_frequency":"daily","start_time":"11:00","selected_visibility_type":"team"})",
      key);

  const json::value revoked = ExpectJson(Client().Post("/api/v1/shares/revoke-all", "", Auth(key)), 200);
  EXPECT_EQ(revoked.at("schedules_made_private"), json::array({json::value(id)}));
  EXPECT_EQ(revoked.at("revoked"), 0);
  const json::value after = ExpectJson(Client().Get("/api/v1/schedules/" + id, Auth(key)), 200);
  EXPECT_EQ(after.at("schedule").at("selected_visibility_type"), "private");
  const std::string team_id(team.at("id").as_string());
  const json::value team_after = ExpectJson(Client().Get("/api/v1/schedules/" + team_id, Auth(key)), 200);
  EXPECT_EQ(team_after.at("schedule").at("selected_visibility_type"), "team");

  SetClock("2030-04-01T10:00:00Z");
  json::array tasks;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (tasks.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    tasks =
        ExpectJson(Client().Get("/api/v1/tasks?is_scheduled=true", Auth(key)), 200).at("tasks").as_array();
  }
  ASSERT_EQ(tasks.size(), 1U) << server_->Log();
  EXPECT_EQ(tasks[0].at("visibility"), "private");
  const std::string task_id(tasks[0].at("id").as_string());
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + task_id + "/share"), 403, "Task is not shared"));
}

// Two nodes on one PostgreSQL database, both with schedulers reading one clock: each due time makes
// exactly one task, and a share response cached on one node follows runs made by either.
TEST(SchedulesOnPostgresTest, TwoNodesMakeOneTaskPerDueTime) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  TempDir dir;
  const std::filesystem::path clock = dir.path() / "clock";
  const auto set_clock = [&](const std::string& text) { SetClockFile(clock, text); };
  set_clock("2031-06-01T07:30:00Z");
  // The flag's older name, which still works.
  const std::vector<std::string> args{"--scheduler-clock-file", clock.string()};
  ServerProcess a(args, db.url());
  ServerProcess b(args, db.url());
  const std::string key = a.AddUser("pg-sched@example.com", "red");
  a.Start();
  b.Start();
  const HttpClient on_a(a.port());
  const HttpClient on_b(b.port());

  const json::value created = ExpectJson(
      on_a.Post("/api/v1/schedules",
                R"({"name":"hourly","task_message":"scan","scan_frequency":"hourly","start_time":"08:00",
                    "selected_visibility_type":"public"})",
                Auth(key)),
      201);
  const std::string schedule_id(created.at("schedule").at("id").as_string());
  // The scheduled_at of every task, as node B lists them, oldest first.
  const auto runs = [&] {
    std::vector<std::string> at;
    const json::value listed =
        ExpectJson(on_b.Get("/api/v1/tasks?is_scheduled=true&limit=100", Auth(key)), 200);
    for (const json::value& t : listed.at("tasks").as_array()) {
      at.insert(at.begin(),
                std::string(t.at("schedule_info").at("execution_info").at("scheduled_at").as_string()));
    }
    return at;
  };
  const auto wait_until = [](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  };

  constexpr int kSlots = 6;
  std::vector<std::string> expected;
  std::string first_task;
  for (int slot = 0; slot < kSlots; ++slot) {
    const std::string hour = std::to_string(8 + slot);
    const std::string due = "2031-06-01T" + std::string(2 - hour.size(), '0') + hour + ":00:00Z";
    expected.push_back(due);
    set_clock(due);
    EXPECT_TRUE(wait_until([&] { return runs().size() == expected.size(); })) << a.Log() << b.Log();
    if (slot == 0) {
      const json::value listed = ExpectJson(on_b.Get("/api/v1/tasks?is_scheduled=true", Auth(key)), 200);
      first_task = std::string(listed.at("tasks").at(0).at("id").as_string());
    }
    // Node B's share response of the first task (cached after the first read) follows every run.
    const auto count = [&] {
      const json::value shared = ExpectJson(on_b.Get("/api/v1/tasks/" + first_task + "/share"), 200);
      return shared.at("task").at("schedule_info").at("execution_count").as_int64();
    };
    EXPECT_TRUE(wait_until([&] { return count() == slot + 1; })) << "slot " << slot;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // several more ticks of both nodes
  EXPECT_EQ(runs(), expected);
  const json::value details = ExpectJson(on_a.Get("/api/v1/schedules/" + schedule_id, Auth(key)), 200);
  EXPECT_EQ(details.at("schedule").at("execution_count"), kSlots);
  EXPECT_EQ(details.at("executions").as_array().size(), static_cast<std::size_t>(kSlots));
  EXPECT_FALSE(a.Exited()) << a.Log();
  EXPECT_FALSE(b.Exited()) << b.Log();
}

}  // namespace
}  // namespace taskshare::testing
