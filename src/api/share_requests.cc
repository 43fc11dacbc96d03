#include "api/share_requests.h"

#include <boost/json/value.hpp>
#include <string>

#include "domain/access.h"
#include "domain/json_reader.h"
#include "domain/share_view.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

json::string_view Str(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

Result<ShareRequest> ParseShareRequest(std::string_view body, UnixMicros now) {
  const auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  ShareRequest out;
  const auto visibility = r.Enum<Visibility>("visibility", Need::kRequired);
  if (visibility && !IsShared(*visibility)) {
    r.Fail("visibility", "must be public or unlisted (DELETE the share to make the task private)");
  }
  out.visibility = visibility.value_or(Visibility::kUnlisted);
  out.mode = r.Enum<ShareMode>("mode", Need::kNullable).value_or(ShareMode::kLive);
  out.expires_at = r.Time("expires_at", Need::kNullable);
  if (out.expires_at && *out.expires_at <= now) r.Fail("expires_at", "must be in the future");
  out.show_creator = r.Bool("show_creator", Need::kNullable).value_or(false);
  out.redact = r.Bool("redact", Need::kNullable).value_or(true);
  if (Status s = r.Finish(); !s.ok()) return s;
  return out;
}

json::object ShareSettingsToJson(const Task& task, UnixMicros now, std::string_view public_url) {
  const ShareSettings& share = task.share;
  json::object o;
  o["task_id"] = task.id;
  o["url"] = std::string(public_url) + "/share/" + task.id;
  o["visibility"] = Str(ToString(task.visibility));
  o["shared"] = IsShared(task.visibility);
  o["mode"] = Str(ToString(share.mode));
  if (share.pinned_messages) o["pinned_message_count"] = *share.pinned_messages;
  if (share.pinned_at) o["pinned_at"] = FormatRfc3339(*share.pinned_at);
  if (share.expires_at) o["expires_at"] = FormatRfc3339(*share.expires_at);
  o["expired"] = ShareExpired(share, now);
  o["show_creator"] = share.show_creator;
  o["redact"] = share.redact;
  return o;
}

}  // namespace taskshare::api
