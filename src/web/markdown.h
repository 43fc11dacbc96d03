// Markdown to an HTML fragment, for untrusted text: GitHub Flavored Markdown through cmark-gfm (tables,
// strikethrough, autolinks, task lists), with nothing in the output that a browser would run or fetch.
// Thread-safe: the cmark-gfm extensions are registered once, on first use.
#pragma once

#include <string>
#include <string_view>

namespace taskshare::web {

// Texts longer than this are shown as plain text: cmark-gfm takes up to ~0.4 µs a byte on dense
// markdown, and a text this long is nearly always pasted output rather than prose.
inline constexpr size_t kMaxMarkdownBytes = 1 << 20;

// Markdown rendered for one page, in bytes of input: texts past it are shown as plain text, so that
// dense markdown (lists, emphasis, autolinks: linear, but up to ~0.4 µs a byte) cannot make a page of
// many such texts slow.
inline constexpr size_t kMaxMarkdownBytesPerPage = 2 << 20;

struct MarkdownOptions {
  // Render single line breaks as <br> (for text people typed), rather than as spaces.
  bool hard_breaks = false;
};

// The HTML of `text` as markdown, inside <div class="md">. Guarantees, whatever `text` holds:
//   - raw HTML is shown as text (inline) or as a code block (block), never passed through;
//   - links keep only safe destinations (cmark-gfm empties javascript:, vbscript:, file: and data:
//     other than images) and carry rel="nofollow noopener ugc";
//   - images become links to their source, so nothing is loaded;
//   - invalid UTF-8 becomes U+FFFD and control characters their visible pictures;
//   - text that is too long (kMaxMarkdownBytes) or that would take cmark-gfm super-linear time (see
//     markdown_guard.h) is shown whole as escaped plain text in <pre class="plain"> instead.
std::string RenderMarkdown(std::string_view text, const MarkdownOptions& options = {});

// `text` whole, escaped, in <div class="md"><pre class="plain">: what RenderMarkdown falls back to.
std::string RenderPlainText(std::string_view text);

}  // namespace taskshare::web
