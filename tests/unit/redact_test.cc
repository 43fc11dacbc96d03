#include <gtest/gtest.h>
#include <xxhash.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "redact/byte_scan.h"
#include "redact/decodings.h"
#include "redact/json_string.h"
#include "redact/key_value_scanner.h"
#include "redact/pattern_rules.h"
#include "redact/prefilter.h"
#include "redact/private_keys.h"
#include "redact/redactor.h"

namespace taskshare::redact {
namespace {

// The secret values every corpus case is redacted with (see redact_corpus/positive.txt).
const std::vector<std::string> kCorpusSecrets = {"Tr0ub4dor&3-prod", "hunter2-staging-key", "p@ss w0rd!"};
constexpr std::string_view kGhp = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
constexpr std::string_view kJwt =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJzdWIiOiJzdmMtZGVwbG95IiwiZXhwIjoxODkzNDU2MDAwfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct Case {
  std::string name;
  std::string input;
  std::optional<std::string> expected;  // none: the input must come back unchanged
};

std::string JoinLines(const std::vector<std::string>& lines) {
  size_t n = lines.size();
  while (n > 0 && lines[n - 1].empty()) --n;  // the blank lines between cases
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i == 0 ? "" : "\n") + lines[i];
  return out;
}

// Reads "### name", input lines, optionally ">>>" and expected lines, for each case of a corpus file.
std::vector<Case> ReadCorpus(const std::string& file) {
  std::ifstream in(std::string(TASKSHARE_REDACT_CORPUS_DIR) + "/" + file);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::vector<Case> cases;
  std::vector<std::string> input;
  std::vector<std::string> expected;
  bool in_expected = false;
  auto flush = [&] {
    if (cases.empty()) return;
    cases.back().input = JoinLines(input);
    if (in_expected) cases.back().expected = JoinLines(expected);
    input.clear();
    expected.clear();
    in_expected = false;
  };
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("### ")) {
      flush();
      cases.push_back({line.substr(4), "", std::nullopt});
    } else if (!cases.empty() && line == ">>>") {
      in_expected = true;
    } else if (!cases.empty()) {
      (in_expected ? expected : input).push_back(line);
    }
  }
  flush();
  return cases;
}

std::string Quoted(std::string_view s) {
  return boost::json::serialize(boost::json::value(boost::json::string_view(s.data(), s.size())));
}

// JSON text cut into the runs outside string tokens (first) and the string tokens (second).
std::vector<std::pair<std::string_view, std::string_view>> Tokens(std::string_view json) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  size_t at = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    size_t end = i + 1;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    out.emplace_back(json.substr(at, i - at), json.substr(i, end + 1 - i));
    at = i = end;
    ++at;
  }
  out.emplace_back(json.substr(std::min(at, json.size())), "");
  return out;
}

// `out` parses, and differs from `in` only inside string tokens that now hold a replacement.
void ExpectOnlyStringsChanged(std::string_view in, std::string_view out) {
  boost::system::error_code ec;
  boost::json::parse(out, ec);
  EXPECT_FALSE(ec) << "not JSON: " << out;
  const auto a = Tokens(in);
  const auto b = Tokens(out);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    if (a[i].second != b[i].second) {
      EXPECT_NE(b[i].second.find("[REDACTED:"), std::string_view::npos) << b[i].second;
    }
  }
}

TEST(RedactRulesTest, NamesAreStable) {
  std::vector<std::string_view> names;
  for (int r = 0; r <= static_cast<int>(Rule::kCredentialAssignment); ++r) names.push_back(RuleName(Rule(r)));
  EXPECT_EQ(names, (std::vector<std::string_view>{
                       "secret", "private_key", "aws_access_key_id", "aws_secret_access_key", "github_token",
                       "gitlab_token", "slack_token", "slack_webhook", "neo_api_key", "jwt", "url_password",
                       "authorization_header", "cookie_header", "credential_assignment"}));
}

TEST(RedactCorpusTest, PositiveCasesAsText) {
  const Redactor r(kCorpusSecrets);
  const auto cases = ReadCorpus("positive.txt");
  EXPECT_GE(cases.size(), 44u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(c.expected.has_value());
    EXPECT_NE(c.input, *c.expected);
    EXPECT_EQ(r.RedactText(c.input), *c.expected);
  }
}

// Inside JSON the same text is escaped (line breaks, quotes, backslashes): the output must be the
// expected text escaped the same way, so escapes outside the replacements are kept as they were.
TEST(RedactCorpusTest, PositiveCasesInsideJsonKeepTheirEscapes) {
  const Redactor r(kCorpusSecrets);
  for (const Case& c : ReadCorpus("positive.txt")) {
    SCOPED_TRACE(c.name);
    for (const auto& [head, tail] : std::vector<std::pair<std::string, std::string>>{
             {R"({"role":"tool","content":)", "}"},
             {R"({"parts":[{"type":"tool-result","output":{"exit":0,"stdout":)", R"(,"stderr":""}}]})"}}) {
      const std::string in = head + Quoted(c.input) + tail;
      const std::string out = r.RedactJson(in);
      EXPECT_EQ(out, head + Quoted(*c.expected) + tail);
      ExpectOnlyStringsChanged(in, out);
    }
  }
}

TEST(RedactCorpusTest, NegativeCasesSurviveUntouched) {
  const Redactor r(kCorpusSecrets);
  const auto cases = ReadCorpus("negative.txt");
  EXPECT_GE(cases.size(), 13u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(c.expected.has_value());
    EXPECT_EQ(r.RedactText(c.input), c.input);
    const std::string json =
        R"({"content":)" + Quoted(c.input) + R"(,"parts":[{"input":{"cmd":[)" + Quoted(c.input) + "]}}]}";
    EXPECT_EQ(r.RedactJson(json), json);
  }
}

TEST(RedactCorpusTest, JsonCases) {
  const Redactor r(kCorpusSecrets);
  const auto cases = ReadCorpus("json.txt");
  EXPECT_GE(cases.size(), 14u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string out = r.RedactJson(c.input);
    EXPECT_EQ(out, c.expected.value_or(c.input));
    ExpectOnlyStringsChanged(c.input, out);
  }
}

TEST(RedactCorpusTest, EveryRuleHasPositiveCases) {
  std::set<std::string> seen;
  for (const char* file : {"positive.txt", "json.txt"}) {
    for (const Case& c : ReadCorpus(file)) {
      const std::string& text = c.expected.value_or("");
      for (size_t i = text.find("[REDACTED:"); i != std::string::npos; i = text.find("[REDACTED:", i + 1)) {
        seen.insert(text.substr(i + 10, text.find(']', i) - i - 10));
      }
    }
  }
  for (int r = 0; r <= static_cast<int>(Rule::kCredentialAssignment); ++r) {
    EXPECT_TRUE(seen.contains(std::string(RuleName(Rule(r))))) << RuleName(Rule(r));
  }
}

// The built-in rules' answers over the whole corpus, as one hash: what the stored redaction verdicts
// of kBuiltInRulesVersion (storage/task_codec.h) rely on staying the same. When a change to the rules
// changes it, bump kBuiltInRulesVersion (so that verdicts reached under the old rules stop counting)
// and record the new fingerprint beside the new version here.
TEST(RedactorRulesVersionTest, TheRulesAnswerAsTheirVersionSays) {
  const std::map<int, std::uint64_t> kFingerprints = {{1, 0xb5354f5cbbdcf129ULL}, {2, 0x9a4452190425d658ULL}};
  const Redactor built_in;
  XXH3_state_t* state = XXH3_createState();
  ASSERT_NE(state, nullptr);
  XXH3_64bits_reset(state);
  for (const char* file : {"positive.txt", "negative.txt", "json.txt", "keys.txt", "values.txt"}) {
    for (const Case& c : ReadCorpus(file)) {
      for (const std::string& out : {built_in.RedactText(c.input), built_in.RedactJson(c.input)}) {
        XXH3_64bits_update(state, out.data(), out.size());
        XXH3_64bits_update(state, "\0", 1);
      }
    }
  }
  const std::uint64_t fingerprint = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  ASSERT_TRUE(kFingerprints.contains(kBuiltInRulesVersion))
      << "record the fingerprint of version " << kBuiltInRulesVersion << ": 0x" << std::hex << fingerprint;
  EXPECT_EQ(fingerprint, kFingerprints.at(kBuiltInRulesVersion))
      << "the built-in rules answer differently from version " << kBuiltInRulesVersion
      << ": bump kBuiltInRulesVersion (redact/redactor.h) and record 0x" << std::hex << fingerprint;
}

TEST(RedactSecretTest, ShortAndEmptyValuesAreIgnored) {
  const Redactor r({"", "on", "dev", "prod", "prod"});
  EXPECT_EQ(r.RedactText("dev on prod, product"), "dev on [REDACTED:secret], [REDACTED:secret]uct");
  EXPECT_EQ(Redactor({"  \n"}).RedactText("plain text, no secrets  \n"), "plain text, no secrets  \n");
  EXPECT_EQ(Redactor({"Xk29sLq8zQ\n"}).RedactText("pw Xk29sLq8zQ."), "pw [REDACTED:secret].");
  EXPECT_EQ(Redactor().RedactText(std::string(kGhp)), "[REDACTED:github_token]");
}

TEST(RedactSecretTest, OverlappingOccurrencesBecomeOneReplacement) {
  EXPECT_EQ(Redactor({"abcdEFGH", "EFGHijkl"}).RedactText("xx abcdEFGHijkl yy"), "xx [REDACTED:secret] yy");
  EXPECT_EQ(Redactor({"passpass"}).RedactText("passpasspass!"), "[REDACTED:secret]!");
  EXPECT_EQ(Redactor({"0123456789", "3456"}).RedactText("a0123456789b 3456"),
            "a[REDACTED:secret]b [REDACTED:secret]");
  EXPECT_EQ(Redactor({"prod-key-1", "prod-key-12345"}).RedactText("prod-key-12345 prod-key-1"),
            "[REDACTED:secret] [REDACTED:secret]");
}

TEST(RedactSecretTest, EscapedForms) {
  const Redactor r({R"(pa"ss\w0rd-77)"});
  EXPECT_EQ(r.RedactText(R"(x pa"ss\w0rd-77 y)"), "x [REDACTED:secret] y");
  EXPECT_EQ(r.RedactText(R"({"pw": "pa\"ss\\w0rd-77"})"), R"({"pw": "[REDACTED:secret]"})");
  EXPECT_EQ(r.RedactText("u=pa%22ss%5Cw0rd-77&"), "u=[REDACTED:secret]&");
  EXPECT_EQ(r.RedactJson(R"({"a":"pa\"ss\\w0rd-77","b":"{\"pw\":\"pa\\\"ss\\\\w0rd-77\"}"})"),
            R"({"a":"[REDACTED:secret]","b":"{\"pw\":\"[REDACTED:secret]\"}"})");
}

TEST(RedactSecretTest, APartialCharacterIsWidenedToTheWholeCharacter) {
  const Redactor r({"\xA9tude-99x"});  // the second half of "é" and more
  EXPECT_EQ(r.RedactText("\xC3\xA9tude-99x!"), "[REDACTED:secret]!");
  EXPECT_EQ(r.RedactJson(R"({"a":"\u00e9tude-99x!","b":"\u00c3\u00a9"})"),
            R"({"a":"[REDACTED:secret]!","b":"\u00c3\u00a9"})");
}

TEST(RedactOverlapTest, OverlappingRulesGiveOneSaneReplacement) {
  const std::string payload = "eyJzdWIiOiJzdmMtZGVwbG95IiwiZXhwIjoxODkzNDU2MDAwfQ";
  EXPECT_EQ(Redactor({payload}).RedactText("t=" + std::string(kJwt)), "t=[REDACTED:jwt]");
  EXPECT_EQ(Redactor({std::string(kGhp)}).RedactText(std::string(kGhp)), "[REDACTED:secret]");
  EXPECT_EQ(Redactor({"OOL8d-and-more"}).RedactText(std::string(kGhp) + "-and-more"),
            "[REDACTED:github_token]");
  EXPECT_EQ(Redactor({"4gfqrc5XlrWi0B26"}).RedactText("Authorization: Bearer 4gfqrc5XlrWi0B26"),
            "Authorization: Bearer [REDACTED:secret]");
  EXPECT_EQ(Redactor().RedactText("https://x:" + std::string(kGhp) + "@github.com"),
            "https://x:[REDACTED:github_token]@github.com");
}

// "<first><TAB><second>" lines of a corpus file, comments skipped.
std::vector<std::pair<std::string, std::string>> ReadPairs(const std::string& file) {
  std::ifstream in(std::string(TASKSHARE_REDACT_CORPUS_DIR) + "/" + file);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string line; std::getline(in, line);) {
    const size_t tab = line.find('\t');
    if (line.starts_with("#") || tab == std::string::npos) continue;
    out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

TEST(RedactCredentialTest, ValuesMustLookGenerated) {
  const auto values = ReadPairs("values.txt");
  EXPECT_GE(values.size(), 25u);
  for (const auto& [verdict, value] : values) EXPECT_EQ(IsCredentialValue(value), verdict == "yes") << value;
  EXPECT_DOUBLE_EQ(EntropyBitsPerChar("aaaaaaaa"), 0.0);
  EXPECT_DOUBLE_EQ(EntropyBitsPerChar("abcdefgh"), 3.0);
  EXPECT_DOUBLE_EQ(EntropyBitsPerChar("abab1212"), 2.0);
  std::string longest;
  for (size_t i = 0; longest.size() < kMaxCredentialLength; ++i) longest += "Xk29sLq8zQ"[i % 10];
  EXPECT_TRUE(IsCredentialValue(longest));
  EXPECT_FALSE(IsCredentialValue(longest + "X"));
  EXPECT_TRUE(IsAwsSecretKeyShape("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  EXPECT_FALSE(IsAwsSecretKeyShape("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE"));
  EXPECT_FALSE(IsAwsSecretKeyShape("wJalrXUtnFEMI-K7MDENG/bPxRfiCYEXAMPLEKEY"));
}

TEST(RedactCredentialTest, KeyNames) {
  const std::map<std::string, KeyKind> kinds = {{"none", KeyKind::kNone},
                                                {"authorization", KeyKind::kAuthorization},
                                                {"cookie", KeyKind::kCookie},
                                                {"aws_secret", KeyKind::kAwsSecret},
                                                {"credential", KeyKind::kCredential}};
  const auto keys = ReadPairs("keys.txt");
  EXPECT_GE(keys.size(), 30u);
  for (const auto& [kind, key] : keys) EXPECT_EQ(ClassifyKey(key), kinds.at(kind)) << key;
}

TEST(RedactJsonTest, UnchangedInputIsTheSameBytes) {
  const Redactor r(kCorpusSecrets);
  for (const char* json : {"", "{}", "[]", "1.50", "\"x\"", " { \"a\" : [ ] } ", R"({"a":"\u0000\ud800"})"}) {
    EXPECT_EQ(r.RedactJson(json), json);
  }
}

TEST(RedactJsonTest, InvalidJsonIsRedactedAsText) {
  const Redactor r;
  const std::string token(kGhp);
  for (const std::string& bad :
       {R"({"a": ")" + token, R"({"a": "x\q )" + token + R"("})", R"({"a": [")" + token + R"("})",
        "]" + token, R"({"a":")" + token + R"(")", R"({"a":"\u12 )" + token + R"("})", std::string("\"\\")}) {
    SCOPED_TRACE(bad);
    const std::string out = r.RedactJson(bad);
    EXPECT_EQ(out, r.RedactText(bad));
    EXPECT_EQ(out.find(token), std::string::npos);
  }
}

// Random JSON built from redactable and harmless strings: whatever the nesting, the output parses and
// only strings with a replacement change.
TEST(RedactJsonTest, RandomDocumentsStayValid) {
  const std::vector<std::string> pool = {
      "plain",
      "Authorization: Bearer 4gfqrc5XlrWi0B26",
      std::string(kJwt),
      "a\"b\\c\n\t\u00e9 \xF0\x9F\x98\x80",
      "Tr0ub4dor&3-prod",
      "password=Xk29sLq8zQ",
      "Xk29sLq8zQ",
      "password",
      "cookie",
      "name",
      "value",
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC575yx8xm5Mslf",
      ""};
  std::mt19937 rng(42);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::function<boost::json::value(int)> make = [&](int depth) -> boost::json::value {
    switch (depth > 4 ? 3 + pick(2) : pick(5)) {
      case 0: {
        boost::json::object o;
        for (size_t n = pick(4); n > 0; --n) o[pool[pick(pool.size())]] = make(depth + 1);
        return o;
      }
      case 1: {
        boost::json::array a;
        for (size_t n = pick(4); n > 0; --n) a.push_back(make(depth + 1));
        return a;
      }
      case 2:
        return 1.5;
      default:
        return boost::json::string(pool[pick(pool.size())]);
    }
  };
  const Redactor r(kCorpusSecrets);
  for (int i = 0; i < 300; ++i) {
    const std::string in = boost::json::serialize(make(0));
    SCOPED_TRACE(in);
    ExpectOnlyStringsChanged(in, r.RedactJson(in));
  }
}

// Inputs built to make a careless scanner quadratic: starts of matches that never finish, and many
// matches in one string. Each is about 5 MB and must finish quickly; no time is asserted.
TEST(RedactLargeInputTest, AdversarialTextIsLinear) {
  const Redactor r(kCorpusSecrets);
  constexpr size_t kSize = 5 << 20;
  auto repeat = [](std::string_view unit) {
    std::string s;
    s.reserve(kSize + unit.size());
    while (s.size() < kSize) s += unit;
    return s;
  };
  for (std::string_view unit : {"eyJaaaaaaaaaaaa.bb ", "eyJa", "password=", "token:'", "https://a:", "a:=b",
                                "ghp_", "AKIAAKIAAKIA", "\\\"", "x\xC3\xA9", "Tr0ub4dor&3-pro"}) {
    const std::string text = repeat(unit);
    EXPECT_EQ(r.RedactText(text), text) << unit;
  }
  const std::string begins = repeat("-----BEGIN RSA PRIVATE KEY-----\n");
  EXPECT_EQ(r.RedactText(begins), repeat("[REDACTED:private_key]\n").substr(0, begins.size() / 32 * 23));
  const std::string cookies = repeat("Cookie: a=b\n");
  EXPECT_EQ(r.RedactText(cookies).size(), cookies.size() / 12 * 33);
}

TEST(RedactLargeInputTest, FiveMegabyteMessage) {
  const Redactor r(kCorpusSecrets);
  std::string content;
  size_t n = 0;
  for (; content.size() < (5 << 20); ++n)
    content += "line " + std::to_string(n) + ": " + std::string(kGhp) + "\n";
  const std::string in =
      R"({"role":"tool","content":)" + Quoted(content) + R"(,"array":[)" + Quoted(content) + "]}";
  const std::string out = r.RedactJson(in);
  size_t markers = 0;
  for (size_t i = out.find("[REDACTED:github_token]"); i != std::string::npos;
       i = out.find("[REDACTED:", i + 1)) {
    ++markers;
  }
  EXPECT_EQ(markers, 2 * n);
  ExpectOnlyStringsChanged(in, out);
}

TEST(RedactConcurrencyTest, OneRedactorSharedByThreads) {
  const Redactor r(kCorpusSecrets);
  const std::string in =
      R"({"a":"Tr0ub4dor&3-prod","b":")" + std::string(kJwt) + R"(","password":"Xk29sLq8zQ"})";
  const std::string want = r.RedactJson(in);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) mismatches[t] += r.RedactJson(in) != want;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
  EXPECT_EQ(
      want,
      R"({"a":"[REDACTED:secret]","b":"[REDACTED:jwt]","password":"[REDACTED:credential_assignment]"})");
}

// The prefilter (prefilter.h) only skips work: FindSpans must find exactly the spans of every scanner
// run over the whole text, in the same order (and then over its markup decoding, as FindSpans reads
// text with markup twice). This is that unfiltered reference, for no secrets.
void UnfilteredSpansAsIs(std::string_view text, KeyKind context, std::vector<Span>& spans) {
  FindPrivateKeys(text, spans);
  FindPatternMatches(text, ~RuleSet{0}, spans);
  FindKeyValueMatches(text, spans);
  FindKeyedValue(context, text, 0, text.size(), spans);
}

std::vector<Span> UnfilteredSpans(std::string_view text, KeyKind context) {
  std::vector<Span> spans;
  if (text.empty()) return spans;
  UnfilteredSpansAsIs(text, context, spans);
  if (HoldsMarkup(text)) {
    const Decoded shown = MarkupDecoded(text);
    std::vector<Span> found;
    UnfilteredSpansAsIs(shown.bytes, context, found);
    shown.MapBack(found, spans);
  }
  return spans;
}

std::string Describe(const std::vector<Span>& spans) {
  std::string out;
  for (const Span& s : spans) {
    out += std::to_string(s.begin) + "-" + std::to_string(s.end) + ":" + std::string(RuleName(s.rule)) + " ";
  }
  return out;
}

void ExpectPrefilterAgrees(std::string_view text) {
  static const Redactor redactor;
  std::vector<Span> filtered;
  redactor.FindSpans(text, KeyKind::kNone, filtered);
  const std::vector<Span> reference = UnfilteredSpans(text, KeyKind::kNone);
  EXPECT_EQ(Describe(filtered), Describe(reference)) << text;
  const RuleSet candidates = CandidateRules(text);
  std::vector<Span> as_is;
  if (!text.empty()) UnfilteredSpansAsIs(text, KeyKind::kNone, as_is);
  for (const Span& s : as_is) {
    EXPECT_NE(candidates & RuleBit(s.rule), 0u) << RuleName(s.rule) << " in " << text;
  }
}

TEST(RedactPrefilterTest, CorpusTextsCutAnywhereAgreeWithEveryRuleRun) {
  for (const char* file : {"positive.txt", "negative.txt", "json.txt"}) {
    for (const Case& c : ReadCorpus(file)) {
      SCOPED_TRACE(c.name);
      for (size_t i = 0; i <= c.input.size(); ++i) {
        ExpectPrefilterAgrees(std::string_view(c.input).substr(i));
        ExpectPrefilterAgrees(std::string_view(c.input).substr(0, i));
      }
    }
  }
}

// Texts pieced together from the literals that the prefilter looks for, their near misses, and the
// separators, quotes and runs around them.
TEST(RedactPrefilterTest, RandomTextsAgreeWithEveryRuleRun) {
  using std::literals::string_view_literals::operator""sv;
  // clang-format off
  const std::vector<std::string_view> pieces = {
      "AKIA", "ASIA", "AKIAIOSFODNN7EXAMPLE", "IA", "ghp_", "gho_", "ghr_", "gh", "_", "github_pat_",
      "glpat-", "gldt-", "glagent-", "glffct-", "gl", "glxyzuvw-", "GR1348941", "GR", "xoxb-", "xoxs-", "xox",
      "xapp-", "p-", "hooks.slack.com/", "services/", "workflows/", "neo_sk_", "eyJ", "yJ",
      "eyJhbGciOiJIUzI1NiJ9", ".", "-", "--", ":", "://", "@", "=", "==", ":=", "=>", "!=", "::",
      "-----BEGIN ", "-----END ", "RSA PRIVATE KEY-----", "PGP PRIVATE KEY BLOCK-----", "Version: 1", "\n",
      "\\n", "\r\n", " ", "\t", "'", "\"", "\\\"", "`", "\\", "/", "?", "#", "<", ">", "password", "PASSWORD",
      "pass_word", "api-key", "Authorization", "proxy-authorization", "cookie", "Set-Cookie", "token",
      "secret", "Bearer ", "Basic ", "aws_secret_access_key", "SecretAccessKey", "https://user:pw",
      "redis://", "x", "Xk29sLq8zQ", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "0123456789abcdef",
      "ABCDEFGHIJKLMNOP", "abcdefghijklmnopqrstuvwxyz0123456789", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC==",
      "${TOKEN}", "%40", "!", "&", "+", "~", "$", ",", ";", "(", "]", "|", "\xC3\xA9", "\xFF", "\0"sv};
  // clang-format on
  std::mt19937 rng(20261120);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = std::uniform_int_distribution<size_t>(1, 24)(rng); n > 0; --n) {
      text += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
    }
    ExpectPrefilterAgrees(text);
    if (HasFailure()) return;
  }
}

// The alternatives inside `pattern` between `open` and `close`, split at '|' (or, with no '|', each
// character: a character class).
std::vector<std::string> Alternatives(std::string_view pattern, std::string_view open,
                                      std::string_view close) {
  const size_t begin = pattern.find(open);
  EXPECT_NE(begin, std::string_view::npos) << open;
  if (begin == std::string_view::npos) return {};
  const std::string_view inner =
      pattern.substr(begin + open.size(), pattern.find(close, begin) - begin - open.size());
  std::vector<std::string> out;
  if (inner.find('|') == std::string_view::npos) {
    for (char c : inner) out.emplace_back(1, c);
    return out;
  }
  for (size_t at = 0; at <= inner.size();) {
    const size_t bar = std::min(inner.find('|', at), inner.size());
    out.emplace_back(inner.substr(at, bar - at));
    at = bar + 1;
  }
  return out;
}

std::string_view PatternOf(Rule rule) {
  for (const PatternRule& r : PatternRules()) {
    if (r.rule == rule) return r.pattern;
  }
  return {};
}

// Every token prefix that the expressions accept, read from the expressions themselves: a prefix added
// to a rule without a literal in prefilter.h would make this fail.
TEST(RedactPrefilterTest, EveryPrefixOfTheExpressionsIsFound) {
  const Redactor r;
  const std::string tail = "Zq9u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";  // 35 letters and digits
  auto expect = [&](const std::string& token, Rule rule) {
    for (const std::string& text : {token, "x " + token + " y", "(" + token + ")\n"}) {
      EXPECT_NE(r.RedactText(text).find("[REDACTED:" + std::string(RuleName(rule)) + "]"), std::string::npos)
          << text;
      ExpectPrefilterAgrees(text);
    }
  };
  const auto github = Alternatives(PatternOf(Rule::kGithubToken), "gh[", "]_");
  EXPECT_EQ(github.size(), 5u);
  for (const std::string& c : github) expect("gh" + c + "_" + tail + "X", Rule::kGithubToken);
  expect("github_pat_" + tail, Rule::kGithubToken);
  const auto gitlab = Alternatives(PatternOf(Rule::kGitlabToken), "(?:(?:", ")-|");
  EXPECT_EQ(gitlab.size(), 11u);
  for (const std::string& prefix : gitlab) expect(prefix + "-" + tail, Rule::kGitlabToken);
  expect("GR1348941" + tail, Rule::kGitlabToken);
  const auto slack = Alternatives(PatternOf(Rule::kSlackToken), "xox[", "]");
  EXPECT_EQ(slack.size(), 7u);
  for (const std::string& c : slack) expect("xox" + c + "-" + tail, Rule::kSlackToken);
  expect("xapp-" + tail, Rule::kSlackToken);
  for (const std::string& kind : Alternatives(PatternOf(Rule::kSlackWebhook), "(?:", ")/")) {
    expect("https://hooks.slack.com/" + kind + "/T000/B000/" + tail, Rule::kSlackWebhook);
  }
  expect("AKIAIOSFODNN7EXAMPLE", Rule::kAwsAccessKeyId);
  expect("ASIAQWERTYUIOP123456", Rule::kAwsAccessKeyId);
  expect("neo_sk_" + tail, Rule::kNeoApiKey);
  expect(std::string(kJwt), Rule::kJwt);
  expect("mongodb+srv://app:" + tail + "@db", Rule::kUrlPassword);
}

// ByteScan against the plain definition of its anchors, on every length and start around the block
// size, for the anchors of the prefilter and of the JSON walk.
template <class Scan>
void ExpectScanMatchesPlainLoop(std::string_view alphabet, uint32_t seed) {
  std::mt19937 rng(seed);
  for (size_t n = 0; n <= 70; ++n) {
    for (int round = 0; round < 20; ++round) {
      std::string text(n, ' ');
      for (char& c : text) c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
      std::vector<size_t> want;
      for (size_t i = 0; i < n; ++i) {
        if (Scan::At(text, i)) want.push_back(i);
      }
      std::vector<size_t> got;
      Scan::ForEach(text, [&](size_t i) { got.push_back(i); });
      ASSERT_EQ(got, want) << text;
      for (size_t from = 0; from <= n + 1; ++from) {
        const auto next = std::lower_bound(want.begin(), want.end(), from);
        ASSERT_EQ(Scan::Find(text, from), next == want.end() ? n : *next) << text << " from " << from;
      }
    }
  }
}

TEST(RedactPrefilterTest, ByteScanFindsWhatAPlainLoopFinds) {
  ExpectScanMatchesPlainLoop<prefilter_internal::Anchors>(
      std::string("-_:=BglopxIAGRyJk.a") + std::string(1, '\0') + "\xFF", 1);
  ExpectScanMatchesPlainLoop<prefilter_internal::Anchors>("-B", 2);
  ExpectScanMatchesPlainLoop<ByteScan<AnyOf<'"', '\\'>>>("\"\\ab", 3);
  ExpectScanMatchesPlainLoop<ByteScan<AnyOf<'='>, Pair<'a', 'b'>>>("=ab", 4);
}

// ClassifyKey against its contract in credentials.h, written plainly.
KeyKind PlainClassifyKey(std::string_view key) {
  std::string norm;
  for (char c : key) {
    if (c == '_' || c == '-' || c == '.' || c == ' ') continue;
    norm += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (norm == "authorization" || norm == "proxyauthorization") return KeyKind::kAuthorization;
  if (norm == "cookie" || norm == "setcookie") return KeyKind::kCookie;
  for (std::string_view name : {"secretaccesskey", "awssecretkey"}) {
    if (norm.ends_with(name)) return KeyKind::kAwsSecret;
  }
  for (std::string_view name : {"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey",
                                "secretkey", "privatekey", "signingkey", "credential", "credentials"}) {
    if (norm.ends_with(name)) return KeyKind::kCredential;
  }
  return KeyKind::kNone;
}

// EntropyBitsPerChar visits only the bytes that occur, in the order of a plain loop over all 256: the
// sum must be the same to the last bit, since values are compared with a threshold.
TEST(RedactCredentialTest, EntropyIsThePlainSumToTheLastBit) {
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string value(std::uniform_int_distribution<size_t>(1, 64)(rng), ' ');
    const int range = std::uniform_int_distribution<int>(1, 256)(rng);
    for (char& c : value) c = static_cast<char>(std::uniform_int_distribution<int>(0, range - 1)(rng));
    std::array<uint32_t, 256> counts{};
    for (char c : value) ++counts[static_cast<unsigned char>(c)];
    double bits = 0;
    for (uint32_t count : counts) {
      if (count == 0) continue;
      const double p = count / static_cast<double>(value.size());
      bits -= p * std::log2(p);
    }
    ASSERT_EQ(EntropyBitsPerChar(value), bits);
  }
}

TEST(RedactCredentialTest, KeyNamesPiecedTogetherClassifyAsTheContractSays) {
  // clang-format off
  const std::vector<std::string> pieces = {
      "pass", "word", "PASS", "Word", "wd", "phrase", "_", "-", ".", " ", "api", "key", "KEY", "token", "s",
      "secret", "access", "aws", "cookie", "set", "Set-", "authorization", "Proxy-", "credential", "x", "id",
      "private", "signing", "\xC3\xA9", std::string(70, 'a'), std::string(62, 'b')};
  // clang-format on
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string key;
    for (size_t n = std::uniform_int_distribution<size_t>(1, 5)(rng); n > 0; --n) {
      key += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
    }
    ASSERT_EQ(ClassifyKey(key), PlainClassifyKey(key)) << key;
  }
}

// The JSON walk finds the end of a string and whether it holds an escape in one pass: quotes and
// backslashes at every offset around the block size, before a token that must still be found.
TEST(RedactJsonTest, EscapesAtEveryOffset) {
  const Redactor r;
  for (size_t k = 0; k < 40; ++k) {
    for (std::string_view escape : {"\"", "\\", "\\\"", "\"\\", "\n", "\xC3\xA9", "/"}) {
      const std::string text = std::string(k, 'a') + std::string(escape) + std::string(k % 7, 'b') + " " +
                               std::string(kGhp) + std::string(escape);
      const std::string expected = std::string(k, 'a') + std::string(escape) + std::string(k % 7, 'b') +
                                   " [REDACTED:github_token]" + std::string(escape);
      const std::string in = R"({"a":)" + Quoted(text) + R"(,"b":[)" + Quoted(std::string(k, '\\')) + "]}";
      EXPECT_EQ(r.RedactJson(in),
                R"({"a":)" + Quoted(expected) + R"(,"b":[)" + Quoted(std::string(k, '\\')) + "]}");
    }
  }
}

// Deeper than the walk's own buffer for its stack holds.
TEST(RedactJsonTest, DeepNesting) {
  const Redactor r;
  for (size_t depth : {15, 16, 17, 33, 200}) {
    std::string in;
    std::string want;
    for (size_t i = 0; i < depth; ++i) {
      in += i % 2 == 0 ? R"({"password":)" : "[";
    }
    want = in;
    in += R"("Xk29sLq8zQ")";
    want += R"("[REDACTED:credential_assignment]")";
    for (size_t i = depth; i-- > 0;) {
      in += i % 2 == 0 ? "}" : "]";
      want += i % 2 == 0 ? "}" : "]";
    }
    EXPECT_EQ(r.RedactJson(in), want) << depth;
  }
}

TEST(RedactJsonTest, DecodingAgreesWithAJsonParser) {
  std::mt19937 rng(11);
  // clang-format off
  const std::vector<std::string> pieces = {
      "a", "\"", "\\", "/", "\n", "\t", "\b", "\f", "\r", std::string(1, '\0'), "\x1F", "\xC3\xA9",
      "\xF0\x9F\x98\x80", "xyz0123456789"};
  // clang-format on
  std::string decoded;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (size_t n = std::uniform_int_distribution<size_t>(0, 30)(rng); n > 0; --n) {
      text += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
    }
    const std::string quoted = Quoted(text);
    ASSERT_TRUE(DecodeJsonString(std::string_view(quoted).substr(1, quoted.size() - 2), decoded)) << quoted;
    ASSERT_EQ(decoded, text) << quoted;
  }
  ASSERT_TRUE(DecodeJsonString(R"(\/\u00E9\u00e9\ud83d\ude00\n)", decoded));
  EXPECT_EQ(decoded, "/\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80\n");
  for (std::string_view bad : {"\\", "a\\", "\\x", "\\u12", "\\u12g4", "ab\\q"})
    EXPECT_FALSE(DecodeJsonString(bad, decoded)) << bad;
}

}  // namespace
}  // namespace taskshare::redact
