#include "api/schedules_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/schedule_requests.h"
#include "api/task_requests.h"
#include "common/ids.h"
#include "domain/schedule_json.h"
#include "domain/schedule_rules.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

Response Json(const json::object& o, int status = 200) { return JsonResponse(json::serialize(o), status); }

Response ScheduleBody(const Schedule& s, int status = 200) {
  return Json({{"schedule", ScheduleToJson(s)}}, status);
}

// Loads the schedule named by `raw_id` and checks that `caller` owns it.
Result<Schedule> OwnedSchedule(Store& store, const User& caller, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return Status::InvalidArgument("schedule id must be a UUID");
  auto schedule = store.GetSchedule(*id);
  if (!schedule.ok()) return schedule.status();
  if (schedule->owner_id != caller.id)
    return Status::Forbidden("only the schedule's owner may read or change it");
  return schedule;
}

// The fields of a schedule, new or patched, that quotas bound; each one null (or unset) is left alone.
Status CheckScheduleFields(const Quotas& quotas, const std::string* task_message,
                           const std::vector<std::string>* secret_names,
                           std::optional<ScanFrequency> frequency) {
  if (task_message) {
    if (Status s = CheckScheduleMessage(quotas, task_message->size()); !s.ok()) return s;
  }
  if (secret_names) {
    if (Status s = CheckSecretNames(quotas, secret_names->size()); !s.ok()) return s;
  }
  if (frequency) return CheckScheduleInterval(quotas, *frequency);
  return Status::Ok();
}

// Ok if `caller` may create one more schedule. Counts their schedules a page at a time, stopping at the
// limit, so it reads at most schedules_per_user rows.
Status CheckScheduleRoom(Store& store, const Quotas& quotas, const User& caller) {
  ScheduleQuery query;
  query.owner_id = caller.id;
  query.limit = kMaxPageSize;
  std::int64_t held = 0;
  for (;;) {
    auto page = store.ListSchedules(query);
    if (!page.ok()) return page.status();
    held += static_cast<std::int64_t>(page->schedules.size());
    if (!page->next || held >= quotas.schedules_per_user) break;
    query.after = page->next;
  }
  return CheckNewSchedule(quotas, held);
}

}  // namespace

Response CreateSchedule(Store& store, const Quotas& quotas, const User& caller, std::string_view body,
                        UnixMicros now) {
  auto in = ParseCreateSchedule(body, now);
  if (!in.ok()) return ErrorResponse(in.status());
  Schedule& s = *in;
  s.id = NewUuidV4();
  s.owner_id = caller.id;
  s.created_by = caller.email;
  if (Status st = CompleteNewSchedule(s, now); !st.ok()) return ErrorResponse(st);
  // A schedule that breaks the rules is told so (400) before it is measured against the quotas.
  if (Status st = CheckScheduleFields(quotas, &s.task_message, &s.secret_names, s.scan_frequency); !st.ok()) {
    return ErrorResponse(st);
  }
  if (Status st = CheckScheduleRoom(store, quotas, caller); !st.ok()) return ErrorResponse(st);
  if (Status st = store.CreateSchedule(s); !st.ok()) return ErrorResponse(st);
  return ScheduleBody(s, 201);
}

Response ListSchedules(Store& store, const User& caller, const QueryParams& params) {
  auto query = ParseScheduleListQuery(params, caller.id);
  if (!query.ok()) return ErrorResponse(query.status());
  auto page = store.ListSchedules(*query);
  if (!page.ok()) return ErrorResponse(page.status());
  json::array schedules;
  schedules.reserve(page->schedules.size());
  for (const Schedule& s : page->schedules) schedules.emplace_back(ScheduleToJson(s));
  json::object o;
  o["schedules"] = std::move(schedules);
  o["next_cursor"] = page->next ? json::value(EncodeCursor(*page->next)) : json::value(nullptr);
  o["has_more"] = page->next.has_value();
  return Json(o);
}

Response GetSchedule(Store& store, const User& caller, std::string_view raw_id) {
  auto schedule = OwnedSchedule(store, caller, raw_id);
  if (!schedule.ok()) return ErrorResponse(schedule.status());
  auto executions = store.ListExecutions(schedule->id, kExecutionsShown);
  if (!executions.ok()) return ErrorResponse(executions.status());
  json::array list;
  list.reserve(executions->size());
  for (const Execution& e : *executions) list.emplace_back(ExecutionToJson(e));
  return Json({{"schedule", ScheduleToJson(*schedule)}, {"executions", std::move(list)}});
}

Response PatchSchedule(Store& store, const Quotas& quotas, const User& caller, std::string_view raw_id,
                       std::string_view body, UnixMicros now) {
  auto schedule = OwnedSchedule(store, caller, raw_id);
  if (!schedule.ok()) return ErrorResponse(schedule.status());
  auto patch = ParsePatchSchedule(body, now);
  if (!patch.ok()) return ErrorResponse(patch.status());
  const SchedulePatch& p = *patch;
  auto updated = store.UpdateSchedule(schedule->id, [&](const Schedule& current) -> Result<Schedule> {
    Result<Schedule> next = ApplySchedulePatch(current, p, now);
    if (!next.ok()) return next;
    // Only the fields the patch sets: a schedule stored before a quota was lowered keeps the rest.
    if (Status s = CheckScheduleFields(quotas, p.task_message ? &next->task_message : nullptr,
                                       p.secret_names ? &next->secret_names : nullptr,
                                       p.scan_frequency ? next->scan_frequency : std::nullopt);
        !s.ok()) {
      return s;
    }
    return next;
  });
  if (!updated.ok()) return ErrorResponse(updated.status());
  return ScheduleBody(*updated);
}

Response DeleteSchedule(Store& store, const User& caller, std::string_view raw_id, UnixMicros now) {
  auto schedule = OwnedSchedule(store, caller, raw_id);
  if (!schedule.ok()) return ErrorResponse(schedule.status());
  if (Status s = store.DeleteSchedule(schedule->id, now); !s.ok()) return ErrorResponse(s);
  Response r;
  r.status = 204;
  r.content_type = {};
  return r;
}

}  // namespace taskshare::api
