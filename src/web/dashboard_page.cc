#include "web/dashboard_page.h"

#include <utility>

#include "domain/access.h"
#include "domain/enums.h"
#include "domain/share_view.h"
#include "web/html.h"

namespace taskshare::web {
namespace {

constexpr std::string_view kUntitled = "Untitled task";
constexpr size_t kTitleChars = 120;

// The expiries the share form offers, as the form field `expires` spells them (api/dashboard_api.h
// reads the same values).
constexpr std::pair<std::string_view, std::string_view> kExpiries[] = {
    {"never", "Never"}, {"1h", "In 1 hour"}, {"1d", "In 1 day"}, {"7d", "In 7 days"}, {"30d", "In 30 days"}};

std::string TitleOf(const Task& task) {
  return task.title.empty() ? std::string(kUntitled) : Excerpt(task.title, kTitleChars);
}

// The document start, the site's name, the page's heading, and the navigation of a signed-in page.
void AppendStart(std::string& out, std::string_view title, const Viewer* viewer, const PageOptions& options) {
  AppendDocumentStart(out, {title, title, std::string(), false, "same-origin"}, options);
  out += "<header class=\"task\">\n<p class=\"site\">";
  AppendEscaped(out, options.site_name);
  out += "</p>\n";
  if (viewer != nullptr) {
    out +=
        "<nav class=\"app\"><a href=\"/app\">My tasks</a><a href=\"/app/shared\">Shared with me</a>"
        "<a href=\"/app/account\">API key and secrets</a><span>Signed in as <b>";
    AppendEscaped(out, viewer->email);
    out += "</b></span>";
    for (const auto& [action, words] :
         {std::pair<std::string_view, std::string_view>{"/auth/sign-out", "Sign out"},
          {"/auth/sign-out-everywhere", "Sign out everywhere"}}) {
      out += "<form class=\"inline\" method=\"post\" action=\"";
      out += action;
      out += "\"><input type=\"hidden\" name=\"csrf\" value=\"";
      AppendEscaped(out, viewer->csrf);
      out += "\"><button type=\"submit\">";
      out += words;
      out += "</button></form>";
    }
    out += "</nav>\n";
  }
  out += "<h1>";
  AppendEscaped(out, title);
  out += "</h1>\n</header>\n<main>\n";
}

void AppendEnd(std::string& out) {
  out += "</main>\n";
  AppendDocumentEnd(out);
}

// `<form method="post" action="ACTION" class="CLASS">` and its CSRF field; the caller closes it.
void OpenForm(std::string& out, std::string_view action, const Viewer& viewer,
              std::string_view css_class = {}) {
  out += "<form method=\"post\" action=\"";
  AppendEscaped(out, action);
  out += '"';
  if (!css_class.empty()) {
    out += " class=\"";
    out += css_class;
    out += '"';
  }
  out += "><input type=\"hidden\" name=\"csrf\" value=\"";
  AppendEscaped(out, viewer.csrf);
  out += "\">";
}

std::string ShareUrl(const Task& task, const PageOptions& options) {
  return options.public_url + "/share/" + task.id;
}

// "Not shared (team)", "Live", "Pinned at 12 messages", then the expiry: the share state of a link.
void AppendShareState(std::string& out, const Task& task, UnixMicros now) {
  if (!IsShared(task.visibility)) {
    out += "<span>Not shared (<b>";
    AppendEscaped(out, ToString(task.visibility));
    out += "</b>)</span>";
    return;
  }
  AppendFact(out, "Link", ToString(task.visibility));
  if (task.share.mode == ShareMode::kPinned && task.share.pinned_messages) {
    const std::int64_t n = *task.share.pinned_messages;
    AppendFact(out, "Pinned at", std::to_string(n) + (n == 1 ? " message" : " messages"));
  } else {
    AppendFact(out, "Shows", "live");
  }
  if (task.share.expires_at) {
    AppendTimeFact(out, ShareExpired(task.share, now) ? "Expired" : "Expires", *task.share.expires_at);
  }
}

void AppendViews(std::string& out, const ViewCount& views) {
  AppendFact(out, "Views", std::to_string(views.views));
  if (views.last_viewed_at) AppendTimeFact(out, "Last viewed", *views.last_viewed_at);
}

// The link of a shared task in a read-only field, ready to select and copy.
void AppendLinkField(std::string& out, const Task& task, const PageOptions& options) {
  out += "<input class=\"link\" type=\"text\" readonly aria-label=\"Share link\" value=\"";
  AppendEscaped(out, ShareUrl(task, options));
  out += "\">";
}

void AppendOlder(std::string& out, std::string_view older) {
  if (older.empty()) return;
  AppendLink(out, {std::string(older), "Older tasks"});
}

// The start of a task's item in a list: its title, linking to `path_prefix` + its id, and the opening
// of its facts; the caller closes both.
void OpenTaskItem(std::string& out, std::string_view path_prefix, const Task& task) {
  out += "<li><a href=\"";
  out += path_prefix;
  AppendEscaped(out, task.id);
  out += "\">";
  AppendEscaped(out, TitleOf(task));
  out += "</a>\n<div class=\"meta\">";
}

// A labelled radio button or checkbox (`type`) of field `name` with `value`.
void AppendChoice(std::string& out, std::string_view type, std::string_view name, std::string_view value,
                  bool checked, std::string_view words) {
  out += "<label><input type=\"";
  out += type;
  out += "\" name=\"";
  out += name;
  out += "\" value=\"";
  out += value;
  out += '"';
  if (checked) out += " checked";
  out += "> ";
  AppendEscaped(out, words);
  out += "</label>\n";
}

}  // namespace

std::string RenderMyTasks(const Viewer& viewer, const MyTasks& page, UnixMicros now,
                          const PageOptions& options) {
  std::string out;
  AppendStart(out, "My tasks", &viewer, options);
  out +=
      "<form class=\"search\" method=\"get\" action=\"/app\"><input type=\"search\" name=\"q\" "
      "aria-label=\"Search titles\" placeholder=\"Search titles\" maxlength=\"200\" value=\"";
  AppendEscaped(out, page.search);
  out += "\"><button type=\"submit\">Search</button></form>\n";
  if (page.tasks.empty()) {
    out += page.search.empty() ? "<p class=\"empty\">You have no tasks yet.</p>\n"
                               : "<p class=\"empty\">No task of yours has that in its title.</p>\n";
  }
  out += "<ul class=\"tasks\">\n";
  for (const OwnTask& own : page.tasks) {
    const Task& task = own.task;
    OpenTaskItem(out, "/app/tasks/", task);
    AppendFact(out, "Status", ToString(task.status));
    AppendShareState(out, task, now);
    if (IsShared(task.visibility)) AppendViews(out, own.views);
    AppendTimeFact(out, "Created", task.created_at);
    out += "</div>\n";
    if (IsShared(task.visibility)) AppendLinkField(out, task, options);
    out += "</li>\n";
  }
  out += "</ul>\n";
  AppendOlder(out, page.older);
  out += "<h2>Every link at once</h2>\n";
  OpenForm(out, "/app/revoke-all", viewer);
  out += "<button class=\"danger\" type=\"submit\">Revoke all my links</button></form>\n";
  AppendEnd(out);
  return out;
}

std::string RenderSharedWithMe(const Viewer& viewer, const SharedWithMe& page, const PageOptions& options) {
  std::string out;
  AppendStart(out, "Shared with me", &viewer, options);
  if (page.tasks.empty()) {
    out += "<p class=\"empty\">No task of your team, or for support, is shared with you.</p>\n";
  }
  out += "<ul class=\"tasks\">\n";
  for (const Task& task : page.tasks) {
    OpenTaskItem(out, "/share/", task);
    AppendFact(out, "For", ToString(task.visibility));
    AppendFact(out, "Status", ToString(task.status));
    if (!task.created_by.empty()) AppendFact(out, "By", task.created_by);
    AppendTimeFact(out, "Updated", task.updated_at);
    out += "</div></li>\n";
  }
  out += "</ul>\n";
  AppendOlder(out, page.older);
  AppendEnd(out);
  return out;
}

std::string RenderAccount(const Viewer& viewer, const Account& account, const PageOptions& options) {
  std::string out;
  AppendStart(out, "API key and secrets", &viewer, options);
  out += "<h2>API key</h2>\n<div class=\"meta\">";
  if (account.key_created_at) {
    AppendFact(out, "Starts with",
               account.key_prefix ? *account.key_prefix + "\xE2\x80\xA6" : "(not recorded)");
    AppendTimeFact(out, "Created", *account.key_created_at);
  } else {
    out += "<span>You have no API key.</span>";
  }
  out += "</div>\n<p>Rotating replaces your key at once: tools that use the old one stop working.</p>\n";
  OpenForm(out, "/app/apikey/rotate", viewer);
  out += "<button type=\"submit\">Rotate my API key</button></form>\n";

  out +=
      "<h2 id=\"secrets\">Secrets</h2>\n<p>Their values are redacted from every view of your tasks "
      "that name them. Values are never shown again.</p>\n";
  if (account.secrets.empty()) out += "<p class=\"empty\">You have no secrets.</p>\n";
  out += "<ul class=\"tasks\">\n";
  for (const SecretName& secret : account.secrets) {
    out += "<li><span class=\"name\">";
    AppendEscaped(out, secret.name);
    out += "</span> <span class=\"meta\">";
    AppendTimeFact(out, "Updated", secret.updated_at);
    out += "</span>";
    OpenForm(out, "/app/secrets/delete", viewer, "inline");
    out += "<input type=\"hidden\" name=\"name\" value=\"";
    AppendEscaped(out, secret.name);
    out += "\"><button class=\"danger\" type=\"submit\">Delete</button></form></li>\n";
  }
  out += "</ul>\n";
  if (account.secrets_enabled) {
    OpenForm(out, "/app/secrets", viewer);
    out +=
        "<label>Name <input type=\"text\" name=\"name\" required autocomplete=\"off\"></label>\n"
        "<label>Value <input type=\"password\" name=\"value\" required autocomplete=\"off\"></label>\n"
        "<button type=\"submit\">Add or replace</button></form>\n";
  } else {
    out += "<p class=\"empty\">This server keeps no secrets: it was started without a secrets key.</p>\n";
  }
  AppendEnd(out);
  return out;
}

std::string RenderTaskSettings(const Viewer& viewer, const OwnTask& own, UnixMicros now,
                               const PageOptions& options) {
  const Task& task = own.task;
  const ShareSettings& share = task.share;
  const bool shared = IsShared(task.visibility);
  std::string out;
  AppendStart(out, TitleOf(task), &viewer, options);
  out += "<div class=\"meta\">";
  AppendFact(out, "Status", ToString(task.status));
  AppendShareState(out, task, now);
  if (shared) AppendViews(out, own.views);
  out += "</div>\n";
  if (shared) {
    AppendLinkField(out, task, options);
    out += "<p><a href=\"/share/";
    AppendEscaped(out, task.id);
    out += "\">Open the link</a></p>\n";
  }

  out += "<h2>Share</h2>\n";
  const std::string action = "/app/tasks/" + task.id + "/share";
  OpenForm(out, action, viewer);
  out += "<fieldset><legend>Who may open the link</legend>\n";
  AppendChoice(out, "radio", "visibility", "unlisted", task.visibility != Visibility::kPublic,
               "Anyone with the link (unlisted)");
  AppendChoice(out, "radio", "visibility", "public", task.visibility == Visibility::kPublic,
               "Public: anyone, and search engines may list it");
  out += "</fieldset>\n<fieldset><legend>What the link shows</legend>\n";
  AppendChoice(out, "radio", "mode", "live", share.mode != ShareMode::kPinned,
               "Live: messages added later show too");
  AppendChoice(out, "radio", "mode", "pinned", share.mode == ShareMode::kPinned,
               "Pinned: only the messages the task has when you save");
  out += "</fieldset>\n<label>Expires <select name=\"expires\">";
  const bool keep = share.expires_at && !ShareExpired(share, now);
  if (keep) {
    out += "<option value=\"keep\" selected>Keep: ";
    AppendEscaped(out, HumanUtc(*share.expires_at));
    out += "</option>";
  }
  for (const auto& [value, words] : kExpiries) {
    out += "<option value=\"";
    out += value;
    out += '"';
    if (!keep && value == "never") out += " selected";
    out += '>';
    out += words;
    out += "</option>";
  }
  out += "</select></label>\n";
  AppendChoice(out, "checkbox", "show_creator", "on", share.show_creator,
               "Show my email as the task's creator");
  AppendChoice(out, "checkbox", "redact", "on", share.redact,
               "Redact credentials (secrets you named are always redacted)");
  out += "<button type=\"submit\">";
  out += shared ? "Save" : "Share";
  out += "</button></form>\n";

  if (shared) {
    out += "<h2>Stop sharing</h2>\n<p>The link stops working at once; the task becomes private.</p>\n";
    OpenForm(out, "/app/tasks/" + task.id + "/revoke", viewer);
    out += "<button class=\"danger\" type=\"submit\">Revoke the link</button></form>\n";
  }
  AppendEnd(out);
  return out;
}

std::string RenderConfirmRevokeAll(const Viewer& viewer, const PageOptions& options) {
  std::string out;
  AppendStart(out, "Revoke all my links?", &viewer, options);
  out +=
      "<p>Every public or unlisted task of yours becomes private, its link stops working at once, "
      "and your schedules create private tasks from now on. This cannot be undone in one step.</p>\n";
  OpenForm(out, "/app/revoke-all", viewer);
  out +=
      "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
      "<button class=\"danger\" type=\"submit\">Revoke all my links</button></form>\n"
      "<p><a href=\"/app\">Cancel</a></p>\n";
  AppendEnd(out);
  return out;
}

std::string RenderNewApiKey(const Viewer& viewer, std::string_view key, const PageOptions& options) {
  std::string out;
  AppendStart(out, "Your new API key", &viewer, options);
  out +=
      "<p>Copy it now: it is shown this once. Your old key no longer works.</p>\n"
      "<input class=\"link\" type=\"text\" readonly aria-label=\"API key\" value=\"";
  AppendEscaped(out, key);
  out += "\">\n<p><a href=\"/app/account\">Done</a></p>\n";
  AppendEnd(out);
  return out;
}

std::string RenderSignedOut(const PageLink* sign_in, const PageOptions& options) {
  std::string out;
  AppendStart(out, "Not signed in", nullptr, options);
  if (sign_in != nullptr) AppendLink(out, *sign_in);
  AppendEnd(out);
  return out;
}

}  // namespace taskshare::web
