// Fuzz target "share_page": whole share pages (web::RenderSharePage) of a task whose title, model,
// schedule and messages come from the input, and error pages (web::RenderErrorPage).
//
// Input: one option byte (status, visibility, whether the task has a model and a schedule), then
// NUL-separated fields: the title, then one message per field as stored JSON text (the store only
// keeps JSON objects, but a message that is not one must still be shown safely, as escaped text).
// Properties checked besides memory safety: the page, and the error page made from the same text,
// pass the attacker's audit of tests/unit/html_audit.h.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "html_audit_oracle.h"
#include "web/share_page.h"

namespace taskshare::fuzz {
namespace {

void Audit(const std::string& html, std::string_view what) {
  const std::vector<std::string> problems = AuditHtml(html);
  if (problems.empty()) return;
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  Require(false, what);
}

TaskSnapshot SnapshotOf(uint8_t options, std::string_view fields) {
  TaskSnapshot s;
  Task& t = s.task;
  t.id = "00000000-0000-4000-8000-000000000001";
  t.created_by = "owner@example.com";
  t.status = static_cast<TaskStatus>(options % 6);
  t.visibility = (options & 8) != 0 ? Visibility::kUnlisted : Visibility::kPublic;
  t.created_at = 1767225600000000;
  t.updated_at = t.created_at + 90000000;
  t.secret_names = {"GITHUB_TOKEN"};
  if ((options & 16) != 0) t.model = "claude-sonnet <b>4</b>";
  if ((options & 32) != 0) {
    ScheduleInfo info;
    info.schedule_id = "00000000-0000-4000-8000-0000000000c2";
    info.schedule_name = "nightly <script>";
    info.next_execution_at = t.updated_at;
    t.schedule_info = info;
    t.is_scheduled = true;
  }
  bool first = true;
  while (true) {
    const size_t nul = fields.find('\0');
    std::string field(fields.substr(0, nul));
    if (first) {
      t.title = std::move(field);
      first = false;
    } else {
      s.messages.push_back(std::move(field));
    }
    if (nul == std::string_view::npos) break;
    fields.remove_prefix(nul + 1);
  }
  return s;
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  if (size == 0) return 0;
  const std::string_view fields(reinterpret_cast<const char*>(data) + 1, size - 1);
  const TaskSnapshot snapshot = fuzz::SnapshotOf(data[0], fields);
  const web::PageOptions options{
      .public_url = "https://share.example.com", .site_name = "taskshare", .index = (data[0] & 64) != 0};
  fuzz::Audit(web::RenderSharePage(snapshot, options), "share page fails the HTML audit");
  fuzz::Audit(web::RenderErrorPage(404, snapshot.task.title, fields, options),
              "error page fails the HTML audit");
  return 0;
}
