#include "api/share_stats_api.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "common/ids.h"
#include "common/time.h"
#include "domain/access.h"

namespace taskshare::api {

bool CountsAsView(const Request& request, const Response& response) {
  if (request.method != Method::kGet || request.head) return false;
  if (!request.api_key.empty() || !request.authorization.empty()) return false;
  if (response.cached) return response.not_modified || response.cached->status() == 200;
  return response.status == 200;
}

Response GetShareStats(Store& store, const User& caller, std::string_view raw_id) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return ErrorResponse(Status::InvalidArgument("task id must be a UUID"));
  auto task = store.GetTask(*id);
  if (!task.ok()) {
    return ErrorResponse(task.status().code() == Code::kNotFound ? Status::NotFound("Task not found")
                                                                 : task.status());
  }
  if (!IsOwner(caller, *task))
    return ErrorResponse(Status::Forbidden("only the task's owner may read its share stats"));
  auto views = store.GetShareViews(*id);
  if (!views.ok()) return ErrorResponse(views.status());
  boost::json::object o{{"views", views->views}};
  o["last_viewed_at"] = views->last_viewed_at ? boost::json::value(FormatRfc3339(*views->last_viewed_at))
                                              : boost::json::value(nullptr);
  return JsonResponse(boost::json::serialize(o));
}

}  // namespace taskshare::api
