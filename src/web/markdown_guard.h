// A linear-time estimate of how long cmark-gfm 0.29.0.gfm.6 (Debian 12's libcmark-gfm) takes to render
// a markdown text, so that hostile or pathological input is shown as plain text instead of stalling a
// thread. Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace taskshare::web {

// The estimate, in roughly nanoseconds on a 2-core build machine.
struct MarkdownCost {
  // An ordinary parse: bytes, lines, blocks and inline elements, each at its measured price.
  double linear = 0;
  // The library's super-linear paths (see markdown_guard.cc), each bounded from above.
  double containers = 0;   // open block containers carried over lines
  double tables = 0;       // table row splitting and cells filled in to the header's width
  double brackets = 0;     // image openers walked each time a link closes
  double html = 0;         // raw HTML constructs scanned to the end of their paragraph
  double autolinks = 0;    // autolink candidates scanned to the end of their word
  size_t max_nesting = 0;  // the deepest container nesting any line could reach

  [[nodiscard]] double superlinear() const { return containers + tables + brackets + html + autolinks; }
  [[nodiscard]] double total() const { return linear + superlinear(); }
};

MarkdownCost EstimateMarkdownCost(std::string_view text);

// Deepest nesting rendered as markdown; deeper texts are shown as plain text.
inline constexpr size_t kMaxMarkdownNesting = 100;

// True if a text of `size` bytes with this cost may go through cmark-gfm: its super-linear part stays
// within a budget proportional to its size (so rendering time stays linear in the input) and its
// nesting within kMaxMarkdownNesting.
bool MarkdownIsTame(const MarkdownCost& cost, size_t size);
bool MarkdownIsTame(std::string_view text);

}  // namespace taskshare::web
