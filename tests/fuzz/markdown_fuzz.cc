// Fuzz target "markdown": untrusted text through the share page's text renderers: RenderMarkdown
// (cmark-gfm behind the cost guard of markdown_guard.h), RenderPlainText, the HTML escape, excerpts,
// preformatted blocks and the JSON pretty-printer.
//
// Input: one option byte (bit 0: hard line breaks; bit 1: a small page budget, so the plain-text
// fallback is taken too; bit 2: the rendering redacted with the built-in rules and the secret value
// "hunter2-pw", as the share page renders), then the text. Properties checked besides memory safety: every
// piece of HTML passes the attacker's audit of tests/unit/html_audit.h (allowed tags only, no script, no
// event handler, no live URL scheme, valid UTF-8), the cost estimate is finite and non-negative, and a
// redacted rendering never shows the secret value.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "html_audit_oracle.h"
#include "redact/redactor.h"
#include "web/html.h"
#include "web/json_pretty.h"
#include "web/markdown.h"
#include "web/markdown_guard.h"

namespace taskshare::fuzz {
namespace {

void Audit(const std::string& html, std::string_view what) {
  const std::vector<std::string> problems = AuditHtml(html);
  if (problems.empty()) return;
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  Require(false, what);
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const web::MarkdownCost cost = web::EstimateMarkdownCost(text);
  fuzz::Require(std::isfinite(cost.total()) && cost.total() >= 0, "markdown cost estimate");
  (void)web::MarkdownIsTame(cost, text.size());

  double budget_ns = (data[0] & 2) != 0 ? 20000.0 : web::kMarkdownPageBudgetNs;
  static const redact::Redactor kRedactor({"hunter2-pw"});
  web::MarkdownOptions options{.hard_breaks = (data[0] & 1) != 0,
                               .budget_ns = &budget_ns,
                               .redactor = (data[0] & 4) != 0 ? &kRedactor : nullptr};
  const std::string html = web::RenderMarkdown(text, options);
  fuzz::Audit(html, "RenderMarkdown output fails the HTML audit");
  if (options.redactor != nullptr && html.find("<pre class=\"plain\">") == std::string::npos) {
    fuzz::Require(html.find("hunter2-pw") == std::string::npos, "a redacted rendering shows the secret");
  }
  fuzz::Require(budget_ns <= web::kMarkdownPageBudgetNs, "budget grew");
  fuzz::Audit(web::RenderPlainText(text), "RenderPlainText output fails the HTML audit");
  fuzz::Audit(web::HtmlEscape(text), "HtmlEscape output fails the HTML audit");

  std::string pre;
  web::AppendPreBlock(pre, text, "plain");
  fuzz::Audit(pre, "AppendPreBlock output fails the HTML audit");
  fuzz::Require(fuzz::IsValidUtf8(web::Excerpt(text, 80)), "Excerpt is not UTF-8");
  (void)web::CountLines(text);

  if (auto parsed = web::ParseJson(text)) {
    const auto pretty = web::ParseJson(web::PrettyJson(text));
    fuzz::Require(pretty && *pretty == *parsed, "PrettyJson changes the JSON value");
  }
  return 0;
}
