#include "domain/task_json.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "domain/json_reader.h"

namespace taskshare {
namespace {

namespace json = boost::json;

constexpr size_t kMaxTitleBytes = 1024;
constexpr size_t kMaxModelBytes = 256;

json::string_view Str(std::string_view s) { return {s.data(), s.size()}; }

void PutTime(json::object& o, std::string_view key, std::optional<UnixMicros> t) {
  if (t) o[key] = FormatRfc3339(*t);
}

json::object ExecutionInfoToJson(const ExecutionInfo& e) {
  json::object o;
  o["execution_id"] = e.execution_id;
  o["status"] = Str(ToString(e.status));
  PutTime(o, "scheduled_at", e.scheduled_at);
  PutTime(o, "started_at", e.started_at);
  PutTime(o, "completed_at", e.completed_at);
  return o;
}

Result<ExecutionInfo> ExecutionInfoFromJson(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Status::InvalidArgument(where + " must be an object");
  JsonReader r(v.get_object(), where);
  ExecutionInfo e;
  e.execution_id = r.Uuid("execution_id", Need::kRequired).value_or("");
  e.scheduled_at = r.Time("scheduled_at", Need::kRequired).value_or(0);
  e.started_at = r.Time("started_at", Need::kRequired).value_or(0);
  e.completed_at = r.Time("completed_at", Need::kNullable);
  e.status = r.Enum<ExecutionStatus>("status", Need::kRequired).value_or(ExecutionStatus::kPending);
  if (Status s = r.Finish(); !s.ok()) return s;
  return e;
}

}  // namespace

json::object ScheduleInfoToJson(const ScheduleInfo& info) {
  json::object o;
  o["schedule_id"] = info.schedule_id;
  if (info.schedule_name) o["schedule_name"] = *info.schedule_name;
  o["schedule_type"] = Str(ToString(info.schedule_type));
  o["schedule_status"] = Str(ToString(info.schedule_status));
  o["execution_count"] = info.execution_count;
  PutTime(o, "last_executed_at", info.last_executed_at);
  PutTime(o, "next_execution_at", info.next_execution_at);
  if (info.scan_frequency) o["scan_frequency"] = Str(ToString(*info.scan_frequency));
  if (info.start_time) o["start_time"] = *info.start_time;
  if (info.execution_info) o["execution_info"] = ExecutionInfoToJson(*info.execution_info);
  return o;
}

namespace {

Result<ScheduleInfo> ScheduleInfoFrom(const json::value& v, std::string_view where, Origin origin) {
  const std::string name(where);
  if (!v.is_object()) return Status::InvalidArgument(name + " must be an object");
  JsonReader r(v.get_object(), name, origin);
  ScheduleInfo info;
  info.schedule_id = r.Uuid("schedule_id", Need::kRequired).value_or("");
  info.schedule_name = r.String("schedule_name", Need::kNullable);
  info.schedule_type =
      r.Enum<ScheduleType>("schedule_type", Need::kRequired).value_or(ScheduleType::kRecurring);
  info.schedule_status =
      r.Enum<ScheduleStatus>("schedule_status", Need::kRequired).value_or(ScheduleStatus::kActive);
  info.execution_count = r.Int("execution_count", Need::kRequired).value_or(0);
  if (info.execution_count < 0) r.Fail("execution_count", "must not be negative");
  info.last_executed_at = r.Time("last_executed_at", Need::kNullable);
  info.next_execution_at = r.Time("next_execution_at", Need::kNullable);
  info.scan_frequency = r.Enum<ScanFrequency>("scan_frequency", Need::kNullable);
  info.start_time = r.String("start_time", Need::kNullable);
  if (const json::value* e = r.Value("execution_info", Need::kNullable); e != nullptr && r.ok()) {
    auto exec = ExecutionInfoFromJson(*e, name + ".execution_info");
    if (!exec.ok()) return exec.status();
    info.execution_info = std::move(*exec);
  }
  if (Status s = r.Finish(); !s.ok()) return s;
  return info;
}

}  // namespace

Result<ScheduleInfo> ScheduleInfoFromJson(const json::value& v, std::string_view where) {
  return ScheduleInfoFrom(v, where, Origin::kRequest);
}

std::string ScheduleInfoToText(const ScheduleInfo& info) { return json::serialize(ScheduleInfoToJson(info)); }

Result<ScheduleInfo> ScheduleInfoFromText(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::Internal("Failed to load snapshot", "schedule_info is not JSON");
  auto info = ScheduleInfoFrom(v, "schedule_info", Origin::kStored);
  if (!info.ok()) return Status::Internal("Failed to load snapshot", info.status().message());
  return info;
}

json::object TaskInfoToJson(const Task& t, TaskView view) {
  json::object o;
  o["id"] = t.id;
  o["title"] = t.title;
  o["status"] = Str(ToString(t.status));
  o["visibility"] = Str(ToString(t.visibility));
  o["source"] = Str(ToString(t.source));
  if (t.model) o["model"] = *t.model;
  if (view == TaskView::kFull || t.share.show_creator) o["created_by"] = t.created_by;
  o["created_at"] = FormatRfc3339(t.created_at);
  o["updated_at"] = FormatRfc3339(t.updated_at);
  o["is_isolated"] = t.is_isolated;
  o["is_scheduled"] = t.is_scheduled;
  if (t.project_id) o["project_id"] = *t.project_id;
  if (t.completion_delivery) o["completion_delivery"] = Str(ToString(*t.completion_delivery));
  if (view == TaskView::kFull) {
    json::array names;
    for (const auto& n : t.secret_names) names.emplace_back(n);
    o["secret_names"] = std::move(names);
  }
  if (t.schedule_info) o["schedule_info"] = ScheduleInfoToJson(*t.schedule_info);
  return o;
}

Result<Task> TaskInfoFromJson(const json::value& v) {
  if (!v.is_object()) return Status::InvalidArgument("task must be an object");
  JsonReader r(v.get_object(), "task");
  Task t;
  t.id = r.Uuid("id", Need::kRequired).value_or("");
  t.title = r.Text("title", kMaxTitleBytes, Need::kRequired).value_or("");
  t.status = r.Enum<TaskStatus>("status", Need::kRequired).value_or(TaskStatus::kPending);
  t.visibility = r.Enum<Visibility>("visibility", Need::kRequired).value_or(Visibility::kPrivate);
  t.source = r.Enum<Source>("source", Need::kNullable).value_or(Source::kWeb);
  t.completion_delivery = r.Enum<CompletionDelivery>("completion_delivery", Need::kNullable);
  t.is_isolated = r.Bool("is_isolated", Need::kNullable).value_or(false);
  t.is_scheduled = r.Bool("is_scheduled", Need::kNullable).value_or(false);
  t.model = r.Text("model", kMaxModelBytes, Need::kNullable);
  t.project_id = r.Uuid("project_id", Need::kNullable);
  t.secret_names = r.StringArray("secret_names", Need::kNullable).value_or(std::vector<std::string>{});
  r.String("created_by", Need::kNullable);  // the importing owner decides who created it
  t.created_at = r.Time("created_at", Need::kRequired).value_or(0);
  t.updated_at = r.Time("updated_at", Need::kNullable).value_or(t.created_at);
  if (const json::value* s = r.Value("schedule_info", Need::kNullable); s != nullptr && r.ok()) {
    auto info = ScheduleInfoFromJson(*s, "task.schedule_info");
    if (!info.ok()) return info.status();
    t.schedule_info = std::move(*info);
  }
  if (Status s = r.Finish(); !s.ok()) return s;
  return t;
}

}  // namespace taskshare
