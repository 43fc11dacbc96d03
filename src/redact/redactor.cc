#include "redact/redactor.h"

#include <array>
#include <cstddef>
#include <memory_resource>
#include <optional>

#include "common/strings.h"
#include "domain/messages.h"
#include "redact/byte_scan.h"
#include "redact/decodings.h"
#include "redact/json_string.h"
#include "redact/key_value_scanner.h"
#include "redact/pattern_rules.h"
#include "redact/prefilter.h"
#include "redact/private_keys.h"

namespace taskshare::redact {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// `json[i]` opens a string; the index just past its closing quote, or kNpos if it never closes, and in
// `escaped` whether the string holds an escape. A backslash escapes the byte after it, so a quote closes
// the string unless an odd number of backslashes precedes it.
size_t SkipString(std::string_view json, size_t i, bool& escaped) {
  escaped = false;
  for (size_t j = i + 1;;) {
    j = ByteScan<AnyOf<'"', '\\'>>::Find(json, j);
    if (j >= json.size()) return kNpos;
    if (json[j] == '"') return j + 1;
    escaped = true;
    j += 2;
  }
}

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (AsciiLower(s[i]) != lower[i]) return false;
  }
  return true;
}

// The JSON walk's view of one open object or array. It tracks only what a string token needs: whether
// it is a key, and the key kind its value is judged under.
struct Frame {
  enum class Role { kOther, kName, kValue };  // the current member's key: "name"/"key", "value", other

  bool object = false;
  bool expect_key = true;           // objects: the next string token is a key
  KeyKind member = KeyKind::kNone;  // objects: the current member's key; arrays: the array's own key
  Role role = Role::kOther;         // objects
  KeyKind named = KeyKind::kNone;   // objects: what a "name"/"key" member's string value classifies as

  [[nodiscard]] KeyKind ValueContext() const {
    if (object && role == Role::kValue && named != KeyKind::kNone) return named;
    return member;
  }
};

// One walk over a JSON text. Bytes are copied to the output lazily: nothing until the first string
// token that changes, so an unchanged text costs no copy but the final one.
class JsonWalk {
 public:
  JsonWalk(const Redactor& redactor, std::string_view json) : redactor_(redactor), json_(json) {
    stack_.reserve(kTypicalDepth);
  }

  // The redacted text, or std::nullopt if the text turned out not to be valid JSON.
  std::optional<std::string> Run() {
    for (size_t i = 0; i < json_.size();) {
      if (json_[i] != '"') {
        if ((json_[i] == '-' || (json_[i] >= '0' && json_[i] <= '9')) && redactor_.has_secrets()) {
          i = NumberToken(i);
          continue;
        }
        if (!Structural(json_[i])) return std::nullopt;
        ++i;
        continue;
      }
      bool escaped = false;
      const size_t end = SkipString(json_, i, escaped);
      if (end == kNpos || !StringToken(i, end, escaped)) return std::nullopt;
      i = end;
    }
    if (!stack_.empty()) return std::nullopt;
    if (!changed_) return std::string(json_);
    out_.append(json_.substr(copied_));
    return std::move(out_);
  }

 private:
  // Brackets and commas; every other byte outside strings needs no attention.
  bool Structural(char c) {
    if (c == '{' || c == '[') {
      const KeyKind inherited = stack_.empty() ? KeyKind::kNone : stack_.back().ValueContext();
      stack_.push_back({.object = c == '{', .member = c == '[' ? inherited : KeyKind::kNone});
    } else if (c == '}' || c == ']') {
      if (stack_.empty() || stack_.back().object != (c == '}')) return false;
      stack_.pop_back();
    } else if (c == ',' && !stack_.empty() && stack_.back().object) {
      stack_.back().expect_key = true;
    }
    return true;
  }

  static bool IsNumberByte(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  // The number token that starts at json_[begin]: replaced whole by the string "[REDACTED:secret]"
  // when it holds a secret value (digits of a PIN or an account number stored as a number). Returns
  // the index past it.
  size_t NumberToken(size_t begin) {
    size_t end = begin;
    while (end < json_.size() && IsNumberByte(json_[end])) ++end;
    spans_.clear();
    redactor_.FindSecretSpans(json_.substr(begin, end - begin), spans_);
    if (spans_.empty()) return end;
    out_.append(json_.substr(copied_, begin - copied_));
    out_ += '"';
    out_ += Marker(Rule::kSecret);
    out_ += '"';
    copied_ = end;
    changed_ = true;
    return end;
  }

  // Records what the decoded string token `text` means to its frame; returns the key kind it is to be
  // judged under (none for a key).
  KeyKind Place(std::string_view text) {
    if (stack_.empty()) return KeyKind::kNone;
    Frame& f = stack_.back();
    if (!f.object || !f.expect_key) {
      const KeyKind context = f.ValueContext();
      if (f.object && f.role == Frame::Role::kName) f.named = ClassifyKey(text);
      return context;
    }
    f.expect_key = false;
    f.member = ClassifyKey(text);
    f.role = EqualsLower(text, "name") || EqualsLower(text, "key") ? Frame::Role::kName
             : EqualsLower(text, "value")                          ? Frame::Role::kValue
                                                                   : Frame::Role::kOther;
    return KeyKind::kNone;
  }

  // The string token json_[begin, end), quotes included, which holds an escape if `escaped`.
  bool StringToken(size_t begin, size_t end, bool escaped) {
    const std::string_view raw = json_.substr(begin + 1, end - begin - 2);
    if (escaped && !DecodeJsonString(raw, decoded_)) return false;
    const std::string_view text = escaped ? std::string_view(decoded_) : raw;
    spans_.clear();
    redactor_.FindSpans(text, Place(text), spans_);
    if (spans_.empty()) return true;
    NormalizeSpans(text, spans_);
    if (escaped) MapSpansToRaw(raw, spans_);
    out_.append(json_.substr(copied_, begin + 1 - copied_));  // up to and with the opening quote
    AppendRedacted(out_, raw, spans_);
    out_ += '"';
    copied_ = end;
    changed_ = true;
    return true;
  }

  const Redactor& redactor_;
  std::string_view json_;
  // The stack of open objects and arrays, in a buffer of this walk's own while it is shallow (messages
  // rarely nest deeper than a dozen): no allocation for it.
  static constexpr size_t kTypicalDepth = 16;
  alignas(Frame) std::array<std::byte, kTypicalDepth * sizeof(Frame)> stack_buffer_;
  std::pmr::monotonic_buffer_resource stack_memory_{stack_buffer_.data(), stack_buffer_.size()};
  std::pmr::vector<Frame> stack_{&stack_memory_};
  std::string out_;
  size_t copied_ = 0;  // json_[0, copied_) is in out_ already
  bool changed_ = false;
  std::string decoded_;      // scratch, reused by every token
  std::vector<Span> spans_;  // likewise
};

}  // namespace

Redactor::Redactor(const std::vector<std::string>& secret_values, BuiltInRules rules)
    : secrets_(secret_values), rules_(rules) {}

void Redactor::FindSpansAsIs(std::string_view text, KeyKind context, std::vector<Span>& spans) const {
  secrets_.Find(text, spans);
  if (rules_ == BuiltInRules::kOff) return;
  const RuleSet candidates = CandidateRules(text);
  if ((candidates & RuleBit(Rule::kPrivateKey)) != 0) FindPrivateKeys(text, spans);
  if ((candidates & kPatternRuleSet) != 0) FindPatternMatches(text, candidates, spans);
  if ((candidates & kKeyValueRuleSet) != 0) FindKeyValueMatches(text, spans);
  FindKeyedValue(context, text, 0, text.size(), spans);
}

void Redactor::FindSpans(std::string_view text, KeyKind context, std::vector<Span>& spans) const {
  if (text.empty() || inert()) return;
  FindSpansAsIs(text, context, spans);
  // What markdown would show of the text (the page renders it): a credential spelled with backslash
  // escapes or character references ("neo\\_sk\\_…", "&#65;KIA…") is one to whoever reads it, in the
  // JSON as on the page. Matches there cover the escapes they came from.
  if (!HoldsMarkup(text)) return;
  const Decoded shown = MarkupDecoded(text);
  std::vector<Span> found;
  FindSpansAsIs(shown.bytes, context, found);
  shown.MapBack(found, spans);
}

std::vector<Span> Redactor::Spans(std::string_view text) const {
  std::vector<Span> spans;
  FindSpans(text, KeyKind::kNone, spans);
  NormalizeSpans(text, spans);
  return spans;
}

std::string Redactor::RedactText(std::string_view text) const {
  if (inert()) return std::string(text);
  const std::vector<Span> spans = Spans(text);
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  AppendRedacted(out, text, spans);
  return out;
}

std::string Redactor::RedactJson(std::string_view json) const {
  if (inert()) return std::string(json);
  // The walk checks strings and brackets only, so text that is not JSON (a bare PEM block, say) would
  // pass through it unredacted: validity is settled by a real parser first.
  if (!IsJson(json)) return RedactText(json);
  std::optional<std::string> out = JsonWalk(*this, json).Run();
  return out ? std::move(*out) : RedactText(json);
}

const Redactor& Redactor::BuiltIn() {
  static const Redactor kBuiltIn;
  return kBuiltIn;
}

bool Redactor::LeavesJsonUnchanged(std::string_view json) const { return RedactJson(json) == json; }

}  // namespace taskshare::redact
