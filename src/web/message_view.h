// One message of a transcript as HTML. Messages are arbitrary JSON objects; the shapes understood are
//   {"role", "content": "markdown"}
//   {"role", "content" or "parts": [part, ...]} with parts
//     {"type": "text", "text": "markdown"}
//     {"type": "tool-call" | "tool_call" | "tool_use", "tool" | "name", "input" | "args" | "arguments"}
//     {"type": "tool-result" | "tool_result", "tool" | "name", "output" | "result" | "content"}
//   {"role", "tool_calls": [{"function": {"name", "arguments"}}]} (OpenAI's form)
// and anything else is shown as pretty JSON: nothing is dropped.
//
// Output is bounded by the bytes the message was stored in (see AppendMessage): what does not fit, and
// what is pathological (more than kMaxMessageParts parts, a JSON value of more than kMaxJsonLines
// lines), is replaced by a marker that says how much is left out and links to the share's raw JSON.
// Nothing is left out without one. Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "web/markdown.h"

namespace taskshare::web {

// The bytes of HTML a message may take for each byte of its stored JSON. Escaping takes up to six
// (a '"' is &quot;), and an ordinary transcript takes one to three (prose and tool output about one,
// pretty-printed JSON two to five, a tool message of a few words with its markup up to about six), so
// eight shows ordinary transcripts whole while a message of millions of tiny items, each of which
// would need a hundred bytes of markup, is cut at eight times its size.
inline constexpr size_t kHtmlBytesPerStoredByte = 8;

// What every message may take beyond that: its <article>, its head (role and time, both cut to 40
// characters, at most about 800 bytes escaped) and the markup of a few short parts; the cut marker is
// allowed for on top (MessageAllowance).
inline constexpr size_t kMessageChromeBytes = 2048;

// Parts of one message that are rendered (the parts, content and tool_calls arrays together); the
// rest are counted in a marker. Agent turns carry a handful to a few hundred parts; past ten thousand
// a message is generated noise, and each part costs a markdown or JSON rendering.
inline constexpr size_t kMaxMessageParts = 10'000;

// Lines of pretty-printed JSON shown for one value (a tool's input or output, a part of unknown type,
// a shapeless message); the rest is cut with a marker. A value this long is read from the raw JSON,
// not from a page, and its lines cost a browser far more than their bytes.
inline constexpr size_t kMaxJsonLines = 100'000;

// Parts of no known type (numbers, empty objects, objects without a "type") that follow each other in
// a run at least this long are shown together, one JSON block of one part a line, instead of one
// collapsed block each: the block's markup is a hundred bytes, many times the size of a tiny part.
inline constexpr size_t kMinJsonRun = 16;

// What the messages of one page may spend, shared by them in order.
struct PageBudget {
  // out.size() never passes this: everything a message appends, its markers included, fits below it.
  size_t limit = std::numeric_limits<size_t>::max();
  // The page's markdown allowance (see MarkdownOptions::budget_ns), spent by each text rendered as
  // markdown.
  double markdown_ns = kMarkdownPageBudgetNs;
  // The address of the share's raw JSON ({public_url}/api/v1/tasks/{id}/share), linked from every
  // marker. Trusted text (built by the server), escaped all the same.
  std::string raw_url;
  // What markdown texts are redacted with as rendered (MarkdownOptions::redactor); null: nothing.
  const redact::Redactor* redactor = nullptr;
};

// The most a message ever needs beyond kHtmlBytesPerStoredByte for each of its stored bytes:
// kMessageChromeBytes and room for a cut marker linking to page.raw_url.
size_t MessageAllowance(const PageBudget& page);

// Appends <article class="msg r-ROLE" id="mINDEX"> for the message whose JSON text is `json`.
// `parsed` is its parse (see ParseJson), or null if it did not parse: the raw text is then shown,
// escaped. `index` is the message's 1-based position, used for its anchor.
// Appends at most min(page.limit - out.size(), kHtmlBytesPerStoredByte * json.size() +
// MessageAllowance(page)) bytes, provided out.size() + MessageAllowance(page) <= page.limit (the caller
// stops the page otherwise); parts that do not fit are cut, with a marker. Time is linear in json.size().
void AppendMessage(std::string& out, std::string_view json, const boost::json::value* parsed, size_t index,
                   PageBudget& page);

// Appends the marker that ends a page whose budget is spent: `messages` more messages, of `bytes`
// stored bytes, are not shown. At most MessageAllowance(page) bytes.
void AppendPageCut(std::string& out, size_t messages, size_t bytes, const PageBudget& page);

// The CSS class suffix for a message role: user, assistant, tool, system or other.
std::string_view RoleClass(std::string_view role);

}  // namespace taskshare::web
