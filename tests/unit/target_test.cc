// api::Target, the one parse of a request target that routing uses: it accepts exactly the targets
// that boost::urls::parse_origin_form accepts, and splits and decodes their path as its segments()
// do, on hand-picked targets and on many random ones; a decoded path longer than the inline buffer
// is kept whole.
#include "api/target.h"

#include <gtest/gtest.h>

#include <boost/url/parse.hpp>
#include <random>
#include <string>
#include <vector>

namespace taskshare::api {
namespace {

// Target and Boost.URL agree on `text`: validity, the query, and every kept segment.
void ExpectSameAsBoost(const std::string& text) {
  SCOPED_TRACE("target: \"" + text + "\"");
  const Target target(text);
  auto url = boost::urls::parse_origin_form(text);
  ASSERT_EQ(target.valid(), url.has_value());
  if (!url) {
    EXPECT_EQ(target.size(), 0u);
    return;
  }
  EXPECT_EQ(target.has_query(), url->has_query());
  EXPECT_EQ(target.query(), std::string_view(url->encoded_query()));
  std::vector<std::string> segments;
  for (auto segment : url->segments()) segments.push_back(segment);
  if (segments.size() > Target::kMaxSegments) {
    EXPECT_EQ(target.size(), Target::kMaxSegments + 1);
    segments.resize(Target::kMaxSegments);
  } else {
    EXPECT_EQ(target.size(), segments.size());
  }
  for (std::size_t i = 0; i < segments.size(); ++i) EXPECT_EQ(target[i], segments[i]) << "segment " << i;
}

TEST(TargetTest, AgreesWithBoostUrlOnChosenTargets) {
  const std::vector<std::string> targets = {"/",
                                            "/healthz",
                                            "/api/v1/tasks",
                                            "/api/v1/tasks/",
                                            "/api/v1/tasks?limit=5&status=done",
                                            "/api/v1/tasks?",
                                            "/api/v1/tasks??a=b/c",
                                            "/share/0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d",
                                            "/api/v1/tasks/%30b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d/sh%61re",
                                            "/api/v1/secrets/a%20b",
                                            "/a%2Fb/c",
                                            "//",
                                            "//a//b/",
                                            "/a/b/c/d/e/f",
                                            "/./",
                                            "/./a",
                                            "/.",
                                            "/.//a",
                                            "/././a",
                                            "/a/./b",
                                            "/../a",
                                            "/a/b/c/d/e/f/g",
                                            "/a/b/c/d/e/f/g/h?x",
                                            "/%00",
                                            "/a:b@c!$&'()*+,;=-._~",
                                            "",
                                            "*",
                                            "api/v1/tasks",
                                            "http://host/api",
                                            "/a#frag",
                                            "/a?b#c",
                                            "/%",
                                            "/%4",
                                            "/%zz",
                                            "/%4g",
                                            "/a b",
                                            "/a\"b",
                                            "/a<b>",
                                            "/a[b]",
                                            "/a{b}",
                                            "/a|b",
                                            "/a\\b",
                                            "/a^b",
                                            "/a`b",
                                            "/?%zz",
                                            "/?a[b]",
                                            std::string("/a\0b", 4),
                                            "/\x7f",
                                            "/\xc3\xa9",
                                            "/%C3%A9"};
  for (const std::string& text : targets) ExpectSameAsBoost(text);
}

TEST(TargetTest, AgreesWithBoostUrlOnRandomTargets) {
  const std::string alphabet = "///??%%aF0-._~!$&'()*+,;=:@#[] \"{}|\\^`\x01\x7f\xff";
  std::mt19937 random(20261207);
  for (int n = 0; n < 50000; ++n) {
    std::string text = random() % 8 == 0 ? "" : "/";
    const std::size_t length = random() % 16;
    for (std::size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    ExpectSameAsBoost(text);
    if (HasFatalFailure()) return;
  }
}

TEST(TargetTest, DecodesLongPathsWithEscapesWhole) {
  const std::string a(300, 'a');
  const std::string text = "/" + a + "/%41" + a + "/x";
  const Target target(text);
  ASSERT_TRUE(target.valid());
  ASSERT_EQ(target.size(), 3u);
  EXPECT_EQ(target[0], a);
  EXPECT_EQ(target[1], "A" + a);
  EXPECT_EQ(target[2], "x");
  ExpectSameAsBoost(text);
}

}  // namespace
}  // namespace taskshare::api
