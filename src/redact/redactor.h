// Redactor: removes secrets and credentials from what an anonymous viewer of a task is shown.
//
// Built once per task from the values of the task's secrets plus a fixed table of rules, it replaces
// each match with "[REDACTED:<rule>]". Matching is linear in the input for every rule (RE2 for the
// regular ones, hand-written scanners that never look back more than a bounded distance for the rest),
// so an attacker who writes the transcript cannot make it slow. One pass over each string first finds
// the rules that could match it at all (prefilter.h), and only those run, so text with nothing to redact
// costs little more than that pass. Immutable after construction: one Redactor may be used from any
// number of threads at once (hold it as std::shared_ptr<const Redactor>).
//
// | rule                  | matches (exact patterns and thresholds in the file named)     | replaced  |
// | --------------------- | ------------------------------------------------------------- | --------- |
// | secret                | the task's secret values, byte for byte, also \"-escaped and  | match, or |
// |                       | percent-encoded, in strings and in JSON numbers; values under | a whole   |
// |                       | 4 bytes ignored (secret_matcher)                              | number    |
// | private_key           | -----BEGIN ...PRIVATE KEY----- through its END line; a key    | block     |
// |                       | without END to the end of its base64 body (private_keys)      |           |
// | aws_access_key_id     | (AKIA|ASIA)[A-Z0-9]{16}, not inside a word (pattern_rules)    | match     |
// | aws_secret_access_key | 40 of [A-Za-z0-9/+] under a key such as aws_secret_access_key | value     |
// |                       | or SecretAccessKey (credentials)                              |           |
// | github_token          | gh[pousr]_ + 36+ alnum; github_pat_ + 22+ [A-Za-z0-9_]        | match     |
// | gitlab_token          | glpat-/gldt-/glrt-/... + 20+ [A-Za-z0-9_-]; GR1348941...      | match     |
// | slack_token           | xox[abeoprs]- or xapp- + 10+ [A-Za-z0-9-]                     | match     |
// | slack_webhook         | hooks.slack.com/(services|workflows|triggers)/PATH            | PATH      |
// | neo_api_key           | neo_sk_ + 16+ alnum                                           | match     |
// | jwt                   | eyJ... . ... . ... (base64url parts; JWS or JWE)              | match     |
// | url_password          | scheme://user:PASSWORD@                                       | PASSWORD  |
// | authorization_header  | Authorization: / Proxy-Authorization: in text (to the end of  | value but |
// |                       | the line or quote), or a JSON member of that name             | scheme    |
// | cookie_header         | Cookie: / Set-Cookie: likewise                                | value     |
// | credential_assignment | password=, token:, "api_key": ... (credentials.h lists the    | value     |
// |                       | names) whose value looks generated (credentials.h thresholds) |           |
//
// Every rule reads a text twice when it holds markup: as it is, and as markdown would show it, with
// backslash escapes of punctuation and character references decoded (redact/decodings.h), so that
// "neo\\_sk\\_…" or "&#65;KIA…" is caught; the replacement then covers the escapes. Overlapping matches
// become one replacement, named after the longest of them (ties: the rule listed first above). The secret
// rule is never named after the secret: the anonymous view hides the names of a task's secrets too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "redact/credentials.h"
#include "redact/rules.h"
#include "redact/secret_matcher.h"

namespace taskshare::redact {

// The version of the built-in rules (every rule above but `secret`). Stored messages carry the
// verdict "the built-in rules of version V leave this body unchanged" (storage/task_codec.h), and a
// share view skips the built-in rules for a body whose verdict names the current version. So bump it
// whenever a change to any built-in rule could make RedactJson() change a text it left unchanged
// before; verdicts of older versions then count for nothing and those bodies are redacted when read.
// RedactorRulesVersionTest fingerprints the rules' answers over tests/unit/redact_corpus and fails
// when they change while this number does not.
inline constexpr int kBuiltInRulesVersion = 2;

// Whether the built-in rules (every rule but `secret`) apply. The secret rule always does: the values
// of a task's secrets are hidden whatever else is turned off.
enum class BuiltInRules { kOn, kOff };

class Redactor {
 public:
  // `secret_values`: the values of the task's secrets, in any order, possibly empty; those shorter
  // than kMinSecretLength bytes are ignored (see secret_matcher.h for why).
  explicit Redactor(const std::vector<std::string>& secret_values = {},
                    BuiltInRules rules = BuiltInRules::kOn);

  // True if this redactor can change nothing: no secret value and the built-in rules off.
  [[nodiscard]] bool inert() const { return rules_ == BuiltInRules::kOff && secrets_.empty(); }
  // True if it looks for secret values (some value was long enough to be kept).
  [[nodiscard]] bool has_secrets() const { return !secrets_.empty(); }
  // The memory it holds (its secret values' automaton; the built-in rules are shared by every instance).
  [[nodiscard]] size_t memory_bytes() const { return secrets_.memory_bytes(); }

  // `text` (plain text such as a title; any bytes) with every match replaced. A copy of `text` if
  // nothing matches.
  [[nodiscard]] std::string RedactText(std::string_view text) const;

  // `json` (the text of one JSON value, such as a stored message) with matches replaced inside its
  // string tokens, keys included, at any depth. Only string tokens that contain a match change, and in
  // those only the matched bytes: the rest of the token keeps its escapes as written, every other
  // byte is kept, and the result is valid JSON whenever `json` is. A byte-identical copy of `json` if
  // nothing matches. A number token that holds a secret value (a PIN stored as a number, say) is
  // replaced whole by the string "[REDACTED:secret]". Besides the rules that apply to any text, a string
  // value is also judged by the key of its member (an array's elements by the key of the array, and a "value"
  // member by the string of a "name" or "key" member before it, as in HAR headers and Kubernetes env lists):
  // {"Authorization": "Bearer x"}, {"password": "..."}, {"name": "API_TOKEN", "value": "..."}.
  // Precondition: `json` is valid JSON. If it is not, the result is RedactText(json): never undefined
  // behaviour, and nothing that RedactText would catch is shown.
  [[nodiscard]] std::string RedactJson(std::string_view json) const;

  // True if RedactJson(json) is a byte-identical copy of `json`.
  [[nodiscard]] bool LeavesJsonUnchanged(std::string_view json) const;

  // The built-in rules alone (no secret values): one immutable instance for the whole process.
  static const Redactor& BuiltIn();

  // Appends to `spans` the matches of every rule in `text`, as judged under a key of kind `context`;
  // not normalized. For the tests and for callers that render the text themselves.
  void FindSpans(std::string_view text, KeyKind context, std::vector<Span>& spans) const;

  // The matches in `text` (as RedactText finds them) in the form AppendRedacted takes: sorted,
  // merged, named. For callers that show the text in pieces of their own (the page's markdown).
  [[nodiscard]] std::vector<Span> Spans(std::string_view text) const;

  // Appends to `spans` the occurrences of secret values alone in `text`, in increasing order.
  void FindSecretSpans(std::string_view text, std::vector<Span>& spans) const { secrets_.Find(text, spans); }

 private:
  // FindSpans over `text` as it is, without the decoding of its markup.
  void FindSpansAsIs(std::string_view text, KeyKind context, std::vector<Span>& spans) const;

  SecretMatcher secrets_;
  BuiltInRules rules_;
};

}  // namespace taskshare::redact
