// The quotas of domain/quotas.h against the real server, each set low by its flag: every refusal is
// the documented ErrorResponse (409 `limit_reached` for counts and the schedule interval, 413
// `payload_too_large` for sizes) naming its limit, stores nothing, and is counted in /metrics as
// taskshare_limit_refusals_total{limit="..."}. Also: `import` holds a file to the task quotas, and
// `serve` refuses a quota flag out of its range before it starts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/ids.h"
#include "support/http_client.h"
#include "support/metrics.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kKey[] = "7a1c9e3b5d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c";

// Success when `r` is the ErrorResponse of a refusal by `limit`: `status` (409 or 413) with its code
// and kind, the four members of the spec and no other, and an error naming the limit.
::testing::AssertionResult IsRefusal(const Response& r, int status, std::string_view limit) {
  const auto fail = [&r] {
    return ::testing::AssertionFailure() << "HTTP " << r.status << " " << r.body << "\n  ";
  };
  if (r.status != status) return fail() << "expected status " << status;
  boost::system::error_code ec;
  const json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object() || v.as_object().size() != 4) return fail() << "not the four members of an error";
  const std::string_view code = status == 409 ? "limit_reached" : "payload_too_large";
  const std::string_view kind = status == 409 ? "limit reached" : "payload too large";
  const json::object& o = v.as_object();
  if (!o.contains("error") || !o.at("error").is_string()) return fail() << "no error";
  const std::string error(o.at("error").as_string());
  for (const auto& [member, expected] : {std::pair{"code", code}, std::pair{"kind", kind}}) {
    if (!o.contains(member) || !o.at(member).is_string() || o.at(member).as_string() != expected) {
      return fail() << member << " should be " << expected;
    }
  }
  if (!o.contains("message") || !o.at("message").is_string() ||
      o.at("message").as_string() != std::string(kind) + ": " + error) {
    return fail() << "message should be kind + \": \" + error";
  }
  if (error.find("(limit " + std::string(limit) + ")") == std::string::npos) {
    return fail() << "the error does not name " << limit;
  }
  if (r.Header("cache-control") != "no-store") return fail() << "a refusal is not cached";
  return ::testing::AssertionSuccess();
}

class QuotasTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() {
    keys_ = std::make_unique<TempDir>();
    const std::string key_file = WritePrivateFile(keys_->path() / "key", std::string(kKey) + "\n");
    StartServer({"--secrets-key-file",
                 key_file,
                 "--metrics-public",
                 "--max-secrets-per-user",
                 "2",
                 "--max-secret-value-bytes",
                 "16",
                 "--max-secret-values-per-user",
                 "6",
                 "--max-secret-names-per-task",
                 "2",
                 "--max-schedules-per-user",
                 "1",
                 "--min-schedule-interval",
                 "daily",
                 "--max-schedule-message-bytes",
                 "32",
                 "--max-task-bytes",
                 "2000",
                 "--max-tasks-per-user",
                 "3"},
                "owner@quotas.test");
  }
  static void TearDownTestSuite() {
    SuiteServer::TearDownTestSuite();
    keys_.reset();
  }

  // A fresh user's key, so that each test starts from nothing held.
  static std::string NewUser() { return server_->AddUser(NewUuidV4() + "@quotas.test"); }

  static double Refusals(std::string_view limit) {
    return MetricValue(server_->port(),
                       "taskshare_limit_refusals_total{limit=\"" + std::string(limit) + "\"}");
  }

  // POST /api/v1/secrets of `name` = `value` by the user of `key`.
  static Response PutSecret(const std::string& key, const std::string& name, const std::string& value) {
    return Client().Post("/api/v1/secrets", json::serialize(json::object{{"name", name}, {"value", value}}),
                         Auth(key));
  }

  // `{"messages": [...]}` of `count` messages of `bytes` bytes of JSON each.
  static json::array Messages(int count, std::size_t bytes, const std::string& prefix = "m") {
    json::array out;
    for (int i = 0; i < count; ++i) {
      json::object m{{"id", prefix + std::to_string(i)}, {"content", ""}};
      const std::size_t empty = json::serialize(m).size();
      m["content"] = std::string(bytes - empty, 'x');
      out.emplace_back(std::move(m));
    }
    return out;
  }

  inline static std::unique_ptr<TempDir> keys_;
};

TEST_F(QuotasTest, SecretsPerUserAndValueBytes) {
  const std::string key = NewUser();
  const double held_before = Refusals("secrets_per_user");
  const double bytes_before = Refusals("secret_value_bytes");
  ASSERT_TRUE(HasStatus(PutSecret(key, "ONE", "first-value"), 201));
  ASSERT_TRUE(HasStatus(PutSecret(key, "TWO", "second-value"), 201));
  EXPECT_TRUE(IsRefusal(PutSecret(key, "THREE", "third-value"), 409, "secrets_per_user"));
  EXPECT_TRUE(HasStatus(PutSecret(key, "TWO", "rotated-value"), 201))
      << "a held secret's value can always be replaced";
  EXPECT_TRUE(IsRefusal(PutSecret(key, "ONE", std::string(17, 'v')), 413, "secret_value_bytes"));
  EXPECT_TRUE(HasStatus(PutSecret(key, "ONE", std::string(16, 'v')), 201));
  const json::value listed = ExpectJson(Client().Get("/api/v1/secrets", Auth(key)), 200);
  EXPECT_EQ(listed.at("secrets").as_array().size(), 2u);
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/secrets/ONE", Auth(key)), 204));
  EXPECT_TRUE(HasStatus(PutSecret(key, "THREE", "third-value"), 201)) << "a deleted secret frees its place";
  EXPECT_EQ(Refusals("secrets_per_user"), held_before + 1);
  EXPECT_EQ(Refusals("secret_value_bytes"), bytes_before + 1);
}

// Every value a user's secrets have had is kept to redact, so replacements are bounded too: at six
// values (current and retired), a replacement is refused; a delete, which adds no value, is not.
TEST_F(QuotasTest, SecretValuesPerUser) {
  const std::string key = NewUser();
  const double before = Refusals("secret_values_per_user");
  ASSERT_TRUE(HasStatus(PutSecret(key, "ONE", "value-1"), 201));
  ASSERT_TRUE(HasStatus(PutSecret(key, "TWO", "value-2"), 201));
  for (int i = 3; i <= 6; ++i)
    ASSERT_TRUE(HasStatus(PutSecret(key, "ONE", "value-" + std::to_string(i)), 201)) << i;
  EXPECT_TRUE(IsRefusal(PutSecret(key, "ONE", "value-7"), 409, "secret_values_per_user"));
  EXPECT_TRUE(IsRefusal(PutSecret(key, "TWO", "value-7"), 409, "secret_values_per_user"));
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/secrets/TWO", Auth(key)), 204)) << "a delete adds no value";
  EXPECT_TRUE(IsRefusal(PutSecret(key, "TWO", "value-7"), 409, "secret_values_per_user"))
      << "the deleted secret's value is still kept, and counted";
  const json::value listed = ExpectJson(Client().Get("/api/v1/secrets", Auth(key)), 200);
  EXPECT_EQ(listed.at("secrets").as_array().size(), 1u);
  EXPECT_EQ(Refusals("secret_values_per_user"), before + 3);

  const std::string other = NewUser();  // each user has their own count
  EXPECT_TRUE(HasStatus(PutSecret(other, "ONE", "value-1"), 201));
}

TEST_F(QuotasTest, SecretNamesPerTaskAndSchedule) {
  const std::string key = NewUser();
  const double before = Refusals("secret_names_per_task");
  const Response task =
      Client().Post("/api/v1/tasks", R"({"title": "t", "secrets": ["A", "B", "C"]})", Auth(key));
  EXPECT_TRUE(IsRefusal(task, 409, "secret_names_per_task"));
  EXPECT_TRUE(
      HasStatus(Client().Post("/api/v1/tasks", R"({"title": "t", "secrets": ["A", "B"]})", Auth(key)), 202));
  const Response schedule = Client().Post(
      "/api/v1/schedules",
      R"({"task_message": "scan", "scan_frequency": "daily", "secrets": ["A", "B", "C"]})", Auth(key));
  EXPECT_TRUE(IsRefusal(schedule, 409, "secret_names_per_task"));
  const json::value made = ExpectJson(
      Client().Post("/api/v1/schedules",
                    R"({"task_message": "scan", "scan_frequency": "daily", "secrets": ["A"]})", Auth(key)),
      201);
  const std::string path = "/api/v1/schedules/" + std::string(made.at("schedule").at("id").as_string());
  EXPECT_TRUE(IsRefusal(Client().Patch(path, R"({"secrets": ["A", "B", "C"]})", Auth(key)), 409,
                        "secret_names_per_task"));
  EXPECT_EQ(ExpectJson(Client().Get(path, Auth(key)), 200).at("schedule").at("secrets"),
            json::value(json::array{"A"}));
  EXPECT_EQ(Refusals("secret_names_per_task"), before + 3);
}

TEST_F(QuotasTest, SchedulesPerUserIntervalAndMessageBytes) {
  const std::string key = NewUser();
  const double held = Refusals("schedules_per_user");
  const double interval = Refusals("schedule_interval");
  const double bytes = Refusals("schedule_message_bytes");
  const auto create = [&](const std::string& body) {
    return Client().Post("/api/v1/schedules", body, Auth(key));
  };
  EXPECT_TRUE(
      IsRefusal(create(R"({"task_message": "scan", "scan_frequency": "hourly"})"), 409, "schedule_interval"));
  EXPECT_TRUE(
      IsRefusal(create(R"({"task_message": ")" + std::string(33, 'm') + R"(", "scan_frequency": "weekly"})"),
                413, "schedule_message_bytes"));
  const json::value made = ExpectJson(create(R"({"task_message": ")" + std::string(32, 'm') +
                                             R"(", "scan_frequency": "daily", "status": "paused"})"),
                                      201);
  const std::string path = "/api/v1/schedules/" + std::string(made.at("schedule").at("id").as_string());
  EXPECT_TRUE(IsRefusal(create(R"({"task_message": "scan", "scan_frequency": "monthly"})"), 409,
                        "schedules_per_user"));
  EXPECT_TRUE(IsRefusal(create(R"({"task_message": "once", "schedule_type": "one_time", "run_at": "2h"})"),
                        409, "schedules_per_user"));
  EXPECT_TRUE(IsRefusal(Client().Patch(path, R"({"scan_frequency": "hourly"})", Auth(key)), 409,
                        "schedule_interval"));
  EXPECT_TRUE(
      IsRefusal(Client().Patch(path, R"({"task_message": ")" + std::string(33, 'm') + R"("})", Auth(key)),
                413, "schedule_message_bytes"));
  EXPECT_TRUE(
      HasStatus(Client().Patch(path, R"({"scan_frequency": "weekly", "name": "ok"})", Auth(key)), 200));
  const json::value list = ExpectJson(Client().Get("/api/v1/schedules", Auth(key)), 200);
  ASSERT_EQ(list.at("schedules").as_array().size(), 1u) << "nothing refused was stored";
  EXPECT_EQ(list.at("schedules").at(0).at("scan_frequency"), "weekly");
  EXPECT_EQ(list.at("schedules").at(0).at("task_message").as_string(), std::string(32, 'm'));
  ASSERT_TRUE(HasStatus(Client().Delete(path, Auth(key)), 204));
  EXPECT_TRUE(HasStatus(create(R"({"task_message": "scan", "scan_frequency": "monthly"})"), 201))
      << "a deleted schedule frees its place";
  EXPECT_EQ(Refusals("schedules_per_user"), held + 2);
  EXPECT_EQ(Refusals("schedule_interval"), interval + 2);
  EXPECT_EQ(Refusals("schedule_message_bytes"), bytes + 2);
}

TEST_F(QuotasTest, TaskBytesOnCreateAndAppend) {
  const std::string key = NewUser();
  const double before = Refusals("task_bytes");
  const std::string over_id = NewUuidV4();
  const Response over = Client().Post(
      "/api/v1/tasks",
      json::serialize(json::object{{"id", over_id}, {"title", "big"}, {"message", Messages(1, 2001).at(0)}}),
      Auth(key));
  EXPECT_TRUE(IsRefusal(over, 413, "task_bytes"));
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + over_id, Auth(key)), 404)) << "nothing was stored";

  const json::value created =
      ExpectJson(Client().Post("/api/v1/tasks", R"({"title": "fills up"})", Auth(key)), 202);
  const std::string messages = "/api/v1/tasks/" + std::string(created.at("id").as_string()) + "/messages";
  const json::value first = ExpectJson(
      Client().Post(messages, json::serialize(json::object{{"messages", Messages(2, 700)}}), Auth(key)), 200);
  EXPECT_EQ(first.at("message_count"), 2);
  const Response refused =
      Client().Post(messages, json::serialize(json::object{{"messages", Messages(1, 601, "n")}}), Auth(key));
  EXPECT_TRUE(IsRefusal(refused, 413, "task_bytes"));
  EXPECT_NE(refused.body.find("holds 1400 and the request adds 601"), std::string::npos) << refused.body;
  const json::value last = ExpectJson(
      Client().Post(messages, json::serialize(json::object{{"messages", Messages(1, 600, "n")}}), Auth(key)),
      200);
  EXPECT_EQ(last.at("message_count"), 3) << "exactly the limit fits";
  const json::value retried = ExpectJson(
      Client().Post(messages, json::serialize(json::object{{"messages", Messages(1, 600, "n")}}), Auth(key)),
      200);
  EXPECT_EQ(retried.at("appended"), 0) << "a retry of stored messages is answered, however full the task";
  EXPECT_EQ(Refusals("task_bytes"), before + 2);
}

TEST_F(QuotasTest, TasksPerUser) {
  const std::string key = NewUser();
  const double before = Refusals("tasks_per_user");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.emplace_back(
        ExpectJson(Client().Post("/api/v1/tasks", R"({"title": "t"})", Auth(key)), 202).at("id").as_string());
  }
  EXPECT_TRUE(
      IsRefusal(Client().Post("/api/v1/tasks", R"({"title": "fourth"})", Auth(key)), 409, "tasks_per_user"));
  EXPECT_EQ(ExpectJson(Client().Get("/api/v1/tasks", Auth(key)), 200).at("tasks").as_array().size(), 3u);
  EXPECT_TRUE(HasStatus(Client().Post("/api/v1/tasks", R"({"title": "t"})", Auth(NewUser())), 202))
      << "another user has their own count";
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/tasks/" + ids[0], Auth(key)), 204));
  EXPECT_TRUE(HasStatus(Client().Post("/api/v1/tasks", R"({"title": "fourth"})", Auth(key)), 202));
  EXPECT_EQ(Refusals("tasks_per_user"), before + 1);
}

// An import is held to the task quotas of its own flags (by default those of `serve`).
TEST_F(QuotasTest, ImportIsHeldToTheTaskQuotas) {
  const std::string email = NewUuidV4() + "@quotas.test";
  server_->AddUser(email);
  const std::string id = NewUuidV4();
  const std::string text =
      json::serialize(json::object{{"task", json::object{{"id", id},
                                                         {"title", "imported"},
                                                         {"status", "completed"},
                                                         {"visibility", "private"},
                                                         {"created_at", "2026-01-02T03:04:05Z"},
                                                         {"secret_names", json::array{"A", "B", "C"}}}},
                                   {"messages", Messages(2, 800)}});
  const auto file = server_->dir() / "quota-import.json";
  std::ofstream(file) << text;
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"--max-task-bytes", "1500"}, "(limit task_bytes)"},
      {{"--max-secret-names-per-task", "2"}, "(limit secret_names_per_task)"},
  };
  for (const auto& [flags, named] : refused) {
    std::vector<std::string> args{"import", file.string(), "--owner", email};
    args.insert(args.end(), flags.begin(), flags.end());
    const CommandResult r = server_->RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id + "/share"), 404)) << "nothing was stored";
  }
  EXPECT_EQ(server_->Import(text, email), id) << "the defaults fit it";
}

// A quota flag out of its range (or not a number, or not a frequency) stops `serve` at once, exit 2,
// with a message naming the flag.
TEST(QuotaFlagsTest, ServeRefusesAQuotaOutOfItsRange) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "t.db").string();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--max-task-bytes", "-1"},
      {"--max-task-bytes", "100"},
      {"--max-task-bytes", "99999999999"},
      {"--max-tasks-per-user", "0"},
      {"--max-secrets-per-user", "-5"},
      {"--max-secret-value-bytes", "20000"},
      {"--max-secret-names-per-task", "x"},
      {"--max-schedules-per-user", "1000000"},
      {"--min-schedule-interval", "minutely"},
      {"--max-schedule-message-bytes", "0"},
  };
  for (const auto& [flag, value] : bad) {
    const CommandResult r = RunTaskshare({"serve", "--listen", "127.0.0.1:0", "--db", db, flag, value});
    EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.err;
    EXPECT_NE(r.err.find(flag), std::string::npos) << flag << " " << value << ": " << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "t.db")) << "refused before the database is opened";
  const CommandResult help = RunTaskshare({"serve", "--help"});
  for (const char* flag :
       {"--max-secrets-per-user", "--max-secret-value-bytes", "--max-secret-names-per-task",
        "--max-schedules-per-user", "--min-schedule-interval", "--max-schedule-message-bytes",
        "--max-task-bytes", "--max-tasks-per-user"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace taskshare::testing
