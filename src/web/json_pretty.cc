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

std::string PrettyJson(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 4);
  size_t level = 0;
  size_t i = SkipSpace(json, 0);
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      const size_t start = i++;
      while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, json.size());
      out.append(json.substr(start, i - start));
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      const size_t next = SkipSpace(json, i + 1);
      out += c;
      if (next < json.size() && json[next] == close) {
        out += close;
        i = next + 1;
      } else {
        NewLine(out, ++level);
        i = next;
      }
    } else if (c == '}' || c == ']') {
      NewLine(out, level > 0 ? --level : 0);
      out += c;
      ++i;
    } else if (c == ',') {
      out += ',';
      NewLine(out, level);
      i = SkipSpace(json, i + 1);
    } else if (c == ':') {
      out += ": ";
      i = SkipSpace(json, i + 1);
    } else if (IsJsonSpace(c)) {
      i = SkipSpace(json, i);
    } else {
      // A number or a literal runs to the next delimiter.
      const size_t start = i;
      while (i < json.size() && !IsJsonSpace(json[i]) && json[i] != ',' && json[i] != '}' && json[i] != ']' &&
             json[i] != ':') {
        ++i;
      }
      out.append(json.substr(start, i - start));
    }
  }
  return out;
}

std::optional<boost::json::value> ParseJson(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace taskshare::web
