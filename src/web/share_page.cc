#include "web/share_page.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "domain/enums.h"
#include "domain/messages.h"
#include "web/html.h"
#include "web/json_pretty.h"
#include "web/markdown.h"
#include "web/message_view.h"

namespace taskshare::web {
namespace {

constexpr size_t kDescriptionChars = 200;
constexpr std::string_view kUntitled = "Untitled task";

void AppendSchedule(std::string& out, const ScheduleInfo& s) {
  out += "<div class=\"sched\"><span class=\"kind\">Schedule</span>";
  if (s.schedule_name) AppendFact(out, "Name", *s.schedule_name);
  AppendFact(out, "Type", ToString(s.schedule_type));
  if (s.scan_frequency) AppendFact(out, "Every", ToString(*s.scan_frequency));
  AppendFact(out, "Status", ToString(s.schedule_status));
  if (s.next_execution_at) AppendTimeFact(out, "Next run", *s.next_execution_at);
  if (s.last_executed_at) AppendTimeFact(out, "Last run", *s.last_executed_at);
  AppendFact(out, "Runs", std::to_string(s.execution_count));
  out += "</div>\n";
}

void AppendTaskHeader(std::string& out, const Task& task, std::string_view title, size_t message_count,
                      const PageOptions& options) {
  out += "<header class=\"task\">\n<p class=\"site\">";
  AppendEscaped(out, options.site_name);
  out += "</p>\n<h1>";
  AppendEscaped(out, title);
  out += "</h1>\n<div class=\"meta\"><span class=\"badge s-";
  AppendEscaped(out, ToString(task.status));
  out += "\">";
  AppendEscaped(out, ToString(task.status));
  out += "</span>";
  if (task.model) AppendFact(out, "Model", *task.model);
  if (task.share.show_creator) AppendFact(out, "By", task.created_by);
  AppendTimeFact(out, "Created", task.created_at);
  AppendTimeFact(out, "Updated", task.updated_at);
  AppendFact(out, "Messages", std::to_string(message_count));
  out += "</div>\n";
  if (task.schedule_info) AppendSchedule(out, *task.schedule_info);
  out += "</header>\n";
}

// The text of the first user message, folded and cut, for link previews. Messages are parsed one at a
// time and only if their text names the role (a role written with \u escapes is missed, and the title
// is shown instead), so that the page never holds more than one message's parse.
std::string Description(const std::vector<std::string>& messages, std::string_view title) {
  for (const std::string& message : messages) {
    if (message.find("\"user\"") == std::string::npos) continue;
    const std::optional<boost::json::value> parsed = ParseJson(message);
    const boost::json::object* object = parsed ? parsed->if_object() : nullptr;
    if (object == nullptr) continue;
    const boost::json::value* role = object->if_contains("role");
    if (role == nullptr || !role->is_string() || role->get_string() != "user") continue;
    std::string text = Excerpt(MessageText(*object), kDescriptionChars);
    if (!text.empty()) return text;
  }
  return Excerpt(title, kDescriptionChars);
}

}  // namespace

std::string RenderSharePage(const TaskSnapshot& snapshot, const PageOptions& options) {
  const Task& task = snapshot.task;
  size_t bytes = 0;
  for (const std::string& message : snapshot.messages) bytes += message.size();
  const std::string title = task.title.empty() ? std::string(kUntitled) : Excerpt(task.title, 300);
  const std::string description = Description(snapshot.messages, title);

  std::string out;
  out.reserve(bytes + bytes / 4 + 16384);
  AppendDocumentStart(out, {title, description, options.public_url + "/share/" + task.id, options.index},
                      options);
  AppendTaskHeader(out, task, title, snapshot.messages.size(), options);
  out += "<main>\n";
  PageBudget page;
  page.raw_url = options.public_url + "/api/v1/tasks/" + task.id + "/share";
  page.redactor = options.redactor;
  page.limit = out.size() + kHtmlBytesPerStoredByte * bytes + kPageAllowanceBytes;
  const size_t message_allowance = MessageAllowance(page);
  size_t rendered_bytes = 0;
  for (size_t i = 0; i < snapshot.messages.size(); ++i) {
    const std::string& message = snapshot.messages[i];
    if (out.size() + message_allowance > page.limit) {
      AppendPageCut(out, snapshot.messages.size() - i, bytes - rendered_bytes, page);
      break;
    }
    // Parsed here, one at a time, so that only one message's parse is held at once.
    const std::optional<boost::json::value> parsed = ParseJson(message);
    AppendMessage(out, message, parsed ? &*parsed : nullptr, i + 1, page);
    rendered_bytes += message.size();
  }
  if (snapshot.messages.empty()) out += "<p class=\"empty\">This task has no messages yet.</p>\n";
  out += "</main>\n<footer class=\"foot\">Shared read-only on ";
  AppendEscaped(out, options.site_name);
  out += ".</footer>\n";
  AppendDocumentEnd(out);
  return out;
}

std::string RenderErrorPage(int status, std::string_view title, std::string_view message,
                            const PageOptions& options, const PageLink* link) {
  std::string out;
  AppendDocumentStart(out, {title, message, std::string(), false}, options);
  out += "<header class=\"task\">\n<p class=\"site\">";
  AppendEscaped(out, options.site_name);
  out += "</p>\n<p class=\"status\">";
  out += std::to_string(status);
  out += "</p>\n<h1>";
  AppendEscaped(out, title);
  out += "</h1>\n</header>\n<main>\n<p>";
  AppendEscaped(out, message);
  out += "</p>\n";
  if (link != nullptr) AppendLink(out, *link);
  out += "</main>\n";
  AppendDocumentEnd(out);
  return out;
}

}  // namespace taskshare::web
