#include "api/schedule_requests.h"

#include <boost/json/value.hpp>

#include "api/task_requests.h"
#include "domain/json_reader.h"
#include "domain/schedule_time.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxModelBytes = 256;

// Code points in `text`, which Boost.JSON has already checked is valid UTF-8: every byte but the
// continuation bytes (10xxxxxx) starts one.
std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The fields POST and PATCH share, read from `r`. Each sets its out-parameter when the member is present.
struct CommonFields {
  std::optional<std::string> name;
  std::optional<std::string> task_message;
  std::optional<ScheduleType> schedule_type;
  std::optional<ScanFrequency> scan_frequency;
  std::optional<std::string> start_time;
  std::optional<UnixMicros> run_at;
  std::optional<Visibility> visibility;
  std::optional<std::string> model;
  std::optional<std::vector<std::string>> secrets;
  std::optional<std::string> project_id;
  std::optional<ScheduleStatus> status;
};

CommonFields ReadCommon(JsonReader& r, Need need, UnixMicros now) {
  CommonFields f;
  f.name = r.String("name", need);
  if (f.name && f.name->empty()) r.Fail("name", "must not be empty");
  if (f.name && CodePoints(*f.name) > kMaxScheduleNameChars) {
    r.Fail("name", "must be at most " + std::to_string(kMaxScheduleNameChars) + " characters");
  }
  f.task_message = r.String("task_message", need);
  if (f.task_message && f.task_message->empty()) r.Fail("task_message", "must not be empty");
  f.schedule_type = r.Enum<ScheduleType>("schedule_type", need);
  f.scan_frequency = r.Enum<ScanFrequency>("scan_frequency", need);
  f.start_time = r.String("start_time", need);
  if (f.start_time && !ParseStartTime(*f.start_time)) r.Fail("start_time", "must be HH:MM (24-hour, UTC)");
  if (auto run_at = r.String("run_at", need)) {
    f.run_at = ParseRunAt(*run_at, now);
    if (!f.run_at) r.Fail("run_at", "must be a relative time (5m, 1h, 2d) or an RFC 3339 date-time");
  }
  if (auto visibility = r.String("selected_visibility_type", need)) {
    f.visibility = Parse<Visibility>(*visibility);
    if (f.visibility != Visibility::kPublic && f.visibility != Visibility::kPrivate &&
        f.visibility != Visibility::kTeam) {
      r.Fail("selected_visibility_type", "must be one of public|private|team");
    }
  }
  f.model = r.Text("model", kMaxModelBytes, need);
  f.secrets = r.StringArray("secrets", need);
  f.project_id = r.Uuid("project_id", need);
  if (auto status = r.String("status", need)) {
    f.status = Parse<ScheduleStatus>(*status);
    if (f.status != ScheduleStatus::kActive && f.status != ScheduleStatus::kPaused) {
      r.Fail("status", "must be active or paused (completed and failed are set by the scheduler)");
    }
  }
  return f;
}

}  // namespace

Result<Schedule> ParseCreateSchedule(std::string_view body, UnixMicros now) {
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  CommonFields f = ReadCommon(r, Need::kNullable, now);
  if (!f.task_message) r.Fail("task_message", "is required");
  if (Status s = r.Finish(); !s.ok()) return s;
  Schedule s;
  s.name = std::move(f.name);
  s.task_message = std::move(*f.task_message);
  s.type = f.schedule_type.value_or(ScheduleType::kRecurring);
  s.scan_frequency = f.scan_frequency;
  s.start_time = std::move(f.start_time);
  s.run_at = f.run_at;
  s.visibility = f.visibility.value_or(Visibility::kPrivate);
  s.model = std::move(f.model);
  s.secret_names = f.secrets.value_or(std::vector<std::string>{});
  s.project_id = std::move(f.project_id);
  s.status = f.status.value_or(ScheduleStatus::kActive);
  return s;
}

Result<SchedulePatch> ParsePatchSchedule(std::string_view body, UnixMicros now) {
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  CommonFields f = ReadCommon(r, Need::kOptional, now);
  if (Status s = r.Finish(); !s.ok()) return s;
  SchedulePatch p;
  p.name = std::move(f.name);
  p.task_message = std::move(f.task_message);
  p.schedule_type = f.schedule_type;
  p.scan_frequency = f.scan_frequency;
  p.start_time = std::move(f.start_time);
  p.run_at = f.run_at;
  p.visibility = f.visibility;
  p.model = std::move(f.model);
  p.secret_names = std::move(f.secrets);
  p.project_id = std::move(f.project_id);
  p.status = f.status;
  if (p.empty()) return Status::InvalidArgument("nothing to change: send at least one field");
  return p;
}

Result<ScheduleQuery> ParseScheduleListQuery(const std::vector<std::pair<std::string, std::string>>& params,
                                             std::string owner_id) {
  ScheduleQuery q;
  q.owner_id = std::move(owner_id);
  for (const auto& [key, value] : params) {
    auto paging = ParsePagingParameter(key, value, q.limit, q.after);
    if (!paging.ok()) return paging.status();
    if (*paging) continue;
    if (key == "status") {
      q.status = Parse<ScheduleStatus>(value);
      if (!q.status) {
        return Status::InvalidArgument("status must be one of " + std::string(Spellings<ScheduleStatus>()));
      }
    } else {
      return Status::InvalidArgument("unknown query parameter " + key);
    }
  }
  return q;
}

}  // namespace taskshare::api
