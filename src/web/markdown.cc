#include "web/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "redact/rules.h"
#include "web/html.h"
#include "web/markdown_guard.h"

namespace taskshare::web {
namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};
struct BufferDeleter {
  void operator()(char* s) const { cmark_get_default_mem_allocator()->free(s); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;
using IterPtr = std::unique_ptr<cmark_iter, IterDeleter>;
using BufferPtr = std::unique_ptr<char, BufferDeleter>;

constexpr std::array<const char*, 4> kExtensions = {"table", "strikethrough", "autolink", "tasklist"};
constexpr std::string_view kLinkOpen = "<a href=\"";
constexpr std::string_view kSafeLinkOpen = "<a rel=\"nofollow noopener ugc\" href=\"";

// cmark_gfm_core_extensions_ensure_registered writes a global registry without a lock.
void RegisterExtensionsOnce() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

// A new unlinked node of `type` holding `literal`.
cmark_node* NewLiteralNode(cmark_node_type type, const char* literal) {
  cmark_node* node = cmark_node_new(type);
  cmark_node_set_literal(node, literal != nullptr ? literal : "");
  return node;
}

// cmark-gfm lets data:image/png and the like through, for images. As links they would only open the
// picture, but nothing needs them.
bool IsDataUrl(const char* url) {
  if (url == nullptr) return false;
  const std::string_view u(url);
  if (u.size() < 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    if (static_cast<char>(u[i] | 0x20) != "data:"[i]) return false;
  }
  return true;
}

// Puts `new_node` where `old_node` was and frees `old_node`. If the parent refuses the new node (it
// never should: each replacement is of the same kind, inline for inline, block for block),
// `new_node` is freed and `old_node` stays.
bool ReplaceAndFree(cmark_node* old_node, cmark_node* new_node) {
  if (cmark_node_replace(old_node, new_node) == 0) {
    cmark_node_free(new_node);
    return false;
  }
  cmark_node_free(old_node);
  return true;
}

// The nodes MakeInert changes, collected first because the tree cannot change under a running
// iterator. Links with a data: URL are emptied on the way.
struct InertTargets {
  std::vector<cmark_node*> html_inline;
  std::vector<cmark_node*> html_block;
  std::vector<std::pair<cmark_node*, bool>> images;  // with whether it sits inside a link
};

InertTargets CollectTargets(cmark_node* root) {
  InertTargets targets;
  int link_depth = 0;
  IterPtr iter(cmark_iter_new(root));
  for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    const bool enter = ev == CMARK_EVENT_ENTER;
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HTML_INLINE:
        targets.html_inline.push_back(node);
        break;
      case CMARK_NODE_HTML_BLOCK:
        targets.html_block.push_back(node);
        break;
      case CMARK_NODE_LINK:
        if (enter && IsDataUrl(cmark_node_get_url(node))) cmark_node_set_url(node, "");
        link_depth += enter ? 1 : -1;
        break;
      case CMARK_NODE_IMAGE:
        // An image becomes a link, so what it contains counts as inside one.
        if (enter) targets.images.emplace_back(node, link_depth > 0);
        link_depth += enter ? 1 : -1;
        break;
      default:
        break;
    }
  }
  return targets;
}

// An image becomes a link to its source labelled "[image] " and its alt text, or, inside a link
// (links do not nest), that label emphasised.
void ReplaceImage(cmark_node* image, bool inside_link) {
  cmark_node* link = cmark_node_new(inside_link ? CMARK_NODE_EMPH : CMARK_NODE_LINK);
  if (!inside_link) {
    const char* url = cmark_node_get_url(image);
    cmark_node_set_url(link, IsDataUrl(url) ? "" : url);
    cmark_node_set_title(link, cmark_node_get_title(image));
  }
  cmark_node_append_child(link, NewLiteralNode(CMARK_NODE_TEXT, "[image] "));
  if (cmark_node_first_child(image) == nullptr) {
    cmark_node_append_child(link, NewLiteralNode(CMARK_NODE_TEXT, cmark_node_get_url(image)));
  }
  if (cmark_node_replace(image, link) == 0) {
    // Never expected; an image that cannot be replaced is dropped rather than rendered as <img>.
    cmark_node_free(link);
  } else {
    while (cmark_node* child = cmark_node_first_child(image)) cmark_node_append_child(link, child);
  }
  cmark_node_free(image);
}

// Raw HTML becomes visible text: inline HTML a text node, block HTML a code block. Without
// CMARK_OPT_UNSAFE cmark-gfm would only drop it, hiding what a transcript is about (the payload).
// Images become links to their source, so nothing is fetched.
void MakeInert(cmark_node* root) {
  const InertTargets targets = CollectTargets(root);
  for (cmark_node* node : targets.html_inline) {
    ReplaceAndFree(node, NewLiteralNode(CMARK_NODE_TEXT, cmark_node_get_literal(node)));
  }
  for (cmark_node* node : targets.html_block) {
    cmark_node* code = NewLiteralNode(CMARK_NODE_CODE_BLOCK, cmark_node_get_literal(node));
    cmark_node_set_fence_info(code, "html");
    ReplaceAndFree(node, code);
  }
  // Innermost first (the iterator met outer ones first), so that no image is freed while a later
  // entry still points into it.
  // (Reverse iterators rather than std::views::reverse, which clang 14 cannot compile with libstdc++ 12.)
  for (auto it = targets.images.rbegin(); it != targets.images.rend(); ++it)
    ReplaceImage(it->first, it->second);
}

// One piece of a run of inline text: a node whose literal is shown, or a line break (node null).
struct Piece {
  cmark_node* node;
  size_t begin;  // its place in the run's text
  size_t end;
};

// A link's or an image's destination or title, redacted: emptied if it holds anything to redact (a
// marker makes no sense as an address).
void RedactAttribute(cmark_node* node, const redact::Redactor& redactor, bool url) {
  const char* value = url ? cmark_node_get_url(node) : cmark_node_get_title(node);
  if (value == nullptr || *value == '\0' || redactor.Spans(value).empty()) return;
  if (url) {
    cmark_node_set_url(node, "");
  } else {
    cmark_node_set_title(node, "");
  }
}

// Redacts the inline content of `block` (a paragraph, heading or table cell) as the reader sees it:
// the literals of its text and code nodes, which markdown has decoded (escapes, references), and its
// line breaks, read as one text, so that a match split by emphasis or any other markup is found. The
// marker goes where the match begins; the rest of the match is removed from the nodes it spans.
void RedactRun(cmark_node* block, const redact::Redactor& redactor) {
  std::string text;
  std::vector<Piece> pieces;
  IterPtr iter(cmark_iter_new(block));
  for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter.get());
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_HTML_INLINE: {
        const char* literal = cmark_node_get_literal(node);
        const size_t begin = text.size();
        text += literal != nullptr ? literal : "";
        pieces.push_back({node, begin, text.size()});
        break;
      }
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        text += '\n';
        pieces.push_back({nullptr, text.size() - 1, text.size()});
        break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE:
        RedactAttribute(node, redactor, true);
        RedactAttribute(node, redactor, false);
        break;
      default:
        break;
    }
  }
  const std::vector<redact::Span> spans = redactor.Spans(text);
  if (spans.empty()) return;
  std::vector<bool> marked(spans.size(), false);
  size_t first = 0;  // the first span that may still reach the current piece
  for (const Piece& piece : pieces) {
    if (piece.node == nullptr) continue;
    while (first < spans.size() && spans[first].end <= piece.begin) ++first;
    if (first == spans.size() || spans[first].begin >= piece.end) continue;
    std::string literal;
    size_t at = piece.begin;
    for (size_t k = first; k < spans.size() && spans[k].begin < piece.end; ++k) {
      const size_t from = std::max(spans[k].begin, piece.begin);
      literal.append(text, at, from - at);
      if (!marked[k]) {
        literal += redact::Marker(spans[k].rule);
        marked[k] = true;
      }
      at = std::min(spans[k].end, piece.end);
    }
    literal.append(text, at, piece.end - at);
    cmark_node_set_literal(piece.node, literal.c_str());
  }
  // A match that only spans line breaks has no node to carry its marker: nothing of it is shown.
}

// Redacts everything the rendering of `root` will show (see MarkdownOptions::redactor).
void RedactShown(cmark_node* root, const redact::Redactor& redactor) {
  std::vector<cmark_node*> runs;
  std::vector<cmark_node*> code_blocks;
  IterPtr iter(cmark_iter_new(root));
  for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter.get());
    if ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK) continue;
    if (cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK) {
      code_blocks.push_back(node);
      continue;
    }
    cmark_node* child = cmark_node_first_child(node);
    if (child != nullptr && (cmark_node_get_type(child) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE) {
      runs.push_back(node);
    }
  }
  for (cmark_node* block : runs) RedactRun(block, redactor);
  for (cmark_node* code : code_blocks) {
    for (const bool info : {false, true}) {
      const char* value = info ? cmark_node_get_fence_info(code) : cmark_node_get_literal(code);
      if (value == nullptr || *value == '\0') continue;
      const std::string redacted = redactor.RedactText(value);
      if (redacted == value) continue;
      if (info) {
        cmark_node_set_fence_info(code, redacted.c_str());
      } else {
        cmark_node_set_literal(code, redacted.c_str());
      }
    }
  }
}

// Adds rel="nofollow noopener ugc" to every link. cmark-gfm writes each link as `<a href="` and
// escapes '<' in text and '"' in attribute values, so that sequence occurs nowhere else.
std::string AddLinkRel(std::string_view html) {
  std::string out;
  out.reserve(html.size() + html.size() / 16);
  size_t pos = 0;
  for (size_t hit; (hit = html.find(kLinkOpen, pos)) != std::string_view::npos;
       pos = hit + kLinkOpen.size()) {
    out.append(html.substr(pos, hit - pos));
    out.append(kSafeLinkOpen);
  }
  out.append(html.substr(pos));
  return out;
}

}  // namespace

std::string RenderMarkdown(std::string_view text, const MarkdownOptions& options) {
  if (text.size() > kMaxMarkdownBytes) return RenderPlainText(text);
  const MarkdownCost cost = EstimateMarkdownCost(text);
  if (!MarkdownIsTame(cost, text.size())) return RenderPlainText(text);
  // Called alone, a text may spend what a whole page may.
  double own_budget_ns = kMarkdownPageBudgetNs;
  double& budget_ns = options.budget_ns != nullptr ? *options.budget_ns : own_budget_ns;
  if (cost.total() > budget_ns) return RenderPlainText(text);
  budget_ns -= cost.total();
  RegisterExtensionsOnce();

  // No CMARK_OPT_UNSAFE: raw HTML (already turned into text by MakeInert) and dangerous URLs are
  // refused by the renderer as well. CMARK_OPT_VALIDATE_UTF8 replaces invalid bytes with U+FFFD.
  int flags = CMARK_OPT_VALIDATE_UTF8;
  if (options.hard_breaks) flags |= CMARK_OPT_HARDBREAKS;
  ParserPtr parser(cmark_parser_new(flags));
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
  }
  cmark_parser_feed(parser.get(), text.data(), text.size());
  NodePtr root(cmark_parser_finish(parser.get()));
  if (!root) return RenderPlainText(text);
  MakeInert(root.get());
  if (options.redactor != nullptr && !options.redactor->inert()) RedactShown(root.get(), *options.redactor);
  BufferPtr html(cmark_render_html(root.get(), flags, cmark_parser_get_syntax_extensions(parser.get())));
  if (!html) return RenderPlainText(text);

  std::string out = "<div class=\"md\">";
  out += AddLinkRel(html.get());
  out += "</div>";
  ReplaceControlCharacters(out);
  return out;
}

std::string RenderPlainText(std::string_view text) {
  std::string out = "<div class=\"md\"><pre class=\"plain\">";
  AppendEscaped(out, text);
  out += "</pre></div>";
  return out;
}

}  // namespace taskshare::web
