#include "api/dashboard_api.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <optional>
#include <string>

#include "api/apikey_api.h"
#include "api/forms.h"
#include "api/page_responses.h"
#include "api/reader_view.h"
#include "api/router.h"
#include "api/secrets_api.h"
#include "api/share_settings_api.h"
#include "api/sign_in_api.h"
#include "api/task_requests.h"
#include "api/tasks_api.h"
#include "auth/browser_session.h"
#include "domain/access.h"
#include "web/dashboard_page.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

constexpr int kPageSize = 20;

// What the pages say of the reader, and the token their forms post.
struct SignedIn {
  std::string email;
  std::string csrf;
  web::Viewer viewer() const { return {email, csrf}; }
};
SignedIn ViewerOf(const RouteContext& c, const Call& k) {
  return {k.caller->email, auth::CsrfToken(*c.options.sign_in->SessionId(k.request))};
}

web::PageOptions PageOf(const RouteContext& c) {
  web::PageOptions page = c.options.page;
  page.index = false;
  return page;
}

// A page that needs a session, asked for without one: sign in, then come back here.
Response SignInFirst(const Call& k) { return Redirect(SignInPath(k.request.target)); }

// The answer of the API operation an action called, as the browser's: a redirect to `back` on
// success, else an error page with the operation's status and message (and error id, for a 5xx).
Response Outcome(const Response& api, std::string back, const web::PageOptions& page) {
  if (api.status < 300) return Redirect(std::move(back));
  std::string message = "The request could not be done.";
  std::error_code ec;
  const json::value error = json::parse(api.body, ec);
  if (!ec && error.is_object()) {
    if (const json::value* m = error.as_object().if_contains("message"); m != nullptr && m->is_string()) {
      message = std::string(m->get_string());
    }
    if (const json::value* id = error.as_object().if_contains("error_id"); id != nullptr && id->is_string()) {
      message += " (error id " + std::string(id->get_string()) + ")";
    }
  }
  const web::PageLink link{back, "Back"};
  Response r = ErrorPage(api.status, ErrorPageTitle(api.status), message, page, &link);
  r.limit = api.limit;
  return r;
}

// The address of the page after `position` of the list at `path`, keeping `search`.
std::string OlderHref(std::string_view path, const std::optional<ListPosition>& position,
                      std::string_view search) {
  if (!position) return {};
  std::string href(path);
  href += "?cursor=" + EncodeCursor(*position);
  if (!search.empty()) href += "&q=" + boost::urls::encode(search, boost::urls::unreserved_chars);
  return href;
}

// The `cursor` parameter of a list page, if any; kInvalidArgument for one EncodeCursor did not make.
Result<std::optional<ListPosition>> CursorOf(const QueryParams& params) {
  const std::optional<std::string> cursor = FieldValue(params, "cursor");
  if (!cursor || cursor->empty()) return std::optional<ListPosition>();
  auto position = DecodeCursor(*cursor);
  if (!position.ok()) return position.status();
  return std::optional<ListPosition>(*position);
}

web::ViewCount ViewsOf(Store& store, const Task& task) {
  if (!IsShared(task.visibility)) return {};
  auto views = store.GetShareViews(task.id);
  if (!views.ok()) return {};  // the page shows no count rather than none at all
  return {views->views, views->last_viewed_at};
}

// The expires_at the share form's `expires` field asks for, as the API's body spells it (RFC 3339, or
// null): "keep" the current one, "never", or one of the offered durations from `now`.
Result<json::value> ExpiryOf(const std::optional<std::string>& field, const Task& task, UnixMicros now) {
  constexpr std::int64_t kHour = 3'600'000'000;
  if (!field || *field == "never") return json::value(nullptr);
  if (*field == "keep") {
    if (!task.share.expires_at) return json::value(nullptr);
    return json::value(FormatRfc3339(*task.share.expires_at));
  }
  for (const auto& [name, hours] :
       {std::pair<std::string_view, std::int64_t>{"1h", 1}, {"1d", 24}, {"7d", 24 * 7}, {"30d", 24 * 30}}) {
    if (*field == name) return json::value(FormatRfc3339(now + hours * kHour));
  }
  return Status::InvalidArgument("expires must be keep, never, 1h, 1d, 7d or 30d");
}

}  // namespace

Response MyTasksPage(const RouteContext& c, const Call& k) {
  const web::PageOptions page = PageOf(c);
  if (k.caller == nullptr) {
    const web::PageLink sign_in{SignInPath("/app"), "Sign in"};
    return Page(200, web::RenderSignedOut(&sign_in, page));
  }
  const QueryParams params = ParamsOf(k.routing);
  TaskQuery query;
  query.owner_id = k.caller->id;
  query.limit = kPageSize;
  query.title_contains = FieldValue(params, "q").value_or("");
  auto after = CursorOf(params);
  if (!after.ok()) return StatusPage(after.status(), page);
  query.after = *after;
  auto listed = c.store.ListTasks(query);
  if (!listed.ok()) return StatusPage(listed.status(), page);
  web::MyTasks shown;
  shown.search = query.title_contains;
  shown.older = OlderHref("/app", listed->next, query.title_contains);
  for (Task& task : listed->tasks) {
    web::ViewCount views = ViewsOf(c.store, task);
    shown.tasks.push_back({std::move(task), views});
  }
  const SignedIn me = ViewerOf(c, k);
  return Page(200, web::RenderMyTasks(me.viewer(), shown, Now(c), page));
}

Response SharedWithMePage(const RouteContext& c, const Call& k) {
  if (k.caller == nullptr) return SignInFirst(k);
  const web::PageOptions page = PageOf(c);
  const User& me = *k.caller;
  auto after = CursorOf(ParamsOf(k.routing));
  if (!after.ok()) return StatusPage(after.status(), page);
  ReadableQuery query;
  query.reader_id = me.id;
  query.team = me.team;
  query.support = ReadsSupportTasks(me.role);
  query.limit = kPageSize;
  query.after = *after;
  auto listed = c.store.ListReadableTasks(query);
  if (!listed.ok()) return StatusPage(listed.status(), page);
  web::SharedWithMe shown;
  shown.older = OlderHref("/app/shared", listed->next, {});
  const UnixMicros now = Now(c);
  for (Task& task : listed->tasks) {
    // What this reader may see of it, decided where every other view of a task is.
    if (!ShowListedTask(task, c.store, c.redactors, &me, now).ok()) continue;
    shown.tasks.push_back(std::move(task));
  }
  return Page(200, web::RenderSharedWithMe(ViewerOf(c, k).viewer(), shown, page));
}

Response AccountPage(const RouteContext& c, const Call& k) {
  if (k.caller == nullptr) return SignInFirst(k);
  const web::PageOptions page = PageOf(c);
  web::Account account;
  auto key = c.store.GetApiKey(k.caller->id);
  if (key.ok()) {
    account.key_prefix = key->prefix;
    account.key_created_at = key->created_at;
  } else if (key.status().code() != Code::kNotFound) {
    return StatusPage(key.status(), page);
  }
  auto secrets = c.store.ListSecrets(k.caller->id);
  if (!secrets.ok()) return StatusPage(secrets.status(), page);
  for (const SecretInfo& s : *secrets) account.secrets.push_back({s.name, s.updated_at});
  account.secrets_enabled = c.redactors.box() != nullptr;
  return Page(200, web::RenderAccount(ViewerOf(c, k).viewer(), account, page));
}

Response TaskSettingsPage(const RouteContext& c, const Call& k) {
  if (k.caller == nullptr) return SignInFirst(k);
  const web::PageOptions page = PageOf(c);
  auto task = OwnedTask(c.store, *k.caller, k.param);
  if (!task.ok()) return StatusPage(task.status(), page);
  web::OwnTask own{std::move(*task), {}};
  own.views = ViewsOf(c.store, own.task);
  return Page(200, web::RenderTaskSettings(ViewerOf(c, k).viewer(), own, Now(c), page));
}

Response ShareFromPage(const RouteContext& c, const Call& k) {
  const web::PageOptions page = PageOf(c);
  auto task = OwnedTask(c.store, *k.caller, k.param);
  if (!task.ok()) return StatusPage(task.status(), page);
  const UnixMicros now = Now(c);
  const QueryParams form = FormFields(k.request.body);
  auto expires = ExpiryOf(FieldValue(form, "expires"), *task, now);
  if (!expires.ok()) return StatusPage(expires.status(), page);
  json::object body;
  body["visibility"] = FieldValue(form, "visibility").value_or("");
  body["mode"] = FieldValue(form, "mode").value_or("live");
  body["expires_at"] = std::move(*expires);
  body["show_creator"] = FieldValue(form, "show_creator") == "on";
  body["redact"] = FieldValue(form, "redact") == "on";
  const Response api = PutShare(c.store, *k.caller, task->id, json::serialize(body), page.public_url, now);
  return Outcome(api, "/app/tasks/" + task->id, page);
}

Response RevokeFromPage(const RouteContext& c, const Call& k) {
  const web::PageOptions page = PageOf(c);
  auto task = OwnedTask(c.store, *k.caller, k.param);
  if (!task.ok()) return StatusPage(task.status(), page);
  return Outcome(DeleteShare(c.store, *k.caller, task->id, Now(c)), "/app/tasks/" + task->id, page);
}

Response RevokeAllFromPage(const RouteContext& c, const Call& k) {
  const web::PageOptions page = PageOf(c);
  if (FieldValue(FormFields(k.request.body), "confirm") != "yes") {
    return Page(200, web::RenderConfirmRevokeAll(ViewerOf(c, k).viewer(), page));
  }
  return Outcome(RevokeAllShares(c.store, *k.caller, "{}", Now(c)), "/app", page);
}

Response RotateKeyFromPage(const RouteContext& c, const Call& k) {
  const web::PageOptions page = PageOf(c);
  const Response api = RotateApiKey(c.store, *k.caller, std::nullopt, "{}", Now(c));
  if (api.status != 201) return Outcome(api, "/app/account", page);
  const json::value created = json::parse(api.body);
  return Page(200, web::RenderNewApiKey(ViewerOf(c, k).viewer(), created.at("api_key").as_string(), page));
}

Response AddSecretFromPage(const RouteContext& c, const Call& k) {
  const QueryParams form = FormFields(k.request.body);
  json::object body;
  body["name"] = FieldValue(form, "name").value_or("");
  body["value"] = FieldValue(form, "value").value_or("");
  const Response api =
      CreateSecret(c.store, c.redactors.box(), c.options.quotas, *k.caller, json::serialize(body), Now(c));
  return Outcome(api, "/app/account", PageOf(c));
}

Response DeleteSecretFromPage(const RouteContext& c, const Call& k) {
  const std::string name = FieldValue(FormFields(k.request.body), "name").value_or("");
  return Outcome(DeleteSecret(c.store, *k.caller, name), "/app/account", PageOf(c));
}

}  // namespace taskshare::api
