#include "web/markdown.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "cpu_time.h"
#include "html_audit.h"
#include "web/markdown_guard.h"

namespace taskshare::web {
namespace {

using testing::AttrValues;
using testing::AuditHtml;
using testing::IsValidUtf8;
using testing::Lower;

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

// CPU seconds this thread spends rendering `text` (cpu_time.h). The bound is about 30 times the
// slowest of these renders (0.07 s of CPU for a megabyte of backslashes), so it catches only the
// super-linear blowups it is for (seconds to minutes on the inputs below), not noise.
double CpuSecondsToRender(const std::string& text, std::string* html = nullptr) {
  const double start = taskshare::testing::ThreadCpuSeconds();
  std::string out = RenderMarkdown(text);
  const double took = taskshare::testing::ThreadCpuSeconds() - start;
  if (html != nullptr) *html = std::move(out);
  return took;
}

constexpr double kCpuSecondsBound = 2.0;

TEST(MarkdownTest, RendersGithubFlavoredMarkdown) {
  const std::string html = RenderMarkdown(
      "# Finding\n\n| field | leaked |\n|---|:---:|\n| email | yes |\n\n```bash\ncurl -s "
      "https://x.example\n```\n\n"
      "- [x] scanned\n- [ ] exploited\n\nSee https://target.example/a?b=1 and ~~old~~ **new** _it_.\n");
  EXPECT_NE(html.find("<h1>Finding</h1>"), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("<th align=\"center\">leaked</th>"), std::string::npos);
  EXPECT_NE(html.find("<pre><code class=\"language-bash\">curl -s https://x.example\n</code></pre>"),
            std::string::npos);
  EXPECT_NE(html.find("<input type=\"checkbox\" checked=\"\" disabled=\"\" />"), std::string::npos);
  EXPECT_NE(html.find("<a rel=\"nofollow noopener ugc\" href=\"https://target.example/a?b=1\">"),
            std::string::npos);
  EXPECT_NE(html.find("<del>old</del>"), std::string::npos);
  EXPECT_NE(html.find("<strong>new</strong>"), std::string::npos);
  EXPECT_EQ(html.rfind("<div class=\"md\">", 0), 0u);
  EXPECT_TRUE(AuditHtml(html).empty());
}

TEST(MarkdownTest, RawHtmlIsShownAsTextNeverAsMarkup) {
  const std::string html = RenderMarkdown(
      "Payload <img src=x onerror=alert(1)> and <script>alert(1)</script> inline.\n\n"
      "<div onclick=\"alert(2)\">\n<script>alert(3)</script>\n</div>\n\n<iframe "
      "src=\"https://evil.example\"></iframe>\n");
  EXPECT_EQ(Lower(html).find("<img"), std::string::npos);
  EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(Lower(html).find("<iframe"), std::string::npos);
  EXPECT_EQ(html.find("<div onclick"), std::string::npos);
  EXPECT_NE(html.find("Payload &lt;img src=x onerror=alert(1)&gt; and &lt;script&gt;alert(1)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("<pre><code class=\"language-html\">&lt;div onclick=&quot;alert(2)&quot;&gt;"),
            std::string::npos);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(MarkdownTest, DangerousLinkDestinationsAreDropped) {
  const std::string html = RenderMarkdown(
      "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](<javascript:alert(1)>) "
      "[d](vbscript:msgbox(1)) [e](data:text/html,<script>alert(1)</script>) [f](file:///etc/passwd) "
      "<javascript:alert(1)> [g][ref] [h](java&#115;cript:alert(1)) [i](javascript&colon;alert(1))\n\n"
      "[ref]: javascript:alert(1)\n");
  const auto hrefs = AttrValues(html, "a", "href");
  EXPECT_GE(hrefs.size(), 8u);
  for (const std::string& href : hrefs) {
    EXPECT_EQ(Lower(href).find("javascript"), std::string::npos) << href;
    EXPECT_EQ(Lower(href).find("script:"), std::string::npos) << href;
    EXPECT_EQ(Lower(href).find("data:"), std::string::npos) << href;
  }
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(MarkdownTest, EveryLinkGetsRelAndAttributeValuesStayEscaped) {
  const std::string html = RenderMarkdown(
      "[a](https://a.example \"t\\\"itle\") <https://b.example/?q=\"><script>> www.c.example "
      "[d](https://d.example/?x=<a%20href=\"y\">) me@e.example\n");
  const auto tags = testing::Tags(html);
  size_t links = 0;
  for (const auto& tag : tags) {
    if (tag.name != "a") continue;
    ++links;
    ASSERT_GE(tag.attrs.size(), 2u);
    EXPECT_EQ(tag.attrs[0].first, "rel");
    EXPECT_EQ(tag.attrs[0].second, "nofollow noopener ugc");
  }
  EXPECT_EQ(links, 5u) << html;
  EXPECT_EQ(html.find("\"><script"), std::string::npos);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(MarkdownTest, ImagesBecomeLinksAndNothingIsLoaded) {
  const std::string html = RenderMarkdown(
      "![diagram](https://evil.example/track.png \"t\") ![](https://evil.example/empty.png) "
      "[![badge](https://evil.example/b.svg)](https://ci.example) ![x](data:image/png;base64,AAAA)\n");
  EXPECT_EQ(Lower(html).find("<img"), std::string::npos);
  EXPECT_NE(html.find("<a rel=\"nofollow noopener ugc\" href=\"https://evil.example/track.png\" title=\"t\">"
                      "[image] diagram</a>"),
            std::string::npos);
  EXPECT_NE(html.find("[image] https://evil.example/empty.png</a>"), std::string::npos);
  // An image inside a link becomes emphasised alt text: links do not nest.
  EXPECT_NE(html.find("href=\"https://ci.example\"><em>[image] badge</em></a>"), std::string::npos);
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
}

TEST(MarkdownTest, EntitiesInCodeStayLiteral) {
  const std::string html = RenderMarkdown("`&lt;b&gt;` and &lt;b&gt; and\n\n```\n&amp; <b>\n```\n");
  EXPECT_NE(html.find("<code>&amp;lt;b&amp;gt;</code>"), std::string::npos);
  EXPECT_NE(html.find(" and &lt;b&gt; and"), std::string::npos);
  EXPECT_NE(html.find("<pre><code>&amp;amp; &lt;b&gt;\n</code></pre>"), std::string::npos);
}

TEST(MarkdownTest, BrokenUtf8AndControlCharactersBecomeVisibleValidText) {
  const std::string text =
      std::string("ok \xC3\xA9 bad \xFF\xC0\x80 cut \xE2\x82 nul ") + '\0' + " esc \x1b[31m red\n";
  const std::string html = RenderMarkdown(text);
  EXPECT_TRUE(IsValidUtf8(html));
  EXPECT_NE(html.find("ok \xC3\xA9 bad \xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(html.find("esc \xE2\x90\x9B[31m red"), std::string::npos);  // ␛
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_EQ(html.find('\0'), std::string::npos);
}

TEST(MarkdownTest, HardBreaksOnlyWhenAsked) {
  EXPECT_NE(RenderMarkdown("a\nb").find("a\nb"), std::string::npos);
  EXPECT_NE(RenderMarkdown("a\nb", {.hard_breaks = true}).find("a<br />\nb"), std::string::npos);
}

TEST(MarkdownTest, TooLongTextIsShownAsPlainText) {
  const std::string text = Repeat("**bold** <b>x</b>\n", kMaxMarkdownBytes / 18 + 1);
  const std::string html = RenderMarkdown(text);
  EXPECT_EQ(html.rfind("<div class=\"md\"><pre class=\"plain\">**bold** &lt;b&gt;x&lt;/b&gt;\n", 0), 0u);
  EXPECT_EQ(html.find("<strong>"), std::string::npos);
}

TEST(MarkdownGuardTest, OrdinaryMarkdownIsTame) {
  const std::string prose = Repeat(
      "Some **bold** text with `code`, a [link](https://x.example/a) and me@x.example.\n\n"
      "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n\n"
      "> quoted\n> > twice\n\n- item\n  - nested [x](y)\n    1. deep\n\n```json\n{\"a\": [[1, 2], "
      "[3]]}\n```\n\n",
      2000);
  EXPECT_TRUE(MarkdownIsTame(prose));
  EXPECT_TRUE(MarkdownIsTame(""));
  EXPECT_TRUE(MarkdownIsTame(std::string(kMaxMarkdownNesting, '>') + " x"));
  EXPECT_FALSE(MarkdownIsTame(std::string(kMaxMarkdownNesting + 1, '>') + " x"));
  EXPECT_EQ(EstimateMarkdownCost("- a\n  - b\n    - c\n").max_nesting, 3u);
  EXPECT_EQ(EstimateMarkdownCost("> - > 1. x").max_nesting, 4u);
  // A long table is linear: only its delimiter row re-parses what is above it.
  std::string table = "| a | b |\n|---|---|\n";
  while (table.size() < 500000) table += "| -1 | x \\| y |\n";
  EXPECT_TRUE(MarkdownIsTame(table));
  EXPECT_LT(EstimateMarkdownCost(table).tables, 10.0 * static_cast<double>(table.size()));
}

// Inputs that take cmark-gfm 0.29.0.gfm.6 seconds to minutes, or that nest deeply: each must render
// fast, whole (as markdown or as plain text) and safely.
struct Pathological {
  const char* name;
  std::function<std::string()> make;
};

class MarkdownPathologicalTest : public ::testing::TestWithParam<Pathological> {};

TEST_P(MarkdownPathologicalTest, RendersFastAndSafely) {
  const std::string text = GetParam().make();
  std::string html;
  const double seconds = CpuSecondsToRender(text, &html);
  EXPECT_LT(seconds, kCpuSecondsBound) << GetParam().name << ": " << text.size() << " bytes";
  EXPECT_TRUE(AuditHtml(html).empty()) << ::testing::PrintToString(AuditHtml(html));
  EXPECT_GT(html.size(), text.size() / 4);
}

const Pathological kPathological[] = {
    {"nested quotes", [] { return std::string(10000, '>') + " x"; }},
    {"nested brackets", [] { return std::string(10000, '[') + "x" + std::string(10000, ']'); }},
    {"open brackets", [] { return std::string(10000, '['); }},
    {"nested stars", [] { return std::string(10000, '*') + "x" + std::string(10000, '*'); }},
    {"nested lists", [] { return Repeat("- ", 10000) + "x"; }},
    {"list pyramid",
     [] {
       std::string s;
       for (int i = 0; i < 2000; ++i) s += std::string(2 * i, ' ') + "- a\n";
       return s;
     }},
    {"deep quote then lazy lines", [] { return Repeat("> ", 5000) + "a\n" + Repeat("b\n", 100000); }},
    {"deep list then blank lines", [] { return Repeat("- ", 32) + "a\n" + std::string(1 << 20, '\n'); }},
    {"quote list mix", [] { return Repeat("> - ", 2500) + "a\n" + Repeat("b\n", 5000); }},
    {"image link brackets", [] { return Repeat("![[]()", 50000); }},
    {"processing instructions", [] { return Repeat("a <?", 50000); }},
    {"declarations", [] { return Repeat("a <!A ", 50000); }},
    {"cdata", [] { return Repeat("a <![CDATA[", 30000); }},
    {"www underscores", [] { return Repeat("www.a_", 50000); }},
    {"email at signs", [] { return Repeat("a@", 100000); }},
    {"dense emails", [] { return Repeat("  +\"x@y.z", 120000); }},
    {"dense emails and images", [] { return "=---" + Repeat("/> ![x@y.z", 90000); }},
    {"url closers", [] { return "http://a.b/" + std::string(50000, ')'); }},
    {"wide table, short rows",
     [] { return "|" + Repeat("a|", 5000) + "\n|" + Repeat("-|", 5000) + "\n" + Repeat("x\n", 5000); }},
    {"row with many cells", [] { return "a|b\n-|-\n" + Repeat("a|", 50000); }},
    {"row with emphasis cells", [] { return "a|b\n-|-\n" + Repeat("*a **a|", 50000); }},
    {"backslashes", [] { return std::string(1 << 20, '\\'); }},
    {"escaped pipes", [] { return "a|b\n-|-\n" + Repeat("\\\\\\|", 200000); }},
    {"delimiter rows that open no table", [] { return "\"*" + Repeat("  (\n-:", 100000); }},
    {"backticks",
     [] {
       std::string s;
       for (int i = 1; i < 1500; ++i) s += "e" + std::string(i, '`');
       return s;
     }},
    {"unclosed links", [] { return Repeat("[a](<b", 50000); }},
    {"reference collisions", [] { return Repeat("[a]: u\n", 20000) + Repeat("[a] ", 20000); }},
    {"emphasis openers", [] { return Repeat("*a _b ", 50000); }},
};

INSTANTIATE_TEST_SUITE_P(Inputs, MarkdownPathologicalTest, ::testing::ValuesIn(kPathological),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(MarkdownTest, DenseMarkdownAtTheSizeLimitRendersAsMarkdownInLinearTime) {
  const std::string unit =
      "Some **bold** text with `code` and a [link](https://x.example/a) | and more.\n\n| a | b |\n|---|---|\n"
      "| 1 | 2 |\n\n```py\nprint(1)\n```\n";
  const std::string prose = Repeat(unit, kMaxMarkdownBytes / unit.size());
  std::string html;
  EXPECT_LT(CpuSecondsToRender(prose, &html), kCpuSecondsBound);
  EXPECT_NE(html.find("<table>"), std::string::npos);  // still markdown
}

}  // namespace
}  // namespace taskshare::web
