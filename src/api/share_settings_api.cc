#include "api/share_settings_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/share_requests.h"
#include "api/tasks_api.h"
#include "domain/json_reader.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

Response ShareBody(const Task& task, std::string_view public_url, UnixMicros now) {
  json::object o;
  o["share"] = ShareSettingsToJson(task, now, public_url);
  return JsonResponse(json::serialize(o));
}

// A store failure on a task that was found a moment ago: deleted meanwhile reads as the lookup would.
Status StoreError(const Status& s) {
  return s.code() == Code::kNotFound ? Status::NotFound("Task not found") : s;
}

}  // namespace

Response PutShare(Store& store, const User& caller, std::string_view raw_id, std::string_view body,
                  std::string_view public_url, UnixMicros now) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  auto request = ParseShareRequest(body, now);
  if (!request.ok()) return ErrorResponse(request.status());
  auto updated = store.ShareTask(task->id, *request, now);
  if (!updated.ok()) return ErrorResponse(StoreError(updated.status()));
  return ShareBody(*updated, public_url, now);
}

Response GetShareSettings(Store& store, const User& caller, std::string_view raw_id,
                          std::string_view public_url, UnixMicros now) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  return ShareBody(*task, public_url, now);
}

Response DeleteShare(Store& store, const User& caller, std::string_view raw_id, UnixMicros now) {
  auto task = OwnedTask(store, caller, raw_id);
  if (!task.ok()) return ErrorResponse(task.status());
  auto updated = store.UnshareTask(task->id, now);
  if (!updated.ok()) return ErrorResponse(StoreError(updated.status()));
  Response r;
  r.status = 204;
  r.content_type = {};
  return r;
}

Response RevokeAllShares(Store& store, const User& caller, std::string_view body, UnixMicros now) {
  if (Status s = CheckEmptyBody(body, "revoke-all"); !s.ok()) return ErrorResponse(s);
  auto revoked = store.UnshareAll(caller.id, now);
  if (!revoked.ok()) return ErrorResponse(revoked.status());
  json::object o;
  o["revoked"] = revoked->task_ids.size();
  o["task_ids"] = json::array(revoked->task_ids.begin(), revoked->task_ids.end());
  o["schedules_made_private"] = json::array(revoked->schedule_ids.begin(), revoked->schedule_ids.end());
  return JsonResponse(json::serialize(o));
}

}  // namespace taskshare::api
