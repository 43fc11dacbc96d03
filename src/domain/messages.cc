#include "domain/messages.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "common/strings.h"
#include "domain/json_reader.h"

namespace taskshare {
namespace {

constexpr size_t kTitleChars = 80;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// `s[i]` opens a string; returns the index just past its closing quote.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return s.size();
}

// `s[i]` starts a value; returns the index just past it.
size_t SkipValue(std::string_view s, size_t i) {
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '"') {
        i = SkipString(s, i) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return s.size();
  }
  // A number or a literal: runs until a delimiter.
  while (i < s.size() && !IsSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  return i;
}

// The decoded value of the string token `token` (with its quotes).
std::string DecodeKey(std::string_view token) {
  if (token.find('\\') == std::string_view::npos) return std::string(token.substr(1, token.size() - 2));
  boost::system::error_code ec;
  auto v = boost::json::parse(token, ec);
  return ec || !v.is_string() ? std::string() : std::string(v.get_string());
}

}  // namespace

std::string CompactJson(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '"') {
      size_t end = SkipString(text, i);
      out.append(text.substr(i, end - i));
      i = end;
    } else {
      if (!IsSpace(text[i])) out += text[i];
      ++i;
    }
  }
  return out;
}

std::optional<std::string_view> RawMember(std::string_view object_text, std::string_view key) {
  std::string_view s = Trim(object_text);
  std::optional<std::string_view> found;
  size_t i = SkipSpace(s, 1);  // past '{'
  while (i < s.size() && s[i] == '"') {
    size_t key_end = SkipString(s, i);
    const bool match = DecodeKey(s.substr(i, key_end - i)) == key;
    i = SkipSpace(s, SkipSpace(s, key_end) + 1);  // past ':'
    size_t value_end = SkipValue(s, i);
    if (match) found = s.substr(i, value_end - i);
    i = SkipSpace(s, value_end);
    if (i < s.size() && s[i] == ',') i = SkipSpace(s, i + 1);
  }
  return found;
}

std::vector<std::string_view> RawElements(std::string_view array_text) {
  std::string_view s = Trim(array_text);
  std::vector<std::string_view> out;
  size_t i = SkipSpace(s, 1);  // past '['
  while (i < s.size() && s[i] != ']') {
    size_t end = SkipValue(s, i);
    out.push_back(s.substr(i, end - i));
    i = SkipSpace(s, end);
    if (i < s.size() && s[i] == ',') i = SkipSpace(s, i + 1);
  }
  return out;
}

std::optional<std::string> MessageKey(const boost::json::object& message) {
  const auto* id = message.if_contains("id");
  if (id == nullptr || id->is_null()) return std::nullopt;
  return boost::json::serialize(*id);
}

NewMessage MessageFromJson(const boost::json::object& parsed, std::string_view raw) {
  return {CompactJson(raw), MessageKey(parsed)};
}

Result<std::vector<NewMessage>> MessagesFromJson(const boost::json::value& parsed, std::string_view raw,
                                                 std::string_view where) {
  if (!parsed.is_array()) {
    return Status::InvalidArgument(std::string(where) + " must be an array of objects");
  }
  const auto& items = parsed.get_array();
  std::vector<std::string_view> spans = RawElements(raw);
  if (spans.size() != items.size()) {
    return Status::Internal("internal error", "raw message spans do not match the parsed array");
  }
  std::vector<NewMessage> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) {
      return Status::InvalidArgument(std::string(where) + "[" + std::to_string(i) + "] must be an object");
    }
    out.push_back(MessageFromJson(items[i].get_object(), spans[i]));
  }
  return out;
}

std::string MessageText(const boost::json::object& message) {
  const auto* content = message.if_contains("content");
  if (content != nullptr && content->is_string()) return std::string(content->get_string());
  const auto* parts = message.if_contains("parts");
  if (parts == nullptr || !parts->is_array()) parts = content;
  std::string out;
  if (parts == nullptr || !parts->is_array()) return out;
  for (const auto& part : parts->get_array()) {
    if (!part.is_object()) continue;
    const auto* text = part.get_object().if_contains("text");
    if (text == nullptr || !text->is_string()) continue;
    if (!out.empty()) out += ' ';
    out.append(text->get_string());
  }
  return out;
}

std::string DeriveTitle(std::string_view text) {
  std::string out;
  size_t chars = 0;
  bool pending_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // Control characters (NUL among them) fold like whitespace: a title is one line of text that
    // every backend stores alike (json_reader.h).
    if (c <= 0x20 || c == 0x7F) {
      pending_space = !out.empty();
      continue;
    }
    const bool starts_char = (c & 0xC0) != 0x80;
    if (starts_char) {
      if (chars + (pending_space ? 1 : 0) >= kTitleChars) break;
      if (pending_space) {
        out += ' ';
        ++chars;
        pending_space = false;
      }
      ++chars;
    }
    out += static_cast<char>(c);
  }
  return out;
}

namespace {

// A handler that accepts every event: the parser alone validates, and nothing is built or allocated.
struct NullHandler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  using ec = boost::system::error_code;
  using sv = boost::json::string_view;
  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_array_begin(ec&) { return true; }
  bool on_array_end(std::size_t, ec&) { return true; }
  bool on_object_begin(ec&) { return true; }
  bool on_object_end(std::size_t, ec&) { return true; }
  bool on_string_part(sv, std::size_t, ec&) { return true; }
  bool on_string(sv, std::size_t, ec&) { return true; }
  bool on_key_part(sv, std::size_t, ec&) { return true; }
  bool on_key(sv, std::size_t, ec&) { return true; }
  bool on_number_part(sv, ec&) { return true; }
  bool on_int64(std::int64_t, sv, ec&) { return true; }
  bool on_uint64(std::uint64_t, sv, ec&) { return true; }
  bool on_double(double, sv, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(sv, ec&) { return true; }
  bool on_comment(sv, ec&) { return true; }
};

}  // namespace

bool IsJsonObject(std::string_view text) {
  const size_t first = SkipSpace(text, 0);
  if (first == text.size() || text[first] != '{') return false;
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::basic_parser<NullHandler> parser{options};
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  return !ec && parser.done() && SkipSpace(text, used) == text.size();
}

bool IsJson(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = static_cast<std::size_t>(-1);
  boost::json::basic_parser<NullHandler> parser{options};
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  return !ec && parser.done() && SkipSpace(text, used) == text.size();
}

Status CheckTaskRoom(std::int64_t count, std::size_t adding) {
  const auto room = static_cast<std::size_t>(std::max<std::int64_t>(0, kMaxMessagesPerTask - count));
  if (adding <= room) return Status::Ok();
  return Status::TooLarge("a task holds at most " + std::to_string(kMaxMessagesPerTask) +
                          " messages; this one has " + std::to_string(count) + " and the request adds " +
                          std::to_string(adding));
}

}  // namespace taskshare
