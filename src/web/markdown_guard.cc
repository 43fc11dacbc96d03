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
//     cells to the header's width (a 5,000-column header over 5,000 one-character rows); and every
//     line that starts like a delimiter row (`-:`, `|-`) but opens no table re-parses the whole
//     paragraph above it as a header row;
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
// The linear part prices what an ordinary parse does per byte, line, block and inline element. Even
// that varies twentyfold: prose costs ~20 ns a byte, while text made only of emphasis delimiters,
// list markers or e-mail addresses costs up to ~1 µs a byte. The prices are the worst measured per
// element, so the estimate errs high; the page spends them from one budget (see markdown.h).

namespace taskshare::web {
namespace {

// Super-linear paths, per unit of their bound.
constexpr double kNsPerOpenContainerLine = 20;
constexpr double kNsPerPipeSquared = 5;
constexpr double kNsPerPaddedCell = 500;
constexpr double kNsPerHeaderRetryByte = 1;
constexpr double kNsPerBracketStep = 4;
constexpr double kNsPerHtmlScanByte = 1;
constexpr double kNsPerAutolinkScanByte = 0.5;

// An ordinary parse, per element.
constexpr double kNsPerByte = 20;
constexpr double kNsPerLine = 400;
constexpr double kNsPerBlankLine = 500;
constexpr double kNsPerContainerMarker = 800;
constexpr double kNsPerHeadingLine = 1000;   // `#` headings and `===`/`---` underlines
constexpr double kNsPerDelimiterRow = 1000;  // each may open a table
constexpr double kNsPerDelimiter = 1500;     // * _ ~
constexpr double kNsPerBacktick = 150;
constexpr double kNsPerBracket = 400;
constexpr double kNsPerPipe = 300;
constexpr double kNsPerAngle = 300;
constexpr double kNsPerEscapeOrEntity = 150;
constexpr double kNsPerSpecialCharacter = 150;  // ! " ' . : w each end a text node
constexpr double kNsPerAutolink = 1000;
constexpr double kNsPerEmail = 8000;  // each is split out of its text node after parsing

// The super-linear part may add this much per byte.
constexpr double kBudgetNsPerByte = 60;
constexpr double kBudgetFloorNs = 4096;

bool IsBlankLine(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// A line that may be an ATX heading or a setext underline (or a thematic break).
bool MayBeHeadingLine(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t>");
  if (first == std::string_view::npos) return false;
  const char c = line[first];
  if (c == '#') return true;
  if (c != '=' && c != '-') return false;
  return line.find_first_not_of(std::string_view(c == '=' ? "= \t" : "- \t"), first) ==
         std::string_view::npos;
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

// Whether the '|' at line[i] separates cells: it does unless an odd run of backslashes precedes it.
bool IsCellPipe(std::string_view line, size_t i) {
  if (line[i] != '|') return false;
  size_t backslashes = 0;
  while (backslashes < i && line[i - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 0;
}

// The number of cells a table row splits into: its cell pipes plus one, less a leading and a trailing
// pipe (the rule cmark-gfm applies, which escapes are all that can change).
size_t RowCells(std::string_view line) {
  size_t pipes = 0;
  for (size_t i = 0; i < line.size(); ++i) pipes += IsCellPipe(line, i) ? 1 : 0;
  const size_t first = line.find_first_not_of(" \t>");
  const size_t last = line.find_last_not_of(" \t");
  const bool leading = first != std::string_view::npos && line[first] == '|';
  const bool trailing = last != std::string_view::npos && last != first && IsCellPipe(line, last);
  const size_t cells = pipes + 1 - (leading ? 1 : 0) - (trailing ? 1 : 0);
  return std::max<size_t>(cells, 1);
}

// Whether cmark-gfm's delimiter-row scanner could accept the start of the line (`|? *:?-`), leaving
// out list items and lines of dashes, which other block starts take first.
bool MayStartDelimiterRow(std::string_view line) {
  size_t i = line.find_first_not_of(" \t>");
  if (i == std::string_view::npos) return false;
  const size_t start = i;
  if (line[i] == '|') i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string_view::npos) return false;
  if (line[i] == ':') ++i;
  if (i >= line.size() || line[i] != '-') return false;
  if (i == start && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) return false;
  return line.find_first_not_of("- \t", start) != std::string_view::npos;
}

// Per block of non-blank lines: the counts whose products bound the work inside it.
struct Block {
  double bytes = 0;
  double pipes_squared = 0;
  double header_retries = 0;  // bytes re-parsed as a header row
  bool table_opened = false;
  size_t previous_cells = 0;
  double padded_cells = 0;
  bool has_delimiter = false;
  size_t columns = 0;          // the widest delimiter row seen so far in the block
  double image_openers = 0;    // "!["
  double bracket_closers = 0;  // every ']'
  double link_closers = 0;     // "](" and "]["
  double html_openers = 0;     // "<!" and "<?"
};

bool IsAlnum(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// An '@' that could be inside an e-mail address: a local-part character before it, an alphanumeric
// after it.
bool MayBeEmailAt(std::string_view line, size_t i) {
  if (i == 0 || i + 1 >= line.size() || !IsAlnum(line[i + 1])) return false;
  const char before = line[i - 1];
  return IsAlnum(before) || before == '.' || before == '+' || before == '-' || before == '_';
}

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
      if (c == '@' || (c == ':' && text.substr(i + 1, 2) == "//") ||
          (c == 'w' && text.substr(i, 4) == "www.")) {
        ++triggers;
      } else if (c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == ';') {
        ++closers;
      }
    }
    if (triggers > 0) cost += static_cast<double>(i - start) * (triggers + closers + 1);
  }
  return cost * kNsPerAutolinkScanByte;
}

// The block-level facts of one non-blank line: its nesting, and what the table extension does with it.
// Returns the line's price in the linear part.
double CountLineStructure(std::string_view line, Block& block, size_t& max_nesting) {
  const size_t nesting = LineNesting(line);
  max_nesting = std::max(max_nesting, nesting);
  double price = static_cast<double>(nesting) * kNsPerContainerMarker;
  if (MayBeHeadingLine(line)) price += kNsPerHeadingLine;

  const size_t cells = RowCells(line);
  // Until a table opens, every line the delimiter scanner accepts re-parses the block so far. A table
  // opens on a delimiter row as wide as the row above it.
  if (!block.table_opened && MayStartDelimiterRow(line)) {
    block.header_retries += block.bytes;
    const size_t columns = DelimiterColumns(line);
    block.table_opened = columns > 0 && columns == block.previous_cells;
  }
  block.previous_cells = cells;
  block.bytes += static_cast<double>(line.size() + 1);
  const auto pipes = static_cast<double>(std::count(line.begin(), line.end(), '|'));
  block.pipes_squared += pipes * pipes;
  if (block.columns > cells) block.padded_cells += static_cast<double>(block.columns - cells);
  if (const size_t columns = DelimiterColumns(line); columns > 0) {
    price += kNsPerDelimiterRow;
    block.has_delimiter = true;
    block.columns = std::max(block.columns, columns);
  }
  return price;
}

// The inline elements of one line: their price in the linear part, and the bracket and raw HTML
// openers the block's super-linear bounds need.
double CountInlines(std::string_view line, Block& block) {
  double price = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char after = i + 1 < line.size() ? line[i + 1] : '\0';
    switch (line[i]) {
      case '*':
      case '_':
      case '~':
        price += kNsPerDelimiter;
        break;
      case '`':
        price += kNsPerBacktick;
        break;
      case '|':
        price += kNsPerPipe;
        break;
      case '&':
      case '\\':
        price += kNsPerEscapeOrEntity;
        break;
      case '"':
      case '\'':
      case '.':
        price += kNsPerSpecialCharacter;
        break;
      case '[':
        price += kNsPerBracket;
        break;
      case ']':
        price += kNsPerBracket;
        ++block.bracket_closers;
        if (after == '(' || after == '[') ++block.link_closers;
        break;
      case '!':
        price += kNsPerSpecialCharacter;
        if (after == '[') ++block.image_openers;
        break;
      case '<':
        price += kNsPerAngle;
        if (after == '!' || after == '?') ++block.html_openers;
        break;
      case '@':
        if (MayBeEmailAt(line, i)) price += kNsPerEmail;
        break;
      case ':':
        price += kNsPerSpecialCharacter;
        if (line.substr(i + 1, 2) == "//") price += kNsPerAutolink;
        break;
      case 'w':
        price += kNsPerSpecialCharacter;
        if (line.substr(i, 4) == "www.") price += kNsPerAutolink;
        break;
      default:
        break;
    }
  }
  return price;
}

}  // namespace

MarkdownCost EstimateMarkdownCost(std::string_view text) {
  MarkdownCost cost;
  const bool has_reference_definitions = text.find("]:") != std::string_view::npos;
  double lines = 0;
  double elements = 0;  // the linear part, but for lines and bytes
  Block block;
  auto close_block = [&] {
    if (block.has_delimiter) {
      cost.tables += block.pipes_squared * kNsPerPipeSquared + block.padded_cells * kNsPerPaddedCell;
    }
    cost.tables += block.header_retries * kNsPerHeaderRetryByte;
    const double closers = has_reference_definitions ? block.bracket_closers : block.link_closers;
    cost.brackets += block.image_openers * closers * kNsPerBracketStep;
    cost.html += block.html_openers * block.bytes * kNsPerHtmlScanByte;
    block = Block{};
  };

  for (size_t pos = 0; pos <= text.size();) {
    // Lines end at "\n", "\r\n" or "\r", as cmark splits them.
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    ++lines;
    if (IsBlankLine(line)) {
      elements += kNsPerBlankLine;
      close_block();
    } else {
      elements += CountLineStructure(line, block, cost.max_nesting) + CountInlines(line, block);
    }
    if (end == text.size()) break;
    pos = end + (text.substr(end, 2) == "\r\n" ? 2 : 1);
  }
  close_block();
  cost.linear = elements + lines * kNsPerLine + static_cast<double>(text.size()) * kNsPerByte;
  cost.containers = static_cast<double>(cost.max_nesting) * lines * kNsPerOpenContainerLine;
  cost.autolinks = AutolinkCost(text);
  return cost;
}

bool MarkdownIsTame(const MarkdownCost& cost, size_t size) {
  if (cost.max_nesting > kMaxMarkdownNesting) return false;
  return cost.superlinear() <= kBudgetFloorNs + kBudgetNsPerByte * static_cast<double>(size);
}

bool MarkdownIsTame(std::string_view text) { return MarkdownIsTame(EstimateMarkdownCost(text), text.size()); }

}  // namespace taskshare::web
