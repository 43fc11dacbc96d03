// CandidateRules: which rules can match a text at all, found in one fast pass before any of them runs.
//
// Every match of a rule contains one of a few literals: a token prefix, a key-value separator, an armor
// line. Each literal contains an anchor, a byte or a pair of bytes that is rare in prose, code and JSON
// (Anchors below), so the pass skips to anchors sixteen bytes at a time (byte_scan.h) and checks the
// literals around them. A rule none of whose literals occurs cannot match, and its scanner does not
// read the text. Most strings of a transcript hold no literal and cost this one pass. Pure functions;
// thread-safe.
//
// | rule                      | every match contains                                  | anchor        |
// | ------------------------- | ----------------------------------------------------- | ------------- |
// | private_key               | "-----BEGIN "                                         | -B (5th byte) |
// | aws_access_key_id         | AKIA or ASIA                                          | IA (3rd)      |
// | github_token              | gh[pousr]_ or github_pat_                             | _ (4th; 7th)  |
// | gitlab_token              | gl[a-z]{2,5}- (every prefix of the rule) or GR1348941 | gl; GR (1st)  |
// | slack_token               | xox?- or xapp-                                        | ox (2nd); p-  |
// |                           |                                                       | (4th)         |
// | slack_webhook             | hooks.slack.com/                                      | k. (11th)     |
// | neo_api_key               | neo_sk_                                               | _ (4th)       |
// | jwt                       | eyJ                                                   | yJ (2nd)      |
// | url_password              | :// and after it, before any of \s / ? # " ' < > \   | : (1st)       |
// |                           | (which the password cannot hold), a ':' then an '@'   |               |
// | the keyed rules, in text  | a ':' or '=' for which IsKeyValueSeparator holds      | : =           |
//
// The literals restate the expressions of pattern_rules.cc and the scanners' entry conditions: change
// them together. redact_test.cc holds the filtered rules to the unfiltered ones on many texts. Not
// filtered: the task's secrets, and the keyed rules applied to a whole JSON string by its member's key.
//
// Header-only, so that the scan loop is compiled into its callers (Redactor::FindSpans above all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "redact/byte_scan.h"
#include "redact/key_value_scanner.h"
#include "redact/rules.h"

namespace taskshare::redact {

// A set of rules, bit i for the rule numbered i.
using RuleSet = uint32_t;

constexpr RuleSet RuleBit(Rule rule) { return RuleSet{1} << static_cast<unsigned>(rule); }

inline constexpr RuleSet kPatternRuleSet = RuleBit(Rule::kAwsAccessKeyId) | RuleBit(Rule::kGithubToken) |
                                           RuleBit(Rule::kGitlabToken) | RuleBit(Rule::kSlackToken) |
                                           RuleBit(Rule::kSlackWebhook) | RuleBit(Rule::kNeoApiKey) |
                                           RuleBit(Rule::kJwt) | RuleBit(Rule::kUrlPassword);
inline constexpr RuleSet kKeyValueRuleSet =
    RuleBit(Rule::kAwsSecretAccessKey) | RuleBit(Rule::kAuthorizationHeader) | RuleBit(Rule::kCookieHeader) |
    RuleBit(Rule::kCredentialAssignment);

namespace prefilter_internal {

// The anchors, each named by its first byte (the switch in RulesAt relies on that).
using Anchors = ByteScan<AnyOf<'_', ':', '='>, Pair<'-', 'B'>, Pair<'g', 'l'>, Pair<'o', 'x'>, Pair<'p', '-'>,
                         Pair<'I', 'A'>, Pair<'G', 'R'>, Pair<'y', 'J'>, Pair<'k', '.'>>;

// `literal` occurs in `text` starting `back` bytes before `pos`. Byte by byte rather than memcmp: most
// anchors are in no literal, and the first byte tells.
inline bool LiteralAt(std::string_view text, size_t pos, size_t back, std::string_view literal) {
  if (pos < back || pos - back > text.size() || text.size() - (pos - back) < literal.size()) return false;
  const char* p = text.data() + (pos - back);
  for (size_t k = 0; k < literal.size(); ++k) {
    if (p[k] != literal[k]) return false;
  }
  return true;
}

// gl[a-z]{2,5}- at `pos`.
inline bool GitlabPrefixAt(std::string_view text, size_t pos) {
  if (!LiteralAt(text, pos, 0, "gl")) return false;
  size_t letters = 0;  // after "gl", up to one more than may come before the '-'
  while (letters < 6 && pos + 2 + letters < text.size() && text[pos + 2 + letters] >= 'a' &&
         text[pos + 2 + letters] <= 'z') {
    ++letters;
  }
  return letters >= 2 && letters <= 5 && LiteralAt(text, pos + 2 + letters, 0, "-");
}

// "://" at `pos`, then a ':' and after it an '@' before the bytes that a URL's password may hold end.
// The runs that follow different "://" are disjoint (a run ends at '/'), so the walks read each byte
// at most once.
inline bool UrlPasswordAt(std::string_view text, size_t pos) {
  if (!LiteralAt(text, pos, 0, "://")) return false;
  bool colon = false;
  for (size_t i = pos + 3; i < text.size(); ++i) {
    switch (text[i]) {
      case '\t':
      case '\n':
      case '\f':
      case '\r':
      case ' ':  // RE2's \s
      case '/':
      case '?':
      case '#':
      case '"':
      case '\'':
      case '<':
      case '>':
      case '\\':
        return false;
      case ':':
        colon = true;
        break;
      case '@':
        if (colon) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

constexpr RuleSet RuleIf(bool condition, Rule rule) { return condition ? RuleBit(rule) : 0; }

// The rules whose literals hold the '_' at text[i].
inline RuleSet UnderscoreRules(std::string_view text, size_t i) {
  const bool github = (LiteralAt(text, i, 3, "gh") &&
                       std::string_view("pousr").find(text[i - 1]) != std::string_view::npos) ||
                      LiteralAt(text, i, 6, "github_pat_");
  return RuleIf(github, Rule::kGithubToken) | RuleIf(LiteralAt(text, i, 3, "neo_sk_"), Rule::kNeoApiKey);
}

// The rules, of those not `found` yet, whose literal is the ':' or '=' at text[i].
inline RuleSet SeparatorRules(std::string_view text, size_t i, RuleSet found) {
  RuleSet rules = 0;
  if ((found & kKeyValueRuleSet) == 0 && IsKeyValueSeparator(text, i)) rules |= kKeyValueRuleSet;
  if ((found & RuleBit(Rule::kUrlPassword)) == 0) rules |= RuleIf(UrlPasswordAt(text, i), Rule::kUrlPassword);
  return rules;
}

// The rules whose literals hold the anchor at text[i], of those not `found` yet (some may be returned
// again).
inline RuleSet RulesAt(std::string_view text, size_t i, RuleSet found) {
  switch (text[i]) {
    case '-':  // -B
      return RuleIf(LiteralAt(text, i, 4, "-----BEGIN "), Rule::kPrivateKey);
    case 'g':  // gl
      return RuleIf(GitlabPrefixAt(text, i), Rule::kGitlabToken);
    case 'o':  // ox
      return RuleIf(LiteralAt(text, i, 1, "xox") && LiteralAt(text, i + 3, 0, "-"), Rule::kSlackToken);
    case 'p':  // p-
      return RuleIf(LiteralAt(text, i, 3, "xapp-"), Rule::kSlackToken);
    case '_':
      return UnderscoreRules(text, i);
    case ':':
    case '=':
      return SeparatorRules(text, i, found);
    case 'I':  // IA
      return RuleIf(LiteralAt(text, i, 2, "AKIA") || LiteralAt(text, i, 2, "ASIA"), Rule::kAwsAccessKeyId);
    case 'G':  // GR
      return RuleIf(LiteralAt(text, i, 0, "GR1348941"), Rule::kGitlabToken);
    case 'y':  // yJ
      return RuleIf(LiteralAt(text, i, 1, "eyJ"), Rule::kJwt);
    case 'k':  // k.
      return RuleIf(LiteralAt(text, i, 10, "hooks.slack.com/"), Rule::kSlackWebhook);
    default:
      return 0;
  }
}

}  // namespace prefilter_internal

// The rules that may match somewhere in `text` (of private_key, the pattern rules and the keyed rules
// in free text): every rule that does match is in the set; most rules in it do not.
inline RuleSet CandidateRules(std::string_view text) {
  RuleSet rules = 0;
  prefilter_internal::Anchors::ForEach(
      text, [&](size_t i) { rules |= prefilter_internal::RulesAt(text, i, rules); });
  return rules;
}

}  // namespace taskshare::redact
