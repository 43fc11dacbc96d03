// The page must not show what the JSON view hides, however the markdown spells it (web/markdown.h,
// MarkdownOptions::redactor): backslash escapes, entity and character references and inline markup
// are decoded or taken away by markdown, so the redactor reads the text as rendered.
#include <gtest/gtest.h>

#include <string>

#include "redact/redactor.h"
#include "web/markdown.h"
#include "web/share_page.h"

namespace taskshare::web {
namespace {

constexpr char kSecret[] = "hunter2-Tr0ub4dor";

std::string Shown(const std::string& markdown, const redact::Redactor& redactor) {
  MarkdownOptions options;
  options.redactor = &redactor;
  return RenderMarkdown(markdown, options);
}

// `html` as a reader sees it: its tags taken out.
std::string Text(const std::string& html) {
  std::string out;
  bool tag = false;
  for (char c : html) {
    if (c == '<') tag = true;
    if (!tag) out += c;
    if (c == '>') tag = false;
  }
  return out;
}

// Every credential of these tests, as a page would show it.
void ExpectNone(const std::string& html) {
  const std::string text = Text(html);
  for (const char* hidden : {kSecret, "neo_sk_", "AKIAIOSFODNN7EXAMPLE", "hunter2", "Tr0ub4dor"}) {
    EXPECT_EQ(text.find(hidden), std::string::npos) << hidden << " in " << html;
  }
}

TEST(MarkdownRedactionTest, BackslashEscapesCannotReassembleACredential) {
  const redact::Redactor& rules = redact::Redactor::BuiltIn();
  const std::string html = Shown(R"(the key is neo\_sk\_abcdefghijklmnopqrstuvwx12345678 here)", rules);
  ExpectNone(html);
  EXPECT_NE(html.find("[REDACTED:neo_api_key]"), std::string::npos) << html;
  EXPECT_NE(html.find("the key is "), std::string::npos) << html;
  const redact::Redactor secrets({kSecret});
  ExpectNone(Shown(R"(pw hunter2\-Tr0ub4dor.)", secrets));
}

TEST(MarkdownRedactionTest, EntityAndCharacterReferencesCannotReassembleACredential) {
  const redact::Redactor& rules = redact::Redactor::BuiltIn();
  for (const char* text :
       {"id &#65;KIAIOSFODNN7EXAMPLE", "id &#x41;KIAIOSFODNN7EXAMPLE", "id AKIA&#x49;OSFODNN7EXAMPLE"}) {
    const std::string html = Shown(text, rules);
    ExpectNone(html);
    EXPECT_NE(html.find("[REDACTED:aws_access_key_id]"), std::string::npos) << html;
  }
  const redact::Redactor secrets({kSecret});
  ExpectNone(Shown("pw hunter2&#45;Tr0ub4dor &amp; more", secrets));
}

TEST(MarkdownRedactionTest, InlineMarkupCannotSplitACredentialOutOfSight) {
  const redact::Redactor secrets({kSecret});
  for (const char* text :
       {"pw hun**ter2-Tr0**ub4dor", "pw *hunter2*-Tr0ub4dor", "pw hunter2-~~Tr0ub4dor~~",
        "pw `hunter2`-Tr0ub4dor", "pw [hunter2-Tr0ub4dor](https://example.com)", "# hunter2-_Tr0ub4dor_"}) {
    const std::string html = Shown(text, secrets);
    ExpectNone(html);
    EXPECT_NE(html.find("[REDACTED:secret]"), std::string::npos) << text << " -> " << html;
  }
}

TEST(MarkdownRedactionTest, CodeBlocksTablesLinksAndImagesAreRedactedToo) {
  const redact::Redactor secrets({kSecret});
  ExpectNone(Shown("```\nexport PW=hunter2\\-Tr0ub4dor\nexport PW2=hunter2-Tr0ub4dor\n```", secrets));
  ExpectNone(Shown("| a | b |\n|---|---|\n| x | hunter2\\-Tr0ub4dor |", secrets));
  ExpectNone(Shown("[docs](https://example.com/?pw=hunter2-Tr0ub4dor \"hunter2-Tr0ub4dor\")", secrets));
  ExpectNone(Shown("![shot](https://example.com/hunter2-Tr0ub4dor.png)", secrets));
  ExpectNone(Shown("<b>hunter2-Tr0ub4dor</b> and <i>x</i>", secrets));
  ExpectNone(Shown("see https://example.com/hunter2-Tr0ub4dor now", secrets));
}

TEST(MarkdownRedactionTest, TextWithNothingToRedactRendersAsBefore) {
  const redact::Redactor secrets({kSecret});
  for (const char* text :
       {"plain **bold** and `code` and a [link](https://example.com)", "| a | b |\n|---|---|\n| 1 | 2 |",
        "- [x] done\n- [ ] todo", "snake\\_case &amp; more"}) {
    EXPECT_EQ(Shown(text, secrets), RenderMarkdown(text)) << text;
  }
}

TEST(MarkdownRedactionTest, TheSharePageRendersItsMarkdownRedacted) {
  const redact::Redactor secrets({kSecret});
  TaskSnapshot snapshot;
  snapshot.task.id = "0f5a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b";
  snapshot.task.title = "audit";
  snapshot.messages = {
      R"({"role":"assistant","content":"pw hun**ter2-Tr0**ub4dor"})",
      R"({"role":"assistant","content":[{"type":"text","text":"again *hunter2*-Tr0ub4dor"}]})"};
  PageOptions options;
  const std::string unredacted = Text(RenderSharePage(snapshot, options));
  EXPECT_NE(unredacted.find(kSecret), std::string::npos) << "the forms must show the secret unredacted";
  options.redactor = &secrets;
  const std::string page = RenderSharePage(snapshot, options);
  ExpectNone(page);
  EXPECT_NE(page.find("[REDACTED:secret]"), std::string::npos);
}

}  // namespace
}  // namespace taskshare::web
