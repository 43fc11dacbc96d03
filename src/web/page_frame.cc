#include "web/page_frame.h"

#include "web/html.h"

namespace taskshare::web {
namespace {

void AppendMeta(std::string& out, std::string_view attr, std::string_view key, std::string_view content) {
  out += "<meta ";
  out += attr;
  out += "=\"";
  AppendEscaped(out, key);
  out += "\" content=\"";
  AppendEscaped(out, content);
  out += "\">\n";
}

}  // namespace

void AppendDocumentStart(std::string& out, const Head& head, const PageOptions& options) {
  out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Share links of unlisted tasks are secrets: never send them to the sites a transcript links to.
  out += "<meta name=\"referrer\" content=\"";
  out += head.referrer;
  out += "\">\n";
  if (!head.index) out += "<meta name=\"robots\" content=\"noindex, nofollow\">\n";
  out += "<title>";
  AppendEscaped(out, head.title);
  out += " \xC2\xB7 ";  // ·
  AppendEscaped(out, options.site_name);
  out += "</title>\n";
  AppendMeta(out, "name", "description", head.description);
  if (!head.url.empty()) {
    AppendMeta(out, "property", "og:title", head.title);
    AppendMeta(out, "property", "og:description", head.description);
    AppendMeta(out, "property", "og:site_name", options.site_name);
    AppendMeta(out, "property", "og:type", "article");
    AppendMeta(out, "property", "og:url", head.url);
    AppendMeta(out, "name", "twitter:card", "summary");
    AppendMeta(out, "name", "twitter:title", head.title);
    AppendMeta(out, "name", "twitter:description", head.description);
  }
  out += "<style>";
  out += Stylesheet();
  out += "</style>\n</head>\n<body>\n<div class=\"wrap\">\n";
}

void AppendDocumentEnd(std::string& out) { out += "</div>\n</body>\n</html>\n"; }

void AppendLink(std::string& out, const PageLink& link) {
  out += "<p><a href=\"";
  AppendEscaped(out, link.href);
  out += "\">";
  AppendEscaped(out, link.text);
  out += "</a></p>\n";
}

void AppendFact(std::string& out, std::string_view label, std::string_view value) {
  out += "<span>";
  AppendEscaped(out, label);
  out += " <b>";
  AppendEscaped(out, value);
  out += "</b></span>";
}

void AppendTimeFact(std::string& out, std::string_view label, UnixMicros t) {
  out += "<span>";
  AppendEscaped(out, label);
  out += ' ';
  AppendTime(out, t);
  out += "</span>";
}

}  // namespace taskshare::web
