#include "web/markdown_guard.h"

#include <algorithm>
#include <cstddef>

// cmark-gfm is meant to parse in linear time, but the version Debian 12 ships (0.29.0.gfm.6) predates
// the fixes for several super-linear paths (CVE-2023-22483, -22484, -22486, -24824, -26485, -37463 and
// the table cell blow-up), and each was measured here taking seconds on inputs of 50 to 200 KB:
//
//   - containers: every line is matched against every open block container, and a lazy continuation
//     or blank line keeps a deep nesting open at no cost in bytes (`> > > ... a` then many lines);
//   - tables: each row is split in time quadratic in its pipes, and every row is padded with empty
//     cells to the header's width (a 5,000-column header over 5,000 one-character rows);
//   - brackets: each link that closes walks back over every unclosed image opener `![` before it
//     (`![[]()` repeated); a plain `[` opener stops the walk, so only `![` counts;
//   - raw HTML: each `<!` or `<?` without its terminator is scanned to the end of its paragraph;
//   - autolinks: each `www.`, `://` or `@` is scanned to the end of its word, and trailing brackets
//     re-count the whole word once each.
//
// EstimateMarkdownCost bounds each of these from above in one pass over the text, using only facts
// that hold whatever cmark makes of it: inline content never spans a blank line, a table's rows
// follow its delimiter row within one such block, a word ends at whitespace, and each level of
// container nesting costs a line at least one marker or two columns of indentation. An over-estimate
// only means a text is shown as plain text; an under-estimate would be a hole, so every count errs
// high (escaped characters, code spans and fences are not recognised, only counted).
//
// The weights are nanoseconds per unit measured on this library; the budget in MarkdownIsTame is
// per byte of input, so the time spent on the markdown of a whole page stays linear in its size.

namespace taskshare::web {
namespace {

constexpr double kNsPerOpenContainerLine = 20;
constexpr double kNsPerPipeSquared = 5;
constexpr double kNsPerPaddedCell = 500;
constexpr double kNsPerBracketStep = 4;
constexpr double kNsPerHtmlScanByte = 1;
constexpr double kNsPerAutolinkScanByte = 0.5;

constexpr double kBudgetNsPerByte = 60;
constexpr double kBudgetFloorNs = 4096;

bool IsBlankLine(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// The deepest container nesting the line could open or sit in: each '>', list marker, and two columns
// of indentation before a marker.
size_t LineNesting(std::string_view line) {
  size_t depth = 0;
  size_t cols = 0;
  size_t i = 0;
  auto is_gap = [&](size_t k) { return k >= line.size() || line[k] == ' ' || line[k] == '\t'; };
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ') {
      ++cols;
      ++i;
    } else if (c == '\t') {
      cols += 4;
      ++i;
    } else if (c == '>' || ((c == '-' || c == '+' || c == '*') && is_gap(i + 1))) {
      depth += 1 + cols / 2;
      cols = 0;
      ++i;
    } else if (c >= '0' && c <= '9') {
      size_t k = i;
      while (k < line.size() && k - i < 10 && line[k] >= '0' && line[k] <= '9') ++k;
      if (k < line.size() && (line[k] == '.' || line[k] == ')') && is_gap(k + 1)) {
        depth += 1 + cols / 2;
        cols = 0;
        i = k + 1;
      } else {
        break;
      }
    } else {
      break;
    }
  }
  return depth;
}

// The number of columns of a table delimiter row (`|:--|--:|`), or 0 if the line cannot be one.
size_t DelimiterColumns(std::string_view line) {
  size_t columns = 0;
  bool dash_in_cell = false;
  for (char c : line) {
    if (c == '-') {
      dash_in_cell = true;
    } else if (c == '|') {
      columns += dash_in_cell ? 1 : 0;
      dash_in_cell = false;
    } else if (c != ' ' && c != '\t' && c != ':' && c != '>') {
      return 0;
    }
  }
  return columns + (dash_in_cell ? 1 : 0);
}

// The fewest cells a table row could be split into: its unescaped pipes plus one, less a leading and a
// trailing pipe.
size_t MinRowCells(std::string_view line) {
  size_t pipes = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
  }
  const size_t first = line.find_first_not_of(" \t>");
  const size_t last = line.find_last_not_of(" \t");
  const bool leading = first != std::string_view::npos && line[first] == '|';
  const bool trailing = last != std::string_view::npos && line[last] == '|' && last != first &&
                        (last == 0 || line[last - 1] != '\\');
  const size_t cells = pipes + 1 - (leading ? 1 : 0) - (trailing ? 1 : 0);
  return std::max<size_t>(cells, 1);
}

// Per block of non-blank lines: the counts whose products bound the work inside it.
struct Block {
  double bytes = 0;
  double pipes_squared = 0;
  double padded_cells = 0;
  bool has_delimiter = false;
  size_t columns = 0;  // the widest delimiter row seen so far in the block
  double image_openers = 0;    // "!["
  double bracket_closers = 0;  // every ']'
  double link_closers = 0;     // "](" and "]["
  double html_openers = 0;     // "<!" and "<?"
};

bool IsCmarkSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

double AutolinkCost(std::string_view text) {
  double cost = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsCmarkSpace(text[i])) ++i;
    const size_t start = i;
    double triggers = 0;
    double closers = 0;
    for (; i < text.size() && !IsCmarkSpace(text[i]); ++i) {
      const char c = text[i];
      if (c == '@' || (c == ':' && text.substr(i + 1, 2) == "//") || (c == 'w' && text.substr(i, 4) == "www.")) {
        ++triggers;
      } else if (c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == ';') {
        ++closers;
      }
    }
    if (triggers > 0) cost += static_cast<double>(i - start) * (triggers + closers + 1);
  }
  return cost * kNsPerAutolinkScanByte;
}

}  // namespace

MarkdownCost EstimateMarkdownCost(std::string_view text) {
  MarkdownCost cost;
  const bool has_reference_definitions = text.find("]:") != std::string_view::npos;
  double lines = 0;
  Block block;
  auto close_block = [&] {
    if (block.has_delimiter) {
      cost.tables += block.pipes_squared * kNsPerPipeSquared + block.padded_cells * kNsPerPaddedCell;
    }
    const double closers = has_reference_definitions ? block.bracket_closers : block.link_closers;
    cost.brackets += block.image_openers * closers * kNsPerBracketStep;
    cost.html += block.html_openers * block.bytes * kNsPerHtmlScanByte;
    block = Block{};
  };

  size_t pos = 0;
  while (pos <= text.size()) {
    // Lines end at "\n", "\r\n" or "\r", as cmark splits them.
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    size_t next = end + 1;
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++next;
    ++lines;

    if (IsBlankLine(line)) {
      close_block();
    } else {
      cost.max_nesting = std::max(cost.max_nesting, LineNesting(line));
      block.bytes += static_cast<double>(line.size() + 1);
      const auto pipes = static_cast<double>(std::count(line.begin(), line.end(), '|'));
      block.pipes_squared += pipes * pipes;
      if (block.columns > 0) {
        const size_t cells = MinRowCells(line);
        if (cells < block.columns) block.padded_cells += static_cast<double>(block.columns - cells);
      }
      if (const size_t columns = DelimiterColumns(line); columns > 0) {
        block.has_delimiter = true;
        block.columns = std::max(block.columns, columns);
      }
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        const char after = i + 1 < line.size() ? line[i + 1] : '\0';
        if (c == '!' && after == '[') {
          ++block.image_openers;
        } else if (c == ']') {
          ++block.bracket_closers;
          if (after == '(' || after == '[') ++block.link_closers;
        } else if (c == '<' && (after == '!' || after == '?')) {
          ++block.html_openers;
        }
      }
    }
    if (end == text.size()) break;
    pos = next;
  }
  close_block();
  cost.containers = static_cast<double>(cost.max_nesting) * lines * kNsPerOpenContainerLine;
  cost.autolinks = AutolinkCost(text);
  return cost;
}

bool MarkdownIsTame(std::string_view text) {
  const MarkdownCost cost = EstimateMarkdownCost(text);
  if (cost.max_nesting > kMaxMarkdownNesting) return false;
  return cost.total() <= kBudgetFloorNs + kBudgetNsPerByte * static_cast<double>(text.size());
}

}  // namespace taskshare::web
