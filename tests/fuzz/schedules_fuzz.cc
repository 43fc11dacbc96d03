// Fuzz target "schedules": the Schedules API's request bodies and list query (api/schedule_requests.h)
// through the rules that complete, patch and run a schedule (domain/schedule_rules.h) and the grid
// arithmetic of its due times (domain/schedule_time.h).
//
// Input: one selector byte, then the rest. Selector % 4: 0 a create body, 1 a patch body (applied to a
// recurring and to a completed one-time schedule), 2 a list query "k=v&k=v" (split here without
// percent-decoding), 3 the grid: three 8-byte numbers (anchor, instant, frequency) mapped into the
// years 0000..9999 that a time can be parsed in.
//
// Properties checked besides memory safety and UBSan (signed overflow in the time arithmetic):
//   - a schedule is active exactly when it has a next_execution_at;
//   - a run of a due recurring schedule is scheduled at or before its time, and the next run is after it;
//   - the grid: FirstSlotAtOrAfter(t) >= t, FirstSlotAfter(t) > t, LastSlotAtOrBefore(t) <= t, and each
//     of them is a due time (FirstSlotAtOrAfter of it is itself).
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/schedule_requests.h"
#include "domain/messages.h"
#include "domain/schedule_json.h"
#include "domain/schedule_rules.h"
#include "domain/schedule_time.h"
#include "fuzz_check.h"

namespace taskshare::fuzz {
namespace {

constexpr UnixMicros kNow = 1795996800000000;      // 2026-11-30T00:00:00Z
constexpr UnixMicros kFirst = -62167219200000000;  // 0000-01-01T00:00:00Z
constexpr UnixMicros kEnd = 253402300800000000;    // 10000-01-01T00:00:00Z
constexpr std::string_view kOwner = "00000000-0000-4000-8000-0000000000a0";

void CheckSchedule(const Schedule& s) {
  Require((s.status == ScheduleStatus::kActive) == s.next_execution_at.has_value(),
          "active exactly when next_execution_at is set");
  (void)boost::json::serialize(ScheduleToJson(s));
}

void CheckRun(const Schedule& due) {
  if (!due.next_execution_at) return;
  const UnixMicros now = *due.next_execution_at;
  const PlannedRun run = PlanRun(due, now);
  Require(IsJsonObject(run.first_message.json), "a run's first message is not a JSON object");
  Require(!run.task.title.empty(), "a run's task has no title");
  Require(run.execution.scheduled_at <= now, "a run is scheduled after its time");
  CheckSchedule(run.schedule);
  if (due.type == ScheduleType::kRecurring) {
    Require(run.schedule.next_execution_at && *run.schedule.next_execution_at > now,
            "the next run of a recurring schedule is not after this one");
  }
}

Schedule Base(ScheduleType type) {
  Schedule s;
  s.id = "00000000-0000-4000-8000-0000000000c1";
  s.owner_id = kOwner;
  s.task_message = "Scan staging";
  s.type = type;
  if (type == ScheduleType::kRecurring) {
    s.scan_frequency = ScanFrequency::kMonthly;
    s.start_time = "23:30";
  } else {
    s.run_at = kNow + 3600000000;
  }
  Require(CompleteNewSchedule(s, kNow).ok(), "fixture schedule");
  if (type == ScheduleType::kOneTime) s = PlanRun(s, *s.run_at).schedule;  // now completed
  return s;
}

std::vector<std::pair<std::string, std::string>> Params(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view param = text.substr(0, amp);
    const size_t eq = param.find('=');
    params.emplace_back(std::string(param.substr(0, eq)),
                        eq == std::string_view::npos ? std::string() : std::string(param.substr(eq + 1)));
    text.remove_prefix(amp == std::string_view::npos ? text.size() : amp + 1);
  }
  return params;
}

void CheckGrid(std::string_view bytes) {
  std::uint64_t v[3] = {0, 0, 0};
  std::memcpy(v, bytes.data(), std::min(bytes.size(), sizeof v));
  const auto span = static_cast<std::uint64_t>(kEnd - kFirst);
  const UnixMicros anchor = kFirst + static_cast<UnixMicros>(v[0] % span);
  const UnixMicros t = kFirst + static_cast<UnixMicros>(v[1] % span);
  const auto frequency = static_cast<ScanFrequency>(v[2] % 4);
  const UnixMicros at_or_after = FirstSlotAtOrAfter(anchor, frequency, t);
  const UnixMicros after = FirstSlotAfter(anchor, frequency, t);
  const UnixMicros at_or_before = LastSlotAtOrBefore(anchor, frequency, t);
  Require(at_or_after >= t && after > t && at_or_before <= t, "grid slot on the wrong side of t");
  Require(after >= at_or_after && at_or_before <= at_or_after, "grid slots out of order");
  for (const UnixMicros slot : {at_or_after, after, at_or_before}) {
    Require(FirstSlotAtOrAfter(anchor, frequency, slot) == slot, "a grid slot is not a due time");
  }
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      if (auto created = api::ParseCreateSchedule(rest, fuzz::kNow); created.ok()) {
        Schedule s = std::move(*created);
        s.id = "00000000-0000-4000-8000-0000000000c2";
        s.owner_id = fuzz::kOwner;
        if (CompleteNewSchedule(s, fuzz::kNow).ok()) {
          fuzz::CheckSchedule(s);
          fuzz::CheckRun(s);
        }
      }
      break;
    case 1:
      if (auto patch = api::ParsePatchSchedule(rest, fuzz::kNow); patch.ok()) {
        for (const ScheduleType type : {ScheduleType::kRecurring, ScheduleType::kOneTime}) {
          auto patched = ApplySchedulePatch(fuzz::Base(type), *patch, fuzz::kNow);
          if (!patched.ok()) continue;
          fuzz::CheckSchedule(*patched);
          fuzz::CheckRun(*patched);
        }
      }
      break;
    case 2:
      if (auto query = api::ParseScheduleListQuery(fuzz::Params(rest), std::string(fuzz::kOwner));
          query.ok()) {
        fuzz::Require(query->limit >= 1 && query->limit <= 100, "limit out of range");
      }
      break;
    default:
      fuzz::CheckGrid(rest);
      break;
  }
  return 0;
}
