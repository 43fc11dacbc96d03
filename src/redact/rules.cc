#include "redact/rules.h"

#include <algorithm>
#include <array>

namespace taskshare::redact {
namespace {

constexpr std::array<std::string_view, 14> kNames = {
    "secret",       "private_key",          "aws_access_key_id", "aws_secret_access_key", "github_token",
    "gitlab_token", "slack_token",          "slack_webhook",     "neo_api_key",           "jwt",
    "url_password", "authorization_header", "cookie_header",     "credential_assignment",
};
static_assert(kNames.size() == static_cast<size_t>(Rule::kCredentialAssignment) + 1);

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string_view RuleName(Rule rule) { return kNames[static_cast<size_t>(rule)]; }

std::string Marker(Rule rule) {
  std::string out = "[REDACTED:";
  out += RuleName(rule);
  out += ']';
  return out;
}

void NormalizeSpans(std::string_view text, std::vector<Span>& spans) {
  // Rules match at ASCII boundaries, and secrets given as valid UTF-8 can only match whole code points
  // of valid UTF-8 text; the widening is for the rest (a secret cut inside a character), so that a
  // replacement never leaves half a character behind.
  for (Span& s : spans) {
    s.end = std::min(s.end, text.size());
    for (int k = 0; k < 3 && s.begin > 0 && s.begin < s.end && IsContinuationByte(text[s.begin]); ++k) {
      --s.begin;
    }
    for (int k = 0; k < 3 && s.end < text.size() && IsContinuationByte(text[s.end]); ++k) ++s.end;
  }
  std::erase_if(spans, [](const Span& s) { return s.begin >= s.end; });
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<Span> merged;
  size_t best_len = 0;  // length of the span that names merged.back()
  for (const Span& s : spans) {
    const size_t len = s.end - s.begin;
    if (merged.empty() || s.begin >= merged.back().end) {
      merged.push_back(s);
      best_len = len;
      continue;
    }
    Span& m = merged.back();
    m.end = std::max(m.end, s.end);
    if (len > best_len || (len == best_len && s.rule < m.rule)) {
      m.rule = s.rule;
      best_len = len;
    }
  }
  spans = std::move(merged);
}

void AppendRedacted(std::string& out, std::string_view text, const std::vector<Span>& spans) {
  size_t at = 0;
  for (const Span& s : spans) {
    out.append(text.substr(at, s.begin - at));
    out += "[REDACTED:";
    out += RuleName(s.rule);
    out += ']';
    at = s.end;
  }
  out.append(text.substr(at));
}

}  // namespace taskshare::redact
