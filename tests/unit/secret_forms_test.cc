// The forms in which a stored secret value can appear in a transcript, each of which a reader other
// than the owner must never see (redact/secret_matcher.h, redact/redactor.h): as it is, JSON-escaped
// with hex digits of either case, percent-encoded with hex digits of either case or character by
// character, with '+' for spaces, as a JSON number; and with the built-in rules turned off.
#include <gtest/gtest.h>

#include <string>

#include "redact/redactor.h"

namespace taskshare::redact {
namespace {

TEST(SecretFormsTest, PercentEncodingWithHexDigitsOfEitherCase) {
  const Redactor r({"pa/ss:w0rd-77"});
  EXPECT_EQ(r.RedactText("u=pa%2Fss%3Aw0rd-77&x"), "u=[REDACTED:secret]&x");
  EXPECT_EQ(r.RedactText("u=pa%2fss%3aw0rd-77&x"), "u=[REDACTED:secret]&x");
  EXPECT_EQ(r.RedactText("u=pa%2fss%3Aw0rd-77&x"), "u=[REDACTED:secret]&x");
}

TEST(SecretFormsTest, PercentEncodingOfEveryCharacter) {
  const Redactor r({"hunter2-pw"});
  EXPECT_EQ(r.RedactText("q=%68%75%6e%74%65%72%32%2d%70%77 end"), "q=[REDACTED:secret] end");
  EXPECT_EQ(r.RedactText("q=%68%75%6E%74%65%72%32%2D%70%77"), "q=[REDACTED:secret]");
  EXPECT_EQ(r.RedactText("q=h%75nter2-pw"), "q=[REDACTED:secret]");
}

TEST(SecretFormsTest, FormEncodingWithPlusForSpace) {
  const Redactor r({"correct horse battery"});
  EXPECT_EQ(r.RedactText("pw=correct+horse+battery&a=1"), "pw=[REDACTED:secret]&a=1");
  EXPECT_EQ(r.RedactText("pw=correct%20horse+battery"), "pw=[REDACTED:secret]");
}

TEST(SecretFormsTest, JsonEscapesWithHexDigitsOfEitherCase) {
  const Redactor r({"Abcd-1234"});
  EXPECT_EQ(r.RedactText(R"(x \u0041bcd-1234 y)"), "x [REDACTED:secret] y");
  EXPECT_EQ(r.RedactText(R"(x \u0041\u0062cd\u002D1234 y)"), "x [REDACTED:secret] y");
  EXPECT_EQ(r.RedactText(R"(x \u0041\u0062cd\u002d1234 y)"), "x [REDACTED:secret] y");
  // Inside a JSON string of a message, where the walk decodes one level and the matcher the next.
  EXPECT_EQ(r.RedactJson(R"({"doc":"{\"k\":\"\\u0041bcd-1234\"}"})"),
            R"({"doc":"{\"k\":\"[REDACTED:secret]\"}"})");
}

TEST(SecretFormsTest, ADigitSecretStoredAsAJsonNumber) {
  const Redactor r({"48151623"});
  EXPECT_EQ(r.RedactJson(R"({"pin":48151623,"n":[1,2.5,-948151623e2],"s":"48151623"})"),
            R"({"pin":"[REDACTED:secret]","n":[1,2.5,"[REDACTED:secret]"],"s":"[REDACTED:secret]"})");
  EXPECT_EQ(r.RedactJson("48151623"), R"("[REDACTED:secret]")");
  EXPECT_EQ(r.RedactJson(R"({"pin":4815162,"ok":true,"none":null})"),
            R"({"pin":4815162,"ok":true,"none":null})");
  // Without secrets numbers are never looked at.
  EXPECT_EQ(Redactor().RedactJson(R"({"pin":48151623})"), R"({"pin":48151623})");
}

TEST(SecretFormsTest, BuiltInRulesOffLeaveCredentialsButNeverSecretValues) {
  const Redactor r({"Tr0ub4dor-3-horse"}, BuiltInRules::kOff);
  EXPECT_EQ(r.RedactText("pw Tr0ub4dor-3-horse key AKIAIOSFODNN7EXAMPLE"),
            "pw [REDACTED:secret] key AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r.RedactJson(R"({"password":"Xk29sLq8zQ","v":"Tr0ub4dor%2D3-horse"})"),
            R"({"password":"Xk29sLq8zQ","v":"[REDACTED:secret]"})");
  EXPECT_FALSE(r.inert());
  EXPECT_TRUE(Redactor({}, BuiltInRules::kOff).inert());
  EXPECT_EQ(Redactor({}, BuiltInRules::kOff).RedactText("AKIAIOSFODNN7EXAMPLE"), "AKIAIOSFODNN7EXAMPLE");
}

TEST(SecretFormsTest, TextWithEscapesButNoSecretIsLeftAsItIs) {
  const Redactor r({"hunter2-pw"});
  for (const std::string text :
       {"100% sure %zz %4", R"(a \ b \u12 \uD800 end\)", "%68%75 hun", "hunter2-p%"}) {
    EXPECT_EQ(r.RedactText(text), text);
  }
}

}  // namespace
}  // namespace taskshare::redact
