#include <gtest/gtest.h>

#include <string>

#include "domain/json_reader.h"
#include "html_audit.h"
#include "web/html.h"
#include "web/json_pretty.h"

namespace taskshare::web {
namespace {

TEST(PageEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x" title='y'>&amp;</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain text, é ✓ 😀"), "plain text, é ✓ 😀");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(PageEscapeTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(HtmlEscape("a\xFF"
                       "b"),
            "a" + fffd + "b");
  EXPECT_EQ(HtmlEscape("\xC0\x80"), fffd + fffd);                        // overlong NUL
  EXPECT_EQ(HtmlEscape("\xED\xA0\x80"), fffd + fffd + fffd);             // UTF-16 surrogate
  EXPECT_EQ(HtmlEscape("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // past U+10FFFF
  EXPECT_EQ(HtmlEscape("x\xE2\x82"), "x" + fffd + fffd);                 // cut short at the end
  EXPECT_EQ(HtmlEscape("\xE2\x82<"), fffd + fffd + "&lt;");  // a special character is never swallowed
  EXPECT_TRUE(testing::IsValidUtf8(HtmlEscape("\xF0\x9F\x98\x80\xF0\x9F\x98")));
}

TEST(PageEscapeTest, ControlCharactersBecomeVisiblePictures) {
  EXPECT_EQ(HtmlEscape(std::string("a\0b", 3)),
            "a\xE2\x90\x80"
            "b");                                                       // ␀
  EXPECT_EQ(HtmlEscape("\x1b[1m\x7f"), "\xE2\x90\x9B[1m\xE2\x90\xA1");  // ␛ ␡
  EXPECT_EQ(HtmlEscape("tab\tlf\ncr\r"), "tab\tlf\ncr\r");
  std::string html =
      "<p>a\x1b"
      "b</p>";
  ReplaceControlCharacters(html);
  EXPECT_EQ(html,
            "<p>a\xE2\x90\x9B"
            "b</p>");
}

TEST(PageEscapeTest, ExcerptFoldsWhitespaceAndCutsOnCharacters) {
  EXPECT_EQ(Excerpt("  a \n\t b  ", 10), "a b");
  EXPECT_EQ(Excerpt("abcdef", 3), "abc\xE2\x80\xA6");
  EXPECT_EQ(Excerpt("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(Excerpt("ab cd", 2), "ab\xE2\x80\xA6");
  EXPECT_EQ(Excerpt("a\xFF", 5), "a\xEF\xBF\xBD");
  EXPECT_EQ(Excerpt("", 5), "");
}

TEST(PageEscapeTest, TimesAreMachineAndHumanReadable) {
  EXPECT_EQ(HumanUtc(1'795'168'805'250'000), "2026-11-20 10:00:05 UTC");
  std::string out;
  AppendTime(out, 1'795'168'805'250'000);
  EXPECT_EQ(out, "<time datetime=\"2026-11-20T10:00:05.25Z\">2026-11-20 10:00:05 UTC</time>");
}

TEST(PageEscapeTest, ShortPreBlocksAreWhole) {
  std::string out;
  AppendPreBlock(out, "a <b>\nc", "out");
  EXPECT_EQ(out, "<pre class=\"out\">a &lt;b&gt;\nc</pre>");
  EXPECT_EQ(CountLines(""), 0u);
  EXPECT_EQ(CountLines("a"), 1u);
  EXPECT_EQ(CountLines("a\n"), 1u);
  EXPECT_EQ(CountLines("a\nb"), 2u);
}

TEST(PageEscapeTest, LongPreBlocksKeepEveryByteAcrossTheCut) {
  std::string text;
  for (int i = 0; i < 120; ++i) text += "<" + std::to_string(i) + ">\n";
  std::string out;
  AppendPreBlock(out, text, "out");
  const std::string summary =
      "</pre><details class=\"more\"><summary>Show all 120 lines (1 KB)</summary><pre class=\"out\">";
  const size_t cut = out.find(summary);
  ASSERT_NE(cut, std::string::npos);
  EXPECT_EQ(out.substr(0, cut), "<pre class=\"out\">" + HtmlEscape(text.substr(0, text.find("<80>"))));
  EXPECT_EQ(out.substr(cut + summary.size()),
            HtmlEscape(text.substr(text.find("<80>"))) + "</pre></details>");

  // Cut by size inside a long line: at a line end in the second half when there is one.
  std::string lines = std::string(3000, 'a') + "\n" + std::string(3000, 'b');
  out.clear();
  AppendPreBlock(out, lines, "out");
  EXPECT_NE(out.find(std::string(3000, 'a') + "\n</pre><details"), std::string::npos);
}

TEST(PageJsonTest, PrettyJsonKeepsTheSourceTextOfEveryToken) {
  EXPECT_EQ(PrettyJson(R"({"a":1.50,"b":[true,null,"x\"y\\",{}],"c":{"d":[]},"e":-0E+2})"),
            "{\n  \"a\": 1.50,\n  \"b\": [\n    true,\n    null,\n    \"x\\\"y\\\\\",\n    {}\n  ],\n"
            "  \"c\": {\n    \"d\": []\n  },\n  \"e\": -0E+2\n}");
  EXPECT_EQ(PrettyJson(" [ 1 , 2 ] "), "[\n  1,\n  2\n]");
  EXPECT_EQ(PrettyJson(R"("a,b:{c}[d]")"), R"("a,b:{c}[d]")");
  EXPECT_EQ(PrettyJson("{ }"), "{}");
  EXPECT_EQ(PrettyJson("7"), "7");
}

TEST(PageJsonTest, IndentationStopsGrowingWhenNestingIsDeep) {
  const std::string deep = std::string(60, '[') + std::string(60, ']');
  const std::string pretty = PrettyJson(deep);
  size_t widest = 0;
  for (size_t start = 0; start < pretty.size();) {
    size_t end = pretty.find('\n', start);
    if (end == std::string::npos) end = pretty.size();
    widest = std::max(widest, end - start);
    start = end + 1;
  }
  EXPECT_EQ(widest, 2u * 32 + 2);
  EXPECT_TRUE(ParseJson(deep).has_value());
  EXPECT_TRUE(ParseJson(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')).has_value());
  EXPECT_FALSE(
      ParseJson(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']')).has_value());
  EXPECT_FALSE(ParseJson("{\"a\":").has_value());
}

}  // namespace
}  // namespace taskshare::web
