// Strict parsing of the Schedules API's bodies and query strings, with messages that name the field.
#include "api/schedule_requests.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace taskshare::api {
namespace {

constexpr UnixMicros kNow = 1'924'992'000'000'000;  // 2031-01-01T00:00:00Z

TEST(ScheduleRequestsTest, CreateReadsEveryFieldWithDefaults) {
  auto s = ParseCreateSchedule(R"({"task_message":"scan"})", kNow);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->task_message, "scan");
  EXPECT_EQ(s->type, ScheduleType::kRecurring);
  EXPECT_EQ(s->visibility, Visibility::kPrivate);
  EXPECT_EQ(s->status, ScheduleStatus::kActive);
  EXPECT_FALSE(s->name.has_value());
  EXPECT_TRUE(s->secret_names.empty());

  auto full = ParseCreateSchedule(
      R"({"name":"Weekly","task_message":"scan","schedule_type":"one_time","run_at":"2h",
          "selected_visibility_type":"team","model":"m","secrets":["A","B"],
          "project_id":"5D9F3C0E-8B7A-4C6D-9E1F-2A3B4C5D6E7F","status":"paused",
          "scan_frequency":null,"start_time":null})",
      kNow);
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->name, "Weekly");
  EXPECT_EQ(full->type, ScheduleType::kOneTime);
  EXPECT_EQ(full->run_at, kNow + 2 * 3'600'000'000LL);
  EXPECT_EQ(full->visibility, Visibility::kTeam);
  EXPECT_EQ(full->model, "m");
  EXPECT_EQ(full->secret_names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(full->project_id, "5d9f3c0e-8b7a-4c6d-9e1f-2a3b4c5d6e7f");
  EXPECT_EQ(full->status, ScheduleStatus::kPaused);
  EXPECT_FALSE(full->scan_frequency.has_value());
}

TEST(ScheduleRequestsTest, CreateRefusesBadFieldsNamingThem) {
  const std::string long_name(257, 'x');
  std::string long_unicode;
  for (int i = 0; i < 256; ++i) long_unicode += "\xc3\xa9";  // 256 characters, 512 bytes
  const std::pair<std::string, std::string> cases[] = {
      {"{", "malformed JSON body"},
      {"[]", "the body must be a JSON object"},
      {"{}", "task_message is required"},
      {R"({"task_message":""})", "task_message must not be empty"},
      {R"({"task_message":7})", "task_message must be a string"},
      {R"({"task_message":"x","name":""})", "name must not be empty"},
      {R"({"task_message":"x","name":")" + long_name + R"("})", "name must be at most 256 characters"},
      {R"({"task_message":"x","schedule_type":"weekly"})", "schedule_type must be one of recurring|one_time"},
      {R"({"task_message":"x","scan_frequency":"yearly"})",
       "scan_frequency must be one of hourly|daily|weekly|monthly"},
      {R"({"task_message":"x","start_time":"9:00"})", "start_time must be HH:MM (24-hour, UTC)"},
      {R"({"task_message":"x","start_time":"24:00"})", "start_time must be HH:MM (24-hour, UTC)"},
      {R"({"task_message":"x","run_at":"soon"})",
       "run_at must be a relative time (5m, 1h, 2d) or an RFC 3339 date-time"},
      {R"({"task_message":"x","selected_visibility_type":"unlisted"})",
       "selected_visibility_type must be one of public|private|team"},
      {R"({"task_message":"x","status":"completed"})",
       "status must be active or paused (completed and failed are set by the scheduler)"},
      {R"({"task_message":"x","secrets":"A"})", "secrets must be an array of strings"},
      {R"({"task_message":"x","project_id":"nope"})", "project_id must be a UUID"},
      {R"({"task_message":"x","llm_model":"auto"})", "unknown field llm_model"},
  };
  for (const auto& [body, message] : cases) {
    auto s = ParseCreateSchedule(body, kNow);
    ASSERT_FALSE(s.ok()) << body;
    EXPECT_EQ(s.status().code(), Code::kInvalidArgument) << body;
    EXPECT_EQ(s.status().message().substr(0, message.size()), message) << body;
  }
  auto unicode = ParseCreateSchedule(R"({"task_message":"x","name":")" + long_unicode + R"("})", kNow);
  EXPECT_TRUE(unicode.ok()) << unicode.status().message();
}

TEST(ScheduleRequestsTest, PatchTakesOnlyWhatIsSent) {
  auto p = ParsePatchSchedule(R"({"name":"n","start_time":"07:15","status":"active"})", kNow);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->name, "n");
  EXPECT_EQ(p->start_time, "07:15");
  EXPECT_EQ(p->status, ScheduleStatus::kActive);
  EXPECT_FALSE(p->task_message || p->schedule_type || p->scan_frequency || p->run_at || p->visibility ||
               p->model || p->secret_names || p->project_id);
  auto type = ParsePatchSchedule(R"({"schedule_type":"one_time"})", kNow);
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(type->schedule_type, ScheduleType::kOneTime);

  EXPECT_EQ(ParsePatchSchedule("{}", kNow).status().message(), "nothing to change: send at least one field");
  EXPECT_EQ(ParsePatchSchedule(R"({"name":null})", kNow).status().message(), "name must be a string");
  EXPECT_EQ(ParsePatchSchedule(R"({"id":"x"})", kNow).status().message(), "unknown field id");
  EXPECT_EQ(ParsePatchSchedule(R"({"status":"failed"})", kNow).status().message(),
            "status must be active or paused (completed and failed are set by the scheduler)");
}

TEST(ScheduleRequestsTest, ListQuery) {
  auto q = ParseScheduleListQuery({{"limit", "5"}, {"status", "paused"}}, "owner");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->owner_id, "owner");
  EXPECT_EQ(q->limit, 5);
  EXPECT_EQ(q->status, ScheduleStatus::kPaused);
  EXPECT_EQ(ParseScheduleListQuery({{"limit", "0"}}, "o").status().message(),
            "limit must be an integer from 1 to 100");
  EXPECT_EQ(ParseScheduleListQuery({{"status", "done"}}, "o").status().message(),
            "status must be one of active|paused|completed|failed");
  EXPECT_EQ(ParseScheduleListQuery({{"cursor", "x"}}, "o").status().message(),
            "cursor is not one this server issued");
  EXPECT_EQ(ParseScheduleListQuery({{"is_scheduled", "true"}}, "o").status().message(),
            "unknown query parameter is_scheduled");
}

}  // namespace
}  // namespace taskshare::api
