// The HTML share page of a task: a complete, self-contained document (one inline stylesheet, no script,
// no external resource) that shows a transcript safely, whatever its messages contain. Hostile text
// (script payloads, HTML, exploit strings) is shown as text and never interpreted.
//
// Pure functions; thread-safe. Rendering time is linear in the size of the transcript.
#pragma once

#include <string>
#include <string_view>

#include "domain/task.h"

namespace taskshare::web {

struct PageOptions {
  // Base of absolute links, without a trailing slash: "https://share.example.com". The page's own
  // address (og:url) is public_url + "/share/" + the task id.
  std::string public_url;
  // The name shown above the title and in og:site_name.
  std::string site_name = "taskshare";
  // Whether search engines may index the page; false adds <meta name="robots" content="noindex, nofollow">.
  bool index = false;
};

// The full HTML document of a shared task: a header (title, status, model, created and updated times,
// schedule when present), then every message in order. The anonymous view: `secret_names` are never
// shown, nor `created_by` unless the owner's share settings say show_creator. A message that is not valid JSON is shown as escaped text.
std::string RenderSharePage(const TaskSnapshot& snapshot, const PageOptions& options);

// A styled error page with the same stylesheet: `status` (403, 404, 400, 500...), `title` ("Task not
// found") and `message` are shown, escaped; always noindex.
std::string RenderErrorPage(int status, std::string_view title, std::string_view message,
                            const PageOptions& options);

// The CSS that both pages inline in their <style> element, byte for byte.
std::string_view Stylesheet();

// The CSP source that allows exactly that stylesheet: "'sha256-<base64 of its SHA-256>'". The pages
// need `Content-Security-Policy: default-src 'none'; style-src <this>; img-src data:; base-uri 'none';
// form-action 'none'; frame-ancestors 'none'`; they use no script, style attribute or external resource.
const std::string& StyleCspSource();

}  // namespace taskshare::web
