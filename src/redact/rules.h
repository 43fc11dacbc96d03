// The redaction rules' names, and the spans they mark in a text: the shared vocabulary of the scanners
// under src/redact/ (see redactor.h for what each rule matches). Internal to the redactor. Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace taskshare::redact {

// Every rule, in priority order: when overlapping matches are merged into one replacement, the longest
// match names it, and of equally long ones the rule listed first.
enum class Rule : uint8_t {
  kSecret,
  kPrivateKey,
  kAwsAccessKeyId,
  kAwsSecretAccessKey,
  kGithubToken,
  kGitlabToken,
  kSlackToken,
  kSlackWebhook,
  kNeoApiKey,
  kJwt,
  kUrlPassword,
  kAuthorizationHeader,
  kCookieHeader,
  kCredentialAssignment,
};

// The stable short name shown in the replacement, e.g. "github_token".
std::string_view RuleName(Rule rule);

// Bytes [begin, end) of a text that `rule` says must not be shown.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  Rule rule = Rule::kSecret;
};

// "[REDACTED:<name>]".
std::string Marker(Rule rule);

// Puts `spans` (any order, possibly overlapping) into the form AppendRedacted takes: every span widened
// to whole UTF-8 code points of `text`, sorted, and overlapping spans merged into one named as the
// Rule comment says. Spans that merely touch stay apart. Empty spans are dropped.
void NormalizeSpans(std::string_view text, std::vector<Span>& spans);

// Appends `text` to `out` with each span of `spans` (normalized) replaced by its Marker.
void AppendRedacted(std::string& out, std::string_view text, const std::vector<Span>& spans);

}  // namespace taskshare::redact
