#include "web/json_pretty.h"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "domain/json_reader.h"

namespace taskshare::web {
namespace {

constexpr size_t kMaxIndentLevels = 32;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsJsonSpace(s[i])) ++i;
  return i;
}

void NewLine(std::string& out, size_t level) {
  out += '\n';
  out.append(2 * std::min(level, kMaxIndentLevels), ' ');
}

}  // namespace

PrettyText PrettyJson(std::string_view json, const PrettyLimits& limits) {
  PrettyText pretty;
  std::string& out = pretty.text;
  out.reserve(std::min(json.size() + json.size() / 4, limits.max_bytes));
  size_t level = 0;
  size_t lines = 1;
  size_t i = SkipSpace(json, 0);
  // Whether a token that adds `bytes` and `new_lines` may be written; the text stops before one that
  // may not, so it always ends on a token boundary.
  auto fits = [&](size_t bytes, size_t new_lines) {
    return out.size() + bytes <= limits.max_bytes && lines + new_lines <= limits.max_lines;
  };
  auto new_line_bytes = [](size_t at_level) { return 1 + 2 * std::min(at_level, kMaxIndentLevels); };
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      size_t end = i + 1;
      while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, json.size());
      if (!fits(end - i, 0)) break;
      out.append(json.substr(i, end - i));
      i = end;
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      const size_t next = SkipSpace(json, i + 1);
      if (next < json.size() && json[next] == close) {
        if (!fits(2, 0)) break;
        out += c;
        out += close;
        i = next + 1;
      } else {
        if (!fits(1 + new_line_bytes(level + 1), 1)) break;
        out += c;
        NewLine(out, ++level);
        ++lines;
        i = next;
      }
    } else if (c == '}' || c == ']') {
      const size_t to = level > 0 ? level - 1 : 0;
      if (!fits(new_line_bytes(to) + 1, 1)) break;
      NewLine(out, to);
      ++lines;
      level = to;
      out += c;
      ++i;
    } else if (c == ',') {
      if (!fits(1 + new_line_bytes(level), 1)) break;
      out += ',';
      NewLine(out, level);
      ++lines;
      i = SkipSpace(json, i + 1);
    } else if (c == ':') {
      if (!fits(2, 0)) break;
      out += ": ";
      i = SkipSpace(json, i + 1);
    } else if (IsJsonSpace(c)) {
      i = SkipSpace(json, i);
    } else {
      // A number or a literal runs to the next delimiter.
      size_t end = i;
      while (end < json.size() && !IsJsonSpace(json[end]) && json[end] != ',' && json[end] != '}' &&
             json[end] != ']' && json[end] != ':') {
        ++end;
      }
      if (!fits(end - i, 0)) break;
      out.append(json.substr(i, end - i));
      i = end;
    }
  }
  pretty.shown = i;
  return pretty;
}

std::string PrettyJson(std::string_view json) { return PrettyJson(json, PrettyLimits{}).text; }

std::optional<boost::json::value> ParseJson(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace taskshare::web
