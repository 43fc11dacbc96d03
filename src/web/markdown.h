// Markdown to an HTML fragment, for untrusted text: GitHub Flavored Markdown through cmark-gfm (tables,
// strikethrough, autolinks, task lists), with nothing in the output that a browser would run or fetch.
// Thread-safe: the cmark-gfm extensions are registered once, on first use.
#pragma once

#include <string>
#include <string_view>

#include "redact/redactor.h"

namespace taskshare::web {

// Texts longer than this are shown as plain text: a text this long is nearly always pasted output
// rather than prose, and reads better as it was.
inline constexpr size_t kMaxMarkdownBytes = 1 << 20;

// The estimated cmark-gfm time (see markdown_guard.h) one page may spend on markdown. Ordinary prose
// is estimated at 50 to 100 ns a byte, so megabytes of it fit; text made of nothing but delimiters,
// list markers or links exhausts it after a few hundred kilobytes, and the rest of the page is then
// shown as plain text. On thousands of generated inputs, those that cost more than ~100 ns a byte
// took at most ~3x their estimate (most took less), so no page spends much more than ~1 s in cmark-gfm.
inline constexpr double kMarkdownPageBudgetNs = 250e6;

struct MarkdownOptions {
  // Render single line breaks as <br> (for text people typed), rather than as spaces.
  bool hard_breaks = false;
  // When set, the text's estimated rendering time is taken from *budget_ns; a text whose estimate
  // does not fit in what is left is shown as plain text instead. Unset, the text has a budget of
  // kMarkdownPageBudgetNs to itself.
  double* budget_ns = nullptr;
  // When set, what the rendering shows is redacted with it: the text as markdown decodes it
  // (backslash escapes, entity and character references, emphasis and other inline markup taken
  // away), each paragraph, heading or table cell read as one run of text so that no markup can split
  // a credential out of the redactor's sight; code blocks, link and image destinations and titles too.
  // The raw markdown is redacted already (as JSON), but markdown can spell a credential that the raw
  // text does not hold (`neo\_sk\_…`, `&#65;KIA…`, `hun**ter**2`).
  const redact::Redactor* redactor = nullptr;
};

// The HTML of `text` as markdown, inside <div class="md">. Guarantees, whatever `text` holds:
//   - raw HTML is shown as text (inline) or as a code block (block), never passed through;
//   - links keep only safe destinations (cmark-gfm empties javascript:, vbscript:, file: and data:
//     other than images) and carry rel="nofollow noopener ugc";
//   - images become links to their source, so nothing is loaded;
//   - invalid UTF-8 becomes U+FFFD and control characters their visible pictures;
//   - with options.redactor, nothing it would redact is shown, however the markdown spells it (the
//     plain-text fallback shows the text as it is, already redacted by the caller);
//   - text that is too long (kMaxMarkdownBytes), that would take cmark-gfm super-linear time (see
//     markdown_guard.h) or that does not fit in options.budget_ns is shown whole as escaped plain
//     text in <pre class="plain"> instead.
std::string RenderMarkdown(std::string_view text, const MarkdownOptions& options = {});

// `text` whole, escaped, in <div class="md"><pre class="plain">: what RenderMarkdown falls back to.
std::string RenderPlainText(std::string_view text);

}  // namespace taskshare::web
