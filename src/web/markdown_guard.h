// A linear-time estimate of how long cmark-gfm 0.29.0.gfm.6 (Debian 12's libcmark-gfm) would take to
// render a markdown text, so that hostile input is shown as plain text instead of stalling a thread.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace taskshare::web {

// The estimate, in roughly nanoseconds of cmark-gfm work beyond its linear baseline, and its parts.
struct MarkdownCost {
  double containers = 0;  // open block containers carried over lines
  double tables = 0;      // table row splitting and cells filled in to the header's width
  double brackets = 0;    // image openers walked each time a link closes
  double html = 0;        // raw HTML constructs scanned to the end of their paragraph
  double autolinks = 0;   // autolink candidates scanned to the end of their word
  size_t max_nesting = 0;  // the deepest container nesting any line could reach

  double total() const { return containers + tables + brackets + html + autolinks; }
};

MarkdownCost EstimateMarkdownCost(std::string_view text);

// Deepest nesting rendered as markdown; deeper texts are shown as plain text.
inline constexpr size_t kMaxMarkdownNesting = 100;

// True if `text` may go through cmark-gfm: its extra cost stays within a budget proportional to its
// size (so a page's rendering time stays linear in its transcript) and its nesting within
// kMaxMarkdownNesting.
bool MarkdownIsTame(std::string_view text);

}  // namespace taskshare::web
