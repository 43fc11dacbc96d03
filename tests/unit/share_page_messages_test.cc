#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "domain/messages.h"
#include "html_audit.h"
#include "web/share_page.h"

namespace taskshare::web {
namespace {

using testing::AuditHtml;

std::string Render(std::vector<std::string> messages) {
  TaskSnapshot s;
  s.task.id = "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11";
  s.task.title = "t";
  s.messages = std::move(messages);
  PageOptions options;
  options.public_url = "https://share.example.com";
  std::string html = RenderSharePage(s, options);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
  return html;
}

// The HTML of the first message only.
std::string First(const std::string& html) {
  const size_t start = html.find("<article");
  const size_t end = html.find("</article>", start);
  return start == std::string::npos ? std::string() : html.substr(start, end - start);
}

bool Has(const std::string& html, std::string_view needle) { return html.find(needle) != std::string::npos; }

TEST(SharePageMessagesTest, EachRoleHasItsClassLabelAndAnchor) {
  const std::string html =
      Render({R"({"role":"user","content":"a"})", R"({"role":"assistant","content":"b"})",
              R"({"role":"tool","content":"c"})", R"({"role":"system","content":"d"})",
              R"({"role":"critic","content":"e"})", R"({"content":"f"})"});
  EXPECT_TRUE(
      Has(html,
          "<article class=\"msg r-user\" id=\"m1\"><div class=\"msg-head\"><span class=\"role\">User</span>"
          "<a class=\"n\" href=\"#m1\">#1</a>"));
  EXPECT_TRUE(Has(
      html,
      "<article class=\"msg r-assistant\" id=\"m2\"><div class=\"msg-head\"><span class=\"role\">Assistant"));
  EXPECT_TRUE(
      Has(html, "<article class=\"msg r-tool\" id=\"m3\"><div class=\"msg-head\"><span class=\"role\">Tool"));
  EXPECT_TRUE(Has(
      html, "<article class=\"msg r-system\" id=\"m4\"><div class=\"msg-head\"><span class=\"role\">System"));
  EXPECT_TRUE(Has(
      html, "<article class=\"msg r-other\" id=\"m5\"><div class=\"msg-head\"><span class=\"role\">critic"));
  EXPECT_TRUE(Has(
      html, "<article class=\"msg r-other\" id=\"m6\"><div class=\"msg-head\"><span class=\"role\">Message"));
  // In order.
  EXPECT_LT(html.find("id=\"m1\""), html.find("id=\"m2\""));
  EXPECT_LT(html.find("id=\"m5\""), html.find("id=\"m6\""));
}

TEST(SharePageMessagesTest, CreatedAtIsShownAsATime) {
  const std::string html =
      Render({R"({"role":"user","created_at":"2026-11-20T11:00:05+01:00","content":"a"})",
              R"({"role":"user","created_at":"yesterday","content":"b"})"});
  EXPECT_TRUE(Has(html, "<time datetime=\"2026-11-20T10:00:05Z\">2026-11-20 10:00:05 UTC</time>"));
  EXPECT_TRUE(Has(html, "<span class=\"time\">yesterday</span>"));
}

TEST(SharePageMessagesTest, ContentStringAndTextPartsAreMarkdown) {
  const std::string html =
      Render({R"({"role":"assistant","content":"**a**"})",
              R"({"role":"assistant","content":[{"type":"text","text":"*b*"},"plain *c*"]})",
              R"({"role":"assistant","parts":[{"type":"text","text":"~~d~~"}]})"});
  EXPECT_TRUE(Has(html, "<strong>a</strong>"));
  EXPECT_TRUE(Has(html, "<em>b</em>"));
  EXPECT_TRUE(Has(html, "plain <em>c</em>"));
  EXPECT_TRUE(Has(html, "<del>d</del>"));
}

TEST(SharePageMessagesTest, ToolCallsAndResultsAreCollapsedWithNameAndKind) {
  const std::string html = Render({
      R"({"role":"assistant","parts":[{"type":"tool-call","tool":"nmap","input":{"target":"a.example","n":1.50,"e":{},"l":[]}}]})",
      R"({"role":"assistant","content":[{"type":"tool_use","name":"http","args":{"u":"x"}}]})",
      R"({"role":"assistant","content":[{"type":"tool_call","name":"f","arguments":"{\"k\":[1,2]}"}]})",
      R"({"role":"tool","parts":[{"type":"tool-result","tool":"nmap","output":"22/tcp open\n443/tcp open"}]})",
      R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"line 1"},{"type":"text","text":"line 2"}],"is_error":true}]})",
      R"({"role":"tool","parts":[{"type":"tool_result","name":"q","result":{"rows":[1,2]}}]})",
  });
  EXPECT_TRUE(Has(html,
                  "<details class=\"tool call\"><summary><span class=\"kind\">Tool call</span> <code "
                  "class=\"name\">nmap</code>"));
  EXPECT_TRUE(
      Has(html,
          "<pre class=\"json\">{\n  &quot;target&quot;: &quot;a.example&quot;,\n  &quot;n&quot;: 1.50,\n"
          "  &quot;e&quot;: {},\n  &quot;l&quot;: []\n}</pre>"));
  EXPECT_TRUE(Has(html, "<code class=\"name\">http</code>"));
  EXPECT_TRUE(Has(html, "{\n  &quot;u&quot;: &quot;x&quot;\n}"));
  EXPECT_TRUE(Has(html, "{\n  &quot;k&quot;: [\n    1,\n    2\n  ]\n}"));  // JSON in a string, pretty-printed
  EXPECT_TRUE(Has(html,
                  "<details class=\"tool result\"><summary><span class=\"kind\">Result</span> "
                  "<code class=\"name\">nmap</code> <span class=\"preview\">2 lines</span></summary>"
                  "<pre class=\"out\">22/tcp open\n443/tcp open</pre></details>"));
  EXPECT_TRUE(Has(html, "<details class=\"tool result error\"><summary><span class=\"kind\">Error</span>"));
  EXPECT_TRUE(Has(html, "<pre class=\"out\">line 1\nline 2</pre>"));
  EXPECT_TRUE(Has(html, "{\n  &quot;rows&quot;: [\n    1,\n    2\n  ]\n}"));
  EXPECT_FALSE(Has(html, "<details open"));
}

TEST(SharePageMessagesTest, OpenAiToolCallsAndToolMessagesAreUnderstood) {
  const std::string html = Render({
      R"({"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"scan","arguments":"{\"host\":\"a\"}"}}]})",
      R"({"role":"tool","tool_call_id":"c1","name":"scan","content":"open ports: 22"})",
  });
  EXPECT_TRUE(Has(
      html,
      "<code class=\"name\">scan</code> <span class=\"preview\">{&quot;host&quot;:&quot;a&quot;}</span>"));
  EXPECT_TRUE(Has(html, "{\n  &quot;host&quot;: &quot;a&quot;\n}"));
  EXPECT_TRUE(Has(html,
                  "<code class=\"name\">scan</code> <span class=\"preview\">1 line</span></summary>"
                  "<pre class=\"out\">open ports: 22</pre>"));
}

TEST(SharePageMessagesTest, UnknownPartsAndShapelessMessagesAreShownAsJson) {
  const std::string html = Render({
      R"({"role":"assistant","parts":[{"type":"reasoning","text":"hmm","n":1.50},{"no":"type"},42]})",
      R"({"role":"assistant","data":{"x":[1e400,"\u00e9"]}})",
      R"({"role":"assistant","content":{"k":"v"}})",
  });
  EXPECT_TRUE(
      Has(html,
          "<span class=\"kind\">reasoning part</span></summary><pre class=\"json\">{\n  &quot;type&quot;: "
          "&quot;reasoning&quot;,\n  &quot;text&quot;: &quot;hmm&quot;,\n  &quot;n&quot;: 1.50\n}</pre>"));
  EXPECT_TRUE(Has(html,
                  "<span class=\"kind\">Part</span></summary><pre class=\"json\">{\n  &quot;no&quot;: "
                  "&quot;type&quot;\n}"));
  EXPECT_TRUE(Has(html, "<pre class=\"json\">42</pre>"));
  // Numbers and escapes as they were sent.
  EXPECT_TRUE(
      Has(html,
          "&quot;data&quot;: {\n    &quot;x&quot;: [\n      1e400,\n      &quot;\\u00e9&quot;\n    ]\n  }"));
  EXPECT_TRUE(Has(html, "&quot;content&quot;: {\n    &quot;k&quot;: &quot;v&quot;\n  }"));
}

TEST(SharePageMessagesTest, UnparseableMessagesAreShownRawNotDropped) {
  const std::string html = Render({R"({"role":"user","content":"a")", "[1,2]", ""});
  EXPECT_TRUE(Has(html, "<span class=\"role\">Unreadable message</span>"));
  EXPECT_TRUE(Has(
      html, "<pre class=\"raw\">{&quot;role&quot;:&quot;user&quot;,&quot;content&quot;:&quot;a&quot;</pre>"));
  EXPECT_TRUE(Has(html, "<pre class=\"json\">[\n  1,\n  2\n]</pre>"));
  EXPECT_EQ(html.find("id=\"m4\""), std::string::npos);
  EXPECT_TRUE(Has(html, "id=\"m3\""));
}

TEST(SharePageMessagesTest, LongToolOutputIsCutBehindAnExpander) {
  std::string output;
  for (int i = 1; i <= 200; ++i) output += "line " + std::to_string(i) + "\\n";
  const std::string html =
      Render({R"({"role":"tool","parts":[{"type":"tool-result","tool":"t","output":")" + output + "\"}]}"});
  const std::string message = First(html);
  const size_t expander =
      message.find("<details class=\"more\"><summary>Show all 200 lines (2 KB)</summary>");
  ASSERT_NE(expander, std::string::npos);
  EXPECT_LT(message.find("line 80\n</pre>"), expander);
  EXPECT_GT(message.find("<pre class=\"out\">line 81\n"), expander);
  EXPECT_GT(message.find("line 200\n</pre></details></details>"), expander);
  EXPECT_TRUE(Has(message, "<span class=\"preview\">200 lines</span>"));

  // One long line is cut by size, on a character boundary.
  std::string wide;
  while (wide.size() < 10000) wide += "\xC3\xA9";
  const std::string cut = First(Render({R"({"role":"tool","content":")" + wide + "\"}"}));
  EXPECT_TRUE(Has(cut, "Show all 1 line (10 KB)"));
  EXPECT_TRUE(testing::IsValidUtf8(cut));
  EXPECT_FALSE(Has(cut, "\xEF\xBF\xBD"));
}

// The bound of share_page.h: a page is at most 8 bytes of HTML per stored byte of its transcript, plus
// the chrome. The allowance covers the stylesheet, the head and header of a short title and the page's
// fixed allowance for its messages and markers.
constexpr size_t kHtmlPerStoredByte = 8;
constexpr size_t kChromeAllowance = 32 * 1024;
constexpr std::string_view kCutMarker = "Part of this message is not shown here";
constexpr std::string_view kRawLink =
    "href=\"https://share.example.com/api/v1/tasks/5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11/share\"";

TaskSnapshot BoundSnapshot(std::vector<std::string> messages) {
  TaskSnapshot s;
  s.task.id = "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11";
  s.task.title = "Bounded";
  s.messages = std::move(messages);
  return s;
}

size_t StoredBytes(const TaskSnapshot& s) {
  size_t bytes = s.task.title.size();
  for (const std::string& m : s.messages) bytes += m.size();
  return bytes;
}

std::string RenderBounded(const TaskSnapshot& s) {
  PageOptions options;
  options.public_url = "https://share.example.com";
  return RenderSharePage(s, options);
}

std::string Repeat(std::string_view head, std::string_view item, size_t count, std::string_view tail) {
  std::string out(head);
  out.reserve(head.size() + count * (item.size() + 1) + tail.size());
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    out += item;
  }
  out += tail;
  return out;
}

TEST(SharePageBoundTest, MillionsOfTinyPartsAreCutWithAMarkerAndTheNextMessagesShown) {
  for (std::string_view item : {"{}", "1", "\"\""}) {
    const TaskSnapshot s = BoundSnapshot({
        R"({"role":"user","content":"before the flood"})",
        Repeat(R"({"role":"assistant","content":[)", item, 4'000'000, "]}"),
        R"({"role":"assistant","content":"after the flood"})",
    });
    const std::string html = RenderBounded(s);
    EXPECT_LE(html.size(), kHtmlPerStoredByte * StoredBytes(s) + kChromeAllowance) << item;
    EXPECT_TRUE(Has(html, kCutMarker)) << item;
    EXPECT_TRUE(Has(html, kRawLink)) << item;
    EXPECT_TRUE(Has(html, "<p>before the flood</p>")) << item;
    EXPECT_TRUE(Has(html, "id=\"m3\"")) << item;
    EXPECT_TRUE(Has(html, "<p>after the flood</p>")) << item;
  }
}

TEST(SharePageBoundTest, AToolOutputOfAMillionSmallObjectsIsCutWithAMarker) {
  const TaskSnapshot s = BoundSnapshot({
      Repeat(R"({"role":"tool","content":[{"type":"tool-result","tool":"scan","output":[)", R"({"a":1})",
             1'000'000, "]}]}"),
      R"({"role":"assistant","content":"after the scan"})",
  });
  const std::string html = RenderBounded(s);
  EXPECT_LE(html.size(), kHtmlPerStoredByte * StoredBytes(s) + kChromeAllowance);
  EXPECT_TRUE(Has(html, kCutMarker));
  EXPECT_TRUE(Has(html, kRawLink));
  EXPECT_TRUE(Has(html, "&quot;a&quot;: 1"));  // the head of the output is shown
  EXPECT_TRUE(Has(html, "<p>after the scan</p>"));
}

TEST(SharePageBoundTest, ManyTinyMessagesStopThePageWithAMarker) {
  std::vector<std::string> messages(500'000, "{}");
  messages.emplace_back(R"({"role":"assistant","content":"the last one"})");
  const TaskSnapshot s = BoundSnapshot(std::move(messages));
  const std::string html = RenderBounded(s);
  EXPECT_LE(html.size(), kHtmlPerStoredByte * StoredBytes(s) + kChromeAllowance);
  EXPECT_TRUE(Has(html, "The rest of this transcript is not shown here"));
  EXPECT_TRUE(Has(html, kRawLink));
  EXPECT_FALSE(Has(html, "the last one"));
  EXPECT_TRUE(Has(html, "</footer>"));
}

// The messages of an exported transcript (`taskshare import` format), as they are stored.
std::vector<std::string> ExportedMessages(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string raw = text.str();
  const boost::json::value parsed = boost::json::parse(raw);
  const std::string_view messages = RawMember(raw, "messages").value_or("[]");
  std::vector<std::string> out;
  for (std::string_view m : RawElements(messages)) out.push_back(CompactJson(m));
  EXPECT_EQ(out.size(), parsed.at("messages").as_array().size());
  return out;
}

TEST(SharePageBoundTest, AnOrdinaryTranscriptIsShownWhole) {
  // The demo transcript, found from the corpus directory the build names (tests/unit/redact_corpus).
  const TaskSnapshot s =
      BoundSnapshot(ExportedMessages(TASKSHARE_REDACT_CORPUS_DIR "/../../../demo/pentest-transcript.json"));
  ASSERT_GT(s.messages.size(), 3u);
  const std::string html = Render(s.messages);
  EXPECT_FALSE(Has(html, kCutMarker));
  EXPECT_FALSE(Has(html, "not shown here"));
  EXPECT_TRUE(Has(html, "id=\"m" + std::to_string(s.messages.size()) + "\""));
  EXPECT_LE(html.size(), kHtmlPerStoredByte * StoredBytes(s) + kChromeAllowance);
}

}  // namespace
}  // namespace taskshare::web
