#include "api/admin_api.h"

#include <boost/json/parse.hpp>

#include "api/errors.h"
#include "common/log.h"
#include "domain/json_reader.h"

namespace taskshare::api {
namespace {

Response SharingBody(bool enabled) {
  Response r = JsonResponse(enabled ? R"({"enabled":true})" : R"({"enabled":false})");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Status RequireAdmin(const User& caller) {
  return caller.role == Role::kAdmin ? Status::Ok() : Status::Forbidden("only admins may use this");
}

}  // namespace

Response GetSharing(const User& caller, const std::atomic<bool>& sharing) {
  if (Status s = RequireAdmin(caller); !s.ok()) return ErrorResponse(s);
  return SharingBody(sharing.load());
}

Response PutSharing(const User& caller, std::atomic<bool>& sharing, std::string_view body) {
  if (Status s = RequireAdmin(caller); !s.ok()) return ErrorResponse(s);
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  JsonReader r(v.get_object(), "");
  const std::optional<bool> enabled = r.Bool("enabled", Need::kRequired);
  if (Status s = r.Finish(); !s.ok()) return ErrorResponse(s);
  sharing.store(*enabled);
  LogInfo(std::string("sharing turned ") + (*enabled ? "on" : "off") + " by " + caller.email);
  return SharingBody(*enabled);
}

}  // namespace taskshare::api
