// The HTML share page of a task: a complete, self-contained document (one inline stylesheet, no script,
// no external resource) that shows a transcript safely, whatever its messages contain. Hostile text
// (script payloads, HTML, exploit strings) is shown as text and never interpreted.
//
// Cost, for a transcript of S stored bytes (its messages' JSON text; a stranger can make S the body
// limit, 8 MiB, with one append, and more with several):
//   - bytes out: at most kHtmlBytesPerStoredByte (8) per stored byte, plus a fixed allowance for the
//     chrome: 8 * S + kPageAllowanceBytes + the head and header (the stylesheet, a few KB; the title
//     and description, excerpts of at most 300 and 200 characters; the task's model, creator and
//     schedule name, escaped, at most 6 bytes a byte). Each message is held to 8 times its own size
//     plus a little (message_view.h), so one huge message cannot crowd out the ones after it; what
//     does not fit, and messages of more than kMaxMessageParts parts or JSON values of more than
//     kMaxJsonLines lines, are cut with a marker linking to the share's raw JSON. Ordinary transcripts
//     take one to three bytes a byte and are never cut.
//   - memory per request: the snapshot (S), the page (at most the bound above, in a string that may
//     hold up to twice that as it grows) and one message at a time: its Boost.JSON parse and the
//     offsets of its parts, 16 bytes a value each plus the growth of the parser's stack and of the
//     vector. That is about 25 times the largest message for an array of one-digit numbers (an 8 MB
//     message of four million raised the server's peak by about 210 MB) and about twice S for
//     ordinary text.
//   - time: linear in S: one parse of each message, one pass over what is shown, and markdown within
//     kMarkdownPageBudgetNs for the whole page (markdown.h); about 0.5 s for that 8 MB message on a
//     2-core machine, most of it parsing.
// A page larger than the response cache's largest entry (a shard's share of --cache-bytes, 16 MiB by
// default) is not kept: it is rebuilt on each request, at the cost above.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "domain/task.h"
#include "redact/redactor.h"
#include "web/message_view.h"
#include "web/page_frame.h"

namespace taskshare::web {

// What the messages of a page may take beyond kHtmlBytesPerStoredByte for each of their stored bytes:
// room for a few short messages whole (each needs its markup, a few hundred bytes, whatever its size)
// and for the marker that ends a page whose budget is spent.
inline constexpr size_t kPageAllowanceBytes = 8 * 1024;

// The full HTML document of a shared task: a header (title, status, model, created and updated times,
// schedule when present), then every message in order. The anonymous view: `secret_names` are never
// shown, nor `created_by` unless the owner's share settings say show_creator. A message that is not
// valid JSON is shown as escaped text. Its size, memory and time are bounded as stated above.
std::string RenderSharePage(const TaskSnapshot& snapshot, const PageOptions& options);

// A styled error page with the same stylesheet: `status` (403, 404, 400, 500...), `title` ("Task not
// found") and `message` are shown, escaped, then `link` when given ("Sign in to view"); always noindex.
std::string RenderErrorPage(int status, std::string_view title, std::string_view message,
                            const PageOptions& options, const PageLink* link = nullptr);

}  // namespace taskshare::web
