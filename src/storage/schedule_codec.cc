#include "storage/schedule_codec.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "domain/schedule_time.h"

namespace taskshare {
namespace {

namespace json = boost::json;

constexpr std::size_t kLinkedFields = 14;

// Typed reads of the elements of the linked-schedule array; each returns false for a wrong type.
bool ReadText(const json::value& v, std::optional<std::string>* out, bool nullable) {
  if (v.is_null()) return nullable;
  if (!v.is_string()) return false;
  *out = std::string(v.get_string());
  return true;
}
bool ReadInt(const json::value& v, std::optional<std::int64_t>* out, bool nullable) {
  if (v.is_null()) return nullable;
  if (!v.is_int64()) return false;
  *out = v.get_int64();
  return true;
}
template <typename E>
bool ReadEnum(const json::value& v, std::optional<E>* out, bool nullable) {
  std::optional<std::string> text;
  if (!ReadText(v, &text, nullable)) return false;
  if (!text) return true;
  *out = Parse<E>(*text);
  return out->has_value();
}

}  // namespace

void DecodeLinkedSchedule(std::optional<std::string_view> text, TaskFieldDecoder& decode,
                          std::optional<ScheduleInfo>* out) {
  if (!text) return;
  boost::system::error_code ec;
  const json::value parsed = json::parse(*text, ec);
  if (ec || !parsed.is_array() || parsed.get_array().size() != kLinkedFields) {
    return decode.Fail("schedule_info", "has an unreadable linked schedule");
  }
  const json::array& a = parsed.get_array();
  std::optional<std::string> execution_id;
  std::optional<std::string> schedule_id;
  std::optional<std::string> name;
  std::optional<std::string> start_time;
  std::optional<std::int64_t> scheduled_at;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> completed_at;
  std::optional<std::int64_t> count;
  std::optional<std::int64_t> last;
  std::optional<std::int64_t> next;
  std::optional<ExecutionStatus> execution_status;
  std::optional<ScheduleType> type;
  std::optional<ScheduleStatus> status;
  std::optional<ScanFrequency> frequency;
  const bool ok = ReadText(a[0], &execution_id, false) && ReadInt(a[1], &scheduled_at, false) &&
                  ReadInt(a[2], &started_at, false) && ReadInt(a[3], &completed_at, true) &&
                  ReadEnum(a[4], &execution_status, false) && ReadText(a[5], &schedule_id, false) &&
                  ReadText(a[6], &name, true) && ReadEnum(a[7], &type, false) &&
                  ReadEnum(a[8], &status, false) && ReadInt(a[9], &count, false) &&
                  ReadInt(a[10], &last, true) && ReadInt(a[11], &next, true) &&
                  ReadEnum(a[12], &frequency, true) && ReadText(a[13], &start_time, true);
  if (!ok) return decode.Fail("schedule_info", "has a linked schedule with a value out of its domain");

  ScheduleInfo info;
  info.schedule_id = std::move(*schedule_id);
  info.schedule_name = std::move(name);
  info.schedule_type = *type;
  info.schedule_status = *status;
  info.execution_count = *count;
  info.last_executed_at = last;
  info.next_execution_at = next;
  info.scan_frequency = frequency;
  info.start_time = std::move(start_time);
  info.execution_info =
      ExecutionInfo{std::move(*execution_id), *scheduled_at, *started_at, completed_at, *execution_status};
  *out = std::move(info);
}

void RowDecoder::SecretNames(std::optional<std::string_view> text, std::vector<std::string>* out) {
  boost::system::error_code ec;
  const json::value value = json::parse(text.value_or(""), ec);
  if (ec || !value.is_array()) return Fail("secret_names", "is not a JSON array");
  std::vector<std::string> names;
  for (const json::value& name : value.get_array()) {
    if (!name.is_string()) return Fail("secret_names", "holds a non-string");
    names.emplace_back(name.get_string());
  }
  *out = std::move(names);
}

void RowDecoder::StartTime(std::optional<std::string_view> text, std::optional<std::string>* out) {
  if (!text) return;
  if (!ParseStartTime(*text)) return Fail("start_time", "is not HH:MM");
  *out = std::string(*text);
}

void RowDecoder::Fail(std::string_view column, std::string_view problem) {
  if (!status_.ok()) return;
  status_ = Status::Internal("storage error", std::string(what_) + " " + std::string(id_) + ": column " +
                                                  std::string(column) + " " + std::string(problem));
}

void CheckScheduleShape(const Schedule& s, RowDecoder& decode) {
  if (s.type == ScheduleType::kRecurring) {
    if (!s.scan_frequency) decode.Fail("scan_frequency", "is NULL for a recurring schedule");
    if (!s.start_time) decode.Fail("start_time", "is NULL for a recurring schedule");
    if (!s.anchor_at) decode.Fail("anchor_at", "is NULL for a recurring schedule");
  } else if (!s.run_at) {
    decode.Fail("run_at", "is NULL for a one-time schedule");
  }
  if (s.next_execution_at.has_value() != (s.status == ScheduleStatus::kActive)) {
    decode.Fail("next_execution_at", "does not match the status");
  }
}

}  // namespace taskshare
