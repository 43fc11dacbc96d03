#include "web/share_page.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "cpu_time.h"
#include "html_audit.h"
#include "web/json_pretty.h"
#include "web/markdown.h"
#include "web/markdown_guard.h"

namespace taskshare::web {
namespace {

using testing::AttrValues;
using testing::AuditHtml;
using testing::IsValidUtf8;
using testing::Lower;

constexpr const char* kScript = "<script>alert(1)</script>";

PageOptions Options() {
  PageOptions o;
  o.public_url = "https://share.example.com";
  return o;
}

TaskSnapshot Snapshot(std::vector<std::string> messages) {
  TaskSnapshot s;
  s.task.id = "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11";
  s.task.title = "External pentest";
  s.task.status = TaskStatus::kCompleted;
  s.task.model = "auto";
  s.task.created_by = "owner@example.com";
  s.task.secret_names = {"TARGET_API_TOKEN"};
  s.task.created_at = 1'794'996'000'000'000;  // 2026-11-18T10:00:00Z
  s.task.updated_at = s.task.created_at + 390'000'000;
  s.messages = std::move(messages);
  return s;
}

std::string Render(std::vector<std::string> messages, const PageOptions& options = Options()) {
  return RenderSharePage(Snapshot(std::move(messages)), options);
}

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t i = haystack.find(needle); i != std::string_view::npos; i = haystack.find(needle, i + 1)) ++n;
  return n;
}

// The content attribute of <meta property|name="key">.
std::string MetaContent(const std::string& html, std::string_view key) {
  for (const auto& tag : testing::Tags(html)) {
    if (tag.name != "meta") continue;
    bool match = false;
    std::string content;
    for (const auto& [attr, value] : tag.attrs) {
      if ((attr == "property" || attr == "name") && value == key) match = true;
      if (attr == "content") content = value;
    }
    if (match) return content;
  }
  return "<missing>";
}

TEST(SharePageTest, ScriptPayloadsAreEscapedEverywhere) {
  TaskSnapshot s = Snapshot({
      R"({"role":"user","content":"Try <script>alert(1)</script> and <SCRIPT SRC=//x.js></SCRIPT>"})",
      R"({"role":"assistant","parts":[{"type":"text","text":"`<script>alert(1)</script>`\n\n```html\n<script>alert(1)</script>\n```\n\n<script>\nalert(1)\n</script>\n"},
          {"type":"tool-call","tool":"<script>alert(1)</script>","input":{"q":"<script>alert(1)</script>"}}]})",
      R"({"role":"tool","parts":[{"type":"tool-result","tool":"curl","output":"<html><script>alert(1)</script></html>"}]})",
      R"({"role":"tool","parts":[{"type":"tool-result","name":"x","output":{"body":"<script>alert(1)</script>"}}]})",
      R"({"role":"<script>alert(1)</script>","created_at":"<script>alert(1)</script>","content":"x"})",
      R"({"role":"assistant","parts":[{"type":"<script>alert(1)</script>","x":"<script>alert(1)</script>"}]})",
      R"({"role":"assistant","content":"<script>alert(1)</script>" broken json)",
  });
  s.task.title = kScript;
  s.task.model = kScript;
  s.task.schedule_info = ScheduleInfo{};
  s.task.schedule_info->schedule_name = kScript;
  const std::string html = RenderSharePage(s, Options());
  EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
  EXPECT_GE(Count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 10u);  // shown, not dropped
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(SharePageTest, RawHtmlEventHandlersProduceNoElement) {
  const std::string html = Render(
      {R"({"role":"assistant","content":"x <img src=x onerror=alert(1)> y\n\n<img src=x onerror=alert(2)>\n"})"});
  EXPECT_EQ(Lower(html).find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(SharePageTest, JavascriptLinksHaveNoJavascriptHref) {
  const std::string html =
      Render({R"({"role":"assistant","content":"[x](javascript:alert(1)) <javascript:alert(2)>"})"});
  for (const std::string& href : AttrValues(html, "a", "href")) {
    EXPECT_EQ(Lower(href).find("javascript"), std::string::npos) << href;
  }
  EXPECT_EQ(Lower(html).find("href=\"javascript"), std::string::npos);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(SharePageTest, EntitiesStayLiteralOutsideMarkdown) {
  TaskSnapshot s = Snapshot(
      {R"({"role":"tool","parts":[{"type":"tool-result","tool":"&lt;t&gt;","output":"&lt;b&gt; &amp;"}]})",
       R"({"role":"assistant","content":"`&lt;` in code"})"});
  s.task.title = "A &amp; B";
  const std::string html = RenderSharePage(s, Options());
  EXPECT_NE(html.find("<h1>A &amp;amp; B</h1>"), std::string::npos);
  EXPECT_NE(html.find("&amp;lt;b&amp;gt; &amp;amp;"), std::string::npos);
  EXPECT_NE(html.find("<code class=\"name\">&amp;lt;t&amp;gt;</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>&amp;lt;</code>"), std::string::npos);
}

TEST(SharePageTest, BrokenUtf8ProducesValidUtf8) {
  TaskSnapshot s = Snapshot({std::string("{\"role\":\"user\",\"content\":\"bad \xFF\xFE here\"}"),
                             R"({"role":"user","content":"ok \u00e9 \ud83d\ude00"})"});
  s.task.title = "T\xC3\x28itle \xED\xA0\x80";
  s.task.model = std::string("m\x80");
  const std::string html = RenderSharePage(s, Options());
  EXPECT_TRUE(IsValidUtf8(html));
  EXPECT_NE(html.find("bad \xEF\xBF\xBD\xEF\xBF\xBD here"),
            std::string::npos);  // the unparseable message, raw
  EXPECT_NE(html.find("ok \xC3\xA9 \xF0\x9F\x98\x80"), std::string::npos);
  EXPECT_NE(html.find("T\xEF\xBF\xBD(itle"), std::string::npos);
}

TEST(SharePageTest, DeeplyNestedMarkdownTerminatesFast) {
  std::vector<std::string> messages;
  for (char c : {'>', '[', '*', '-', '`', '_', '~', '|'}) {
    messages.push_back(R"({"role":"assistant","content":")" + std::string(10000, c) + R"( x"})");
  }
  messages.push_back(R"({"role":"assistant","content":")" + std::string(20000, ' ') + R"(- x"})");
  const double start = taskshare::testing::ThreadCpuSeconds();
  const std::string html = Render(messages);
  EXPECT_LT(taskshare::testing::ThreadCpuSeconds() - start,
            1.0);  // CPU seconds: a bound on work, not on load
  EXPECT_EQ(Count(html, "<article class=\"msg r-assistant\""), messages.size());
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(SharePageTest, FiveMegabyteMessagesRenderInUnderTwoCpuSeconds) {
  std::string prose;
  while (prose.size() < 5 * 1024 * 1024) {
    prose += "Step: **scan** `api.target.example` and see https://target.example/x?y=1 | ok.\\n\\n";
  }
  std::string output;
  while (output.size() < 5 * 1024 * 1024) output += "22/tcp  open  ssh  OpenSSH 9.2p1 <b>&amp;</b>\\n";
  for (const std::string& message :
       {R"({"role":"assistant","content":")" + prose + "\"}",
        R"({"role":"tool","parts":[{"type":"tool-result","tool":"nmap","output":")" + output + "\"}]}"}) {
    const double start = taskshare::testing::ThreadCpuSeconds();
    const std::string html = Render({message});
    EXPECT_LT(taskshare::testing::ThreadCpuSeconds() - start, 2.0);  // CPU seconds
    EXPECT_GT(html.size(), 4u * 1024 * 1024);
    EXPECT_TRUE(IsValidUtf8(html));
  }
}

TEST(SharePageTest, DenseMarkdownIsBoundedPerPage) {
  // Emphasis, list items and links as densely as markdown allows: linear, but the slowest per byte.
  std::string dense;
  while (dense.size() < 200 * 1024) dense += "- *a* [b](c) _d_\\n";
  const std::string text(std::string_view(ParseJson("\"" + dense + "\"")->as_string()));
  const double estimate = EstimateMarkdownCost(text).total();
  const auto fitting = static_cast<size_t>(kMarkdownPageBudgetNs / estimate);
  ASSERT_GE(fitting, 1u);
  ASSERT_LT(fitting, 6u);
  std::vector<std::string> messages(6, R"({"role":"assistant","content":")" + dense + "\"}");
  const double start = taskshare::testing::ThreadCpuSeconds();
  const std::string html = Render(messages);
  EXPECT_LT(taskshare::testing::ThreadCpuSeconds() - start,
            1.0);  // CPU seconds: a bound on work, not on load
  // The first ones fit in the page's budget; the others are shown whole, as plain text.
  EXPECT_EQ(Count(html, "<div class=\"md\"><ul>"), fitting);
  EXPECT_EQ(Count(html, "<div class=\"md\"><pre class=\"plain\">- *a* [b](c) _d_\n"), 6 - fitting);
}

TEST(SharePageTest, OpenGraphAndTwitterTagsCarryEscapedValues) {
  TaskSnapshot s = Snapshot(
      {R"({"role":"assistant","content":"not me"})",
       R"({"role":"user","parts":[{"type":"text","text":"  Scan \"prod\" <now>\n\n  & report\t"}]})"});
  s.task.title = "Pentest \"A\" <B> & C's";
  const std::string html = RenderSharePage(s, Options());
  EXPECT_NE(
      html.find("<meta property=\"og:title\" content=\"Pentest &quot;A&quot; &lt;B&gt; &amp; C&#39;s\">"),
      std::string::npos);
  EXPECT_EQ(MetaContent(html, "og:description"), "Scan &quot;prod&quot; &lt;now&gt; &amp; report");
  EXPECT_EQ(MetaContent(html, "description"), "Scan &quot;prod&quot; &lt;now&gt; &amp; report");
  EXPECT_EQ(MetaContent(html, "twitter:description"), "Scan &quot;prod&quot; &lt;now&gt; &amp; report");
  EXPECT_EQ(MetaContent(html, "og:url"),
            "https://share.example.com/share/5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11");
  EXPECT_EQ(MetaContent(html, "og:site_name"), "taskshare");
  EXPECT_EQ(MetaContent(html, "og:type"), "article");
  EXPECT_EQ(MetaContent(html, "twitter:card"), "summary");
  EXPECT_EQ(MetaContent(html, "twitter:title"), MetaContent(html, "og:title"));
  EXPECT_NE(html.find("<title>Pentest &quot;A&quot; &lt;B&gt; &amp; C&#39;s \xC2\xB7 taskshare</title>"),
            std::string::npos);
}

TEST(SharePageTest, DescriptionIsCutToAboutTwoHundredCharacters) {
  std::string words;
  for (int i = 0; i < 100; ++i) words += "word\\n ";
  const std::string html = Render({R"({"role":"user","content":")" + words + "\"}"});
  const std::string description = MetaContent(html, "og:description");
  EXPECT_EQ(description.rfind("word word word", 0), 0u);
  // At most 200 characters, cut between words here, then U+2026.
  EXPECT_EQ(description.size(), 199u + 3);
  EXPECT_EQ(description.substr(199), "\xE2\x80\xA6");
}

TEST(SharePageTest, RobotsMetaFollowsIndexOption) {
  PageOptions options = Options();
  EXPECT_NE(Render({}, options).find("<meta name=\"robots\" content=\"noindex, nofollow\">"),
            std::string::npos);
  options.index = true;
  EXPECT_EQ(Render({}, options).find("robots"), std::string::npos);
}

TEST(SharePageTest, HeadIsCompleteAndSelfContained) {
  const std::string html = Render({R"({"role":"user","content":"hi"})"});
  EXPECT_EQ(html.rfind("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", 0), 0u);
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta name=\"referrer\" content=\"no-referrer\">"), std::string::npos);
  EXPECT_EQ(Lower(html).find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" style="), std::string::npos);
  EXPECT_EQ(Count(html, "<style>"), 1u);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

std::string Sha256Base64(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned char b64[128];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

std::string StyleText(const std::string& html) {
  const size_t open = html.find("<style>");
  const size_t close = html.find("</style>");
  if (open == std::string::npos || close == std::string::npos) return {};
  return html.substr(open + 7, close - open - 7);
}

TEST(SharePageTest, CspHashIsTheSha256OfTheStyleElement) {
  const std::string share = Render({R"({"role":"user","content":"hi"})"});
  const std::string error = RenderErrorPage(404, "Task not found", "No task has this id.", Options());
  EXPECT_EQ(StyleText(share), Stylesheet());
  EXPECT_EQ(StyleText(error), Stylesheet());
  EXPECT_EQ(StyleCspSource(), "'sha256-" + Sha256Base64(StyleText(share)) + "'");
  EXPECT_EQ(StyleCspSource().size(), 9u + 44u);
  EXPECT_LT(Stylesheet().size(), 6u * 1024);
  EXPECT_EQ(Stylesheet().find("</"), std::string::npos);
  EXPECT_NE(Stylesheet().find("prefers-color-scheme:dark"), std::string::npos);
  EXPECT_NE(Stylesheet().find("@media print"), std::string::npos);
}

TEST(SharePageTest, HeaderShowsTaskFactsButNotTheOwnerOrSecrets) {
  TaskSnapshot s = Snapshot({});
  s.task.schedule_info = ScheduleInfo{};
  s.task.schedule_info->schedule_name = "Nightly scan";
  s.task.schedule_info->scan_frequency = ScanFrequency::kDaily;
  s.task.schedule_info->next_execution_at = s.task.created_at + 86'400'000'000;
  s.task.schedule_info->execution_count = 3;
  s.task.created_at = 1'795'168'800'000'000;  // 2026-11-20T10:00:00Z
  s.task.updated_at = 1'795'169'190'500'000;  // 2026-11-20T10:06:30.5Z
  const std::string html = RenderSharePage(s, Options());
  EXPECT_NE(html.find("<h1>External pentest</h1>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge s-completed\">completed</span>"), std::string::npos);
  EXPECT_NE(html.find("Model <b>auto</b>"), std::string::npos);
  EXPECT_NE(html.find("Created <time datetime=\"2026-11-20T10:00:00Z\">2026-11-20 10:00:00 UTC</time>"),
            std::string::npos);
  EXPECT_NE(html.find("Updated <time datetime=\"2026-11-20T10:06:30.5Z\">2026-11-20 10:06:30 UTC</time>"),
            std::string::npos);
  EXPECT_NE(html.find("Name <b>Nightly scan</b>"), std::string::npos);
  EXPECT_NE(html.find("Type <b>recurring</b>"), std::string::npos);
  EXPECT_NE(html.find("Every <b>daily</b>"), std::string::npos);
  EXPECT_NE(html.find("Status <b>active</b>"), std::string::npos);
  EXPECT_NE(html.find("Next run <time datetime="), std::string::npos);
  EXPECT_EQ(html.find("owner@example.com"), std::string::npos);
  EXPECT_EQ(html.find("TARGET_API_TOKEN"), std::string::npos);
}

TEST(ErrorPageTest, ShowsStatusTitleAndMessageEscapedAndNeverIndexes) {
  PageOptions options = Options();
  options.index = true;
  const std::string html =
      RenderErrorPage(403, "This task is not shared", "Ask <the> owner & retry", options);
  EXPECT_NE(html.find("<p class=\"status\">403</p>"), std::string::npos);
  EXPECT_NE(html.find("<h1>This task is not shared</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>Ask &lt;the&gt; owner &amp; retry</p>"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"robots\" content=\"noindex, nofollow\">"), std::string::npos);
  EXPECT_EQ(html.find("og:"), std::string::npos);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

}  // namespace
}  // namespace taskshare::web
