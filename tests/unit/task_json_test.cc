#include "domain/task_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace taskshare {
namespace {

namespace json = boost::json;

Task FullTask() {
  Task t;
  t.id = "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11";
  t.created_by = "analyst@example.com";
  t.title = "External pentest";
  t.status = TaskStatus::kCompleted;
  t.visibility = Visibility::kUnlisted;
  t.source = Source::kSlack;
  t.completion_delivery = CompletionDelivery::kArtifact;
  t.is_isolated = true;
  t.is_scheduled = true;
  t.model = "auto";
  t.project_id = "0b7a4bd4-95d5-4b0e-9c54-0d3f0a1c2e3f";
  t.secret_names = {"TARGET_API_TOKEN"};
  t.created_at = *ParseRfc3339("2026-11-20T10:00:00Z");
  t.updated_at = *ParseRfc3339("2026-11-20T11:00:00.5Z");
  ScheduleInfo s;
  s.schedule_id = "6a1f8e2c-1d3b-4c5d-8e9f-0a1b2c3d4e5f";
  s.schedule_name = "nightly";
  s.schedule_type = ScheduleType::kRecurring;
  s.schedule_status = ScheduleStatus::kActive;
  s.execution_count = 3;
  s.last_executed_at = *ParseRfc3339("2026-11-19T02:00:00Z");
  s.next_execution_at = *ParseRfc3339("2026-11-21T02:00:00Z");
  s.scan_frequency = ScanFrequency::kDaily;
  s.start_time = "02:00";
  s.execution_info =
      ExecutionInfo{"7b2e9f3d-2e4c-4d6e-9f0a-1b2c3d4e5f60", *ParseRfc3339("2026-11-20T02:00:00Z"),
                    *ParseRfc3339("2026-11-20T02:00:01Z"), std::nullopt, ExecutionStatus::kRunning};
  t.schedule_info = s;
  return t;
}

TEST(TaskJsonTest, FullViewHasEveryFieldWithSpecSpellings) {
  json::object o = TaskInfoToJson(FullTask(), TaskView::kFull);
  EXPECT_EQ(o.at("status"), "completed");
  EXPECT_EQ(o.at("visibility"), "unlisted");
  EXPECT_EQ(o.at("source"), "slack");
  EXPECT_EQ(o.at("completion_delivery"), "artifact");
  EXPECT_EQ(o.at("created_by"), "analyst@example.com");
  EXPECT_EQ(o.at("created_at"), "2026-11-20T10:00:00Z");
  EXPECT_EQ(o.at("updated_at"), "2026-11-20T11:00:00.5Z");
  EXPECT_EQ(o.at("secret_names"), json::parse(R"(["TARGET_API_TOKEN"])"));
  const auto& s = o.at("schedule_info").as_object();
  EXPECT_EQ(s.at("schedule_type"), "recurring");
  EXPECT_EQ(s.at("scan_frequency"), "daily");
  EXPECT_EQ(s.at("execution_count"), 3);
  EXPECT_EQ(s.at("execution_info").at("status"), "running");
  EXPECT_FALSE(s.at("execution_info").as_object().contains("completed_at"));
}

TEST(TaskJsonTest, AnonymousViewHidesCreatorAndSecretNames) {
  json::object o = TaskInfoToJson(FullTask(), TaskView::kAnonymous);
  EXPECT_FALSE(o.contains("created_by"));
  EXPECT_FALSE(o.contains("secret_names"));
  EXPECT_TRUE(o.contains("schedule_info"));
}

TEST(TaskJsonTest, UnsetOptionalsAreLeftOut) {
  Task t = FullTask();
  t.model.reset();
  t.project_id.reset();
  t.completion_delivery.reset();
  t.schedule_info.reset();
  json::object o = TaskInfoToJson(t, TaskView::kFull);
  for (const char* key : {"model", "project_id", "completion_delivery", "schedule_info"}) {
    EXPECT_FALSE(o.contains(key)) << key;
  }
}

TEST(TaskJsonTest, ImportRoundTrip) {
  const Task t = FullTask();
  auto back = TaskInfoFromJson(TaskInfoToJson(t, TaskView::kFull));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(json::serialize(TaskInfoToJson(*back, TaskView::kAnonymous)),
            json::serialize(TaskInfoToJson(t, TaskView::kAnonymous)));
  EXPECT_EQ(back->secret_names, t.secret_names);
}

TEST(TaskJsonTest, ScheduleInfoTextRoundTripAndCorruption) {
  const ScheduleInfo s = *FullTask().schedule_info;
  auto back = ScheduleInfoFromText(ScheduleInfoToText(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ScheduleInfoToText(*back), ScheduleInfoToText(s));
  auto bad = ScheduleInfoFromText(R"({"schedule_id":"nope"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInternal);
}

TEST(TaskJsonTest, ImportIsStrictAndNamesTheField) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"({"title":"t","visibility":"public","status":"active","created_at":"2026-11-20T10:00:00Z"})",
       "task.id is required"},
      {R"({"id":"x","title":"t","visibility":"public","status":"active","created_at":"2026-11-20T10:00:00Z"})",
       "task.id must be a UUID"},
      {R"({"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","title":"t","visibility":"shared","status":"active","created_at":"2026-11-20T10:00:00Z"})",
       "task.visibility must be one of public|private|unlisted|team|support"},
      {R"({"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","title":"t","visibility":"public","status":"active","created_at":"yesterday"})",
       "task.created_at must be an RFC 3339 date-time"},
      {R"({"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","title":"t","visibility":"public","status":"active","created_at":"2026-11-20T10:00:00Z","is_isolated":"yes"})",
       "task.is_isolated must be a boolean"},
      {R"({"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","title":"t","visibility":"public","status":"active","created_at":"2026-11-20T10:00:00Z","colour":"red"})",
       "unknown field task.colour"},
      {R"({"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11","title":"t","visibility":"public","status":"active","created_at":"2026-11-20T10:00:00Z","schedule_info":{"schedule_id":"6a1f8e2c-1d3b-4c5d-8e9f-0a1b2c3d4e5f","schedule_type":"weekly","schedule_status":"active","execution_count":1}})",
       "task.schedule_info.schedule_type must be one of recurring|one_time"},
  };
  for (const Case& c : cases) {
    auto r = TaskInfoFromJson(json::parse(c.json));
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace taskshare
