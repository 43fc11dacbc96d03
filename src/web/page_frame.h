// The frame every server-rendered page shares: the document's head (one inline stylesheet, no script,
// no external resource), its end, and the small pieces of markup the pages have in common. Every text
// is escaped (web/html.h). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/time.h"
#include "redact/redactor.h"

namespace taskshare::web {

struct PageOptions {
  // Base of absolute links, without a trailing slash: "https://share.example.com". The page's own
  // address (og:url) is public_url + "/share/" + the task id.
  std::string public_url;
  // The name shown above the title and in og:site_name.
  std::string site_name = "taskshare";
  // Whether search engines may index the page; false adds <meta name="robots" content="noindex, nofollow">.
  bool index = false;
  // What the reader's view was redacted with (api/reader_view.h), applied once more to the texts the
  // page renders as markdown, as they are rendered (MarkdownOptions::redactor); null: none.
  const redact::Redactor* redactor = nullptr;
  // The server signs readers in (docs/sign-in.md): a link refused to an anonymous reader because it is
  // not shared offers to sign in.
  bool sign_in = false;
};

// A link a page offers the reader: where to, and its words.
struct PageLink {
  std::string href;  // a path on this server
  std::string text;
};

// The head of a document.
struct Head {
  std::string_view title;        // of the document
  std::string_view description;  // for search results and link previews
  std::string url;               // the page's own address (og:url and the like); empty for other pages
  bool index = false;
  // The page's referrer policy: "no-referrer" for share pages (an unlisted link is a secret); pages
  // with forms need "same-origin", without which browsers send "Origin: null" with their posts.
  std::string_view referrer = "no-referrer";
};

// Appends everything up to the opening of the page's wrapper: doctype, head, stylesheet, body.
void AppendDocumentStart(std::string& out, const Head& head, const PageOptions& options);
// Closes what AppendDocumentStart opened.
void AppendDocumentEnd(std::string& out);

// "<p><a href=...>text</a></p>", both escaped.
void AppendLink(std::string& out, const PageLink& link);
// "<span>Label <b>value</b></span>", both escaped.
void AppendFact(std::string& out, std::string_view label, std::string_view value);
// "<span>Label <time ...>...</time></span>".
void AppendTimeFact(std::string& out, std::string_view label, UnixMicros t);

// The CSS that every page inlines in its <style> element, byte for byte.
std::string_view Stylesheet();

// The CSP source that allows exactly that stylesheet: "'sha256-<base64 of its SHA-256>'". The pages
// need `Content-Security-Policy: default-src 'none'; style-src <this>; img-src data:; base-uri 'none';
// form-action 'none'; frame-ancestors 'none'` (form-action 'self' for pages with forms); they use no
// script, style attribute or external resource.
const std::string& StyleCspSource();

}  // namespace taskshare::web
