#include "domain/schedule_json.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace taskshare {
namespace {

namespace json = boost::json;

json::string_view Str(std::string_view s) { return {s.data(), s.size()}; }

void PutTime(json::object& o, std::string_view key, std::optional<UnixMicros> t) {
  if (t) o[key] = FormatRfc3339(*t);
}

}  // namespace

json::object ScheduleToJson(const Schedule& s) {
  json::object o;
  o["id"] = s.id;
  if (s.name) o["name"] = *s.name;
  o["task_message"] = s.task_message;
  o["schedule_type"] = Str(ToString(s.type));
  if (s.scan_frequency) o["scan_frequency"] = Str(ToString(*s.scan_frequency));
  if (s.start_time) o["start_time"] = *s.start_time;
  PutTime(o, "run_at", s.run_at);
  o["selected_visibility_type"] = Str(ToString(s.visibility));
  if (s.model) o["model"] = *s.model;
  json::array secrets;
  for (const auto& name : s.secret_names) secrets.emplace_back(name);
  o["secrets"] = std::move(secrets);
  if (s.project_id) o["project_id"] = *s.project_id;
  o["status"] = Str(ToString(s.status));
  o["execution_count"] = s.execution_count;
  PutTime(o, "last_executed_at", s.last_executed_at);
  PutTime(o, "next_execution_at", s.next_execution_at);
  o["created_by"] = s.created_by;
  o["created_at"] = FormatRfc3339(s.created_at);
  o["updated_at"] = FormatRfc3339(s.updated_at);
  return o;
}

json::object ExecutionToJson(const Execution& e) {
  json::object o;
  o["execution_id"] = e.id;
  if (e.task_id) o["task_id"] = *e.task_id;
  o["scheduled_at"] = FormatRfc3339(e.scheduled_at);
  o["started_at"] = FormatRfc3339(e.started_at);
  PutTime(o, "completed_at", e.completed_at);
  o["status"] = Str(ToString(e.status));
  return o;
}

}  // namespace taskshare
