// The rules that a regular expression states exactly: token formats with a known prefix (AWS access
// key ids, GitHub, GitLab, Slack and neo_sk_ tokens, JWTs) and passwords in URLs. They run on RE2,
// whose matching time is linear in the text whatever the text; the expressions are compiled once per
// process and shared. Thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "redact/prefilter.h"
#include "redact/rules.h"

namespace taskshare::redact {

// One row of the table: the expression, and the capture group whose bytes are replaced.
struct PatternRule {
  Rule rule;
  std::string_view pattern;
  int group;
};

// Every row, in the order they run (see pattern_rules.cc for the table itself).
const std::vector<PatternRule>& PatternRules();

// Appends to `out` the span of every match of every pattern rule in `text`. The matches of one rule do
// not overlap; those of different rules may. Rules whose literals `text` lacks do not run (prefilter.h),
// so a text that matches nothing usually costs one fast pass and no regular expression.
void FindPatternMatches(std::string_view text, std::vector<Span>& out);

// The same, given `candidates`: CandidateRules(text) or any superset of it (the rules outside it are not
// run; every rule runs, over the whole text, when it holds them all).
void FindPatternMatches(std::string_view text, RuleSet candidates, std::vector<Span>& out);

}  // namespace taskshare::redact
