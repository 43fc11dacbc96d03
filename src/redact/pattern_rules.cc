#include "redact/pattern_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "redact/prefilter.h"

namespace taskshare::redact {
namespace {

// Token formats open with `(?:\A|[^A-Za-z0-9])`: a token starts at the start of the text or after a
// character that is not a letter or digit, so that the same letters in the middle of a longer word or
// of a base64 run (…xAKIA…, …Zghp_…) are left alone. RE2's \b would also refuse a start after "_",
// which is common in front of a token (TOKEN_ghp_…). Searches restart where the previous match ended,
// and RE2 reads the text before the start position as context, so \A matches only at offset 0.
// prefilter.h restates, for each row, literals that every match contains: a row whose literals a text
// lacks is not run on it. Change the two together (redact_test.cc compares them on many texts).
const std::vector<PatternRule> kPatternRules = {
    // AKIA (long-term) and ASIA (temporary) access key ids: the prefix and 16 more of [A-Z0-9], exactly.
    {Rule::kAwsAccessKeyId, R"((?:\A|[^A-Za-z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?:[^A-Za-z0-9]|\z))", 1},
    // Classic tokens (personal, OAuth, user-to-server, server-to-server, refresh): 36 or more after the
    // prefix; fine-grained personal access tokens.
    {Rule::kGithubToken, R"((?:\A|[^A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))",
     1},
    // Personal, deploy, runner, pipeline-trigger, feed, SCIM, CI-job, OAuth-application, incoming-mail,
    // agent and feature-flag tokens, and runner registration tokens; optional dotted suffixes of the
    // newer routable format.
    {Rule::kGitlabToken,
     R"((?:\A|[^A-Za-z0-9])((?:(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas|glimt|glagent|glffct)-)"
     R"(|GR1348941)[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]{2,}){0,2}))",
     1},
    // Bot, user, app, refresh, legacy and workspace tokens, and app-level tokens.
    {Rule::kSlackToken, R"((?:\A|[^A-Za-z0-9])((?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}))", 1},
    // Incoming webhooks and workflow triggers: the path after the kind is the secret.
    {Rule::kSlackWebhook, R"(hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/-]{8,}))", 1},
    // This server's own API keys (neo_sk_ and 32 letters and digits); 16 or more are accepted.
    {Rule::kNeoApiKey, R"((?:\A|[^A-Za-z0-9])(neo_sk_[A-Za-z0-9]{16,}))", 1},
    // A JWS (header.payload.signature, the signature possibly empty) or a JWE (five parts), whose first
    // part is base64url of a JSON object and so starts with eyJ.
    {Rule::kJwt,
     R"((?:\A|[^A-Za-z0-9])(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)"
     R"((?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?))",
     1},
    // scheme://user:PASSWORD@host: only the password, up to the last @ before the host ends the
    // authority; the user may be empty (redis://:pw@host).
    {Rule::kUrlPassword, R"([A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:"'<>\\]*:([^\s/?#"'<>\\]+)@)", 1},
};

struct Compiled {
  std::vector<std::unique_ptr<RE2>> regexes;

  static RE2::Options Options() {
    RE2::Options o;
    o.set_encoding(RE2::Options::EncodingLatin1);  // byte semantics: any text, valid UTF-8 or not
    o.set_log_errors(false);
    return o;
  }

  Compiled() {
    for (const PatternRule& r : kPatternRules) {
      auto re = std::make_unique<RE2>(r.pattern, Options());
      if (!re->ok()) throw std::logic_error("redact: bad pattern for " + std::string(RuleName(r.rule)));
      regexes.push_back(std::move(re));
    }
  }
};

const Compiled& GetCompiled() {
  static const Compiled compiled;
  return compiled;
}

void FindAll(const RE2& re, const PatternRule& rule, std::string_view text, std::vector<Span>& out) {
  std::array<re2::StringPiece, 2> sub;
  const re2::StringPiece whole(text.data(), text.size());
  size_t pos = 0;
  while (pos < text.size() &&
         re.Match(whole, pos, text.size(), RE2::UNANCHORED, sub.data(), rule.group + 1)) {
    const re2::StringPiece& g = sub[rule.group];
    const size_t begin = g.data() == nullptr ? pos : static_cast<size_t>(g.data() - text.data());
    const size_t end = begin + g.size();
    if (end > begin) out.push_back({begin, end, rule.rule});
    // Every pattern's group is non-empty; the max is a guard against looping on a future one that is not.
    pos = std::max(end, static_cast<size_t>(sub[0].data() - text.data()) + 1);
  }
}

}  // namespace

const std::vector<PatternRule>& PatternRules() { return kPatternRules; }

void FindPatternMatches(std::string_view text, std::vector<Span>& out) {
  FindPatternMatches(text, CandidateRules(text), out);
}

void FindPatternMatches(std::string_view text, RuleSet candidates, std::vector<Span>& out) {
  if ((candidates & kPatternRuleSet) == 0) return;
  const Compiled& c = GetCompiled();
  for (size_t i = 0; i < kPatternRules.size(); ++i) {
    if ((candidates & RuleBit(kPatternRules[i].rule)) != 0) {
      FindAll(*c.regexes[i], kPatternRules[i], text, out);
    }
  }
}

}  // namespace taskshare::redact
