// Test helpers that check rendered HTML the way an attacker would probe it: every tag is one of an
// allowed set, no attribute runs script or loads anything, every link is inert, the bytes are UTF-8.
#pragma once

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace taskshare::web::testing {

inline std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

inline bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    const auto c1 = static_cast<unsigned char>(s[i + 1 < s.size() ? i + 1 : i]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F)) {
      return false;
    }
    i += n;
  }
  return true;
}

struct Tag {
  std::string name;                                        // lower case; "/p" for an end tag
  std::vector<std::pair<std::string, std::string>> attrs;  // lower-case names, raw values
};

// Every tag of `html`, in order. The content of <style> is skipped. Comments are reported as "!--".
inline std::vector<Tag> Tags(std::string_view html) {
  std::vector<Tag> tags;
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i)) {
    if (html.substr(i, 4) == "<!--") {
      tags.push_back({"!--", {}});
      size_t end = html.find("-->", i);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    const size_t end = html.find('>', i);
    if (end == std::string_view::npos) break;
    std::string_view body = html.substr(i + 1, end - i - 1);
    Tag tag;
    size_t k = 0;
    while (k < body.size() && body[k] != ' ' && body[k] != '\n' && body[k] != '/') ++k;
    if (k == 0 && !body.empty() && body[0] == '/') {
      k = 1;
      while (k < body.size() && body[k] != ' ') ++k;
    }
    tag.name = Lower(body.substr(0, k));
    while (k < body.size()) {
      while (k < body.size() && (body[k] == ' ' || body[k] == '\n' || body[k] == '/')) ++k;
      const size_t name_start = k;
      while (k < body.size() && body[k] != '=' && body[k] != ' ' && body[k] != '/') ++k;
      std::string name = Lower(body.substr(name_start, k - name_start));
      std::string value;
      if (k < body.size() && body[k] == '=') {
        ++k;
        const char quote = k < body.size() ? body[k] : '\0';
        if (quote == '"' || quote == '\'') {
          const size_t close = body.find(quote, k + 1);
          value = std::string(body.substr(k + 1, close - k - 1));
          k = close == std::string_view::npos ? body.size() : close + 1;
        } else {
          const size_t start = k;
          while (k < body.size() && body[k] != ' ') ++k;
          value = std::string(body.substr(start, k - start));
        }
      }
      if (!name.empty()) tag.attrs.emplace_back(std::move(name), std::move(value));
    }
    tags.push_back(std::move(tag));
    i = end + 1;
    if (tags.back().name == "style") {
      const size_t close = html.find("</style>", i);
      i = close == std::string_view::npos ? html.size() : close;
    }
  }
  return tags;
}

// Problems found in `html`; empty if it is safe to serve under the page's CSP.
inline std::vector<std::string> AuditHtml(std::string_view html) {
  static const std::set<std::string> kAllowed = {
      "!doctype", "html",   "head",    "meta",       "title", "style", "body",  "div",     "header",
      "footer",   "main",   "article", "p",          "h1",    "h2",    "h3",    "h4",      "h5",
      "h6",       "span",   "b",       "a",          "time",  "pre",   "code",  "details", "summary",
      "ul",       "ol",     "li",      "table",      "thead", "tbody", "tr",    "th",      "td",
      "em",       "strong", "del",     "blockquote", "hr",    "br",    "input", "!--"};
  std::vector<std::string> problems;
  if (!IsValidUtf8(html)) problems.push_back("invalid UTF-8");
  const std::string lower = Lower(html);
  if (lower.find("<script") != std::string::npos) problems.push_back("<script");
  for (const Tag& tag : Tags(html)) {
    const std::string name = tag.name[0] == '/' ? tag.name.substr(1) : tag.name;
    if (kAllowed.count(name) == 0) problems.push_back("tag <" + tag.name + ">");
    for (const auto& [attr, value] : tag.attrs) {
      if (attr.rfind("on", 0) == 0) problems.push_back("event handler " + attr + " on <" + tag.name + ">");
      if (attr == "style" || attr == "src" || attr == "srcset" || attr == "action" || attr == "formaction") {
        problems.push_back("attribute " + attr + " on <" + tag.name + ">");
      }
      if (attr == "href") {
        std::string v = Lower(value);
        v.erase(std::remove_if(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c); }), v.end());
        for (std::string_view scheme : {"javascript:", "vbscript:", "data:", "file:"}) {
          if (v.rfind(scheme, 0) == 0) problems.push_back("href " + value);
        }
        if (tag.name == "a" && !v.empty() && v[0] != '#') {
          bool has_rel = false;
          for (const auto& [a, rel] : tag.attrs) has_rel |= a == "rel" && rel == "nofollow noopener ugc";
          if (!has_rel) problems.push_back("link without rel: " + value);
        }
      }
    }
    if (tag.name == "input") {
      bool checkbox = false;
      bool disabled = false;
      for (const auto& [attr, value] : tag.attrs) {
        checkbox |= attr == "type" && value == "checkbox";
        disabled |= attr == "disabled";
      }
      if (!checkbox || !disabled) problems.push_back("input that is not a disabled checkbox");
    }
  }
  return problems;
}

// Every value of attribute `attr` on tags named `tag` ("a", "href").
inline std::vector<std::string> AttrValues(std::string_view html, std::string_view tag,
                                           std::string_view attr) {
  std::vector<std::string> out;
  for (const Tag& t : Tags(html)) {
    if (t.name != tag) continue;
    for (const auto& [name, value] : t.attrs) {
      if (name == attr) out.push_back(value);
    }
  }
  return out;
}

}  // namespace taskshare::web::testing
