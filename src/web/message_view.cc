#include "web/message_view.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <optional>
#include <span>
#include <vector>

#include "common/time.h"
#include "domain/messages.h"
#include "web/html.h"
#include "web/json_pretty.h"
#include "web/markdown.h"

namespace taskshare::web {
namespace {

namespace json = boost::json;

constexpr size_t kPreviewChars = 100;
constexpr size_t kRoleLabelChars = 40;

// A JSON value with its source text: the DOM decides what to show, the text is what is shown.
struct Field {
  const json::value* value = nullptr;
  std::string_view raw;
  explicit operator bool() const { return value != nullptr; }
};

// The first of `keys` that `object` (whose source text is `raw`) has.
Field FindField(const json::object& object, std::string_view raw,
                std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (const json::value* v = object.if_contains(key)) {
      return {v, RawMember(raw, key).value_or(std::string_view())};
    }
  }
  return {};
}

std::string_view StringOr(const json::object& object, std::initializer_list<std::string_view> keys,
                          std::string_view fallback = {}) {
  for (std::string_view key : keys) {
    const json::value* v = object.if_contains(key);
    if (v != nullptr && v->is_string()) return v->get_string();
  }
  return fallback;
}

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::ranges::any_of(options, [&](std::string_view o) { return s == o; });
}

// A marker's text and markup without its link, the longest of them with 20-digit counts.
constexpr size_t kCutMarkerChromeBytes = 320;
// Room kept for the closing tags of whatever is open when content stops: </details>, </div>, and the
// message's </div></article>.
constexpr size_t kClosingBytes = 64;
// The markup AppendCollapsed adds besides its kind, name, preview and block.
constexpr size_t kCollapsedChromeBytes = 160;

// What a message leaves out: `parts` parts not shown at all, and `bytes` of its text not shown (the
// rest of a part shown in part, and the source of the parts not shown).
struct Cut {
  size_t parts = 0;
  size_t bytes = 0;
};

// A text to show, and how many bytes of what it stands for it leaves out (a pretty-printed value that
// was stopped at a limit).
struct Shown {
  std::string text;
  size_t unshown = 0;
};

struct MessageContext {
  std::string& out;
  std::string_view role_class;
  std::string_view name;  // the tool's name, for tool messages
  PageBudget& page;
  // Content stops at this out.size(); the cut marker and the closing tags are kept room for past it.
  size_t limit = 0;
  size_t parts_left = kMaxMessageParts;
  // Set once something is left out; nothing more of the message is rendered from then on, and what
  // follows is counted into it.
  std::optional<Cut> cut;

  [[nodiscard]] size_t Left() const { return limit > out.size() ? limit - out.size() : 0; }
  void LeaveOut(size_t parts, size_t bytes) {
    if (!cut) cut.emplace();
    cut->parts += parts;
    cut->bytes += bytes;
  }
  [[nodiscard]] PrettyLimits Pretty() const { return {Left(), kMaxJsonLines}; }
};

void AppendRawLink(std::string& out, const PageBudget& page) {
  out += " <a href=\"";
  AppendEscaped(out, page.raw_url);
  out += "\" rel=\"nofollow noopener ugc\">Raw JSON of the whole task</a></p>\n";
}

// `text` escaped in a <pre> block as far as it fits: the head that fits is shown and the rest is left
// out (counted in the message's cut).
void AppendPre(MessageContext& ctx, std::string_view text, std::string_view pre_class) {
  const size_t left = ctx.Left();
  // Escaping never shrinks text, so a text longer than what is left is not measured.
  if (text.size() + kPreBlockChromeBytes <= left && EscapedSize(text) + kPreBlockChromeBytes <= left) {
    AppendPreBlock(ctx.out, text, pre_class);
    return;
  }
  const size_t shown = left > kPreBlockChromeBytes ? EscapedPrefix(text, left - kPreBlockChromeBytes) : 0;
  if (shown > 0) AppendPreBlock(ctx.out, text.substr(0, shown), pre_class);
  ctx.LeaveOut(0, text.size() - shown);
}

// `json` pretty-printed within what is left and kMaxJsonLines.
Shown Pretty(const MessageContext& ctx, std::string_view json) {
  PrettyText pretty = PrettyJson(json, ctx.Pretty());
  return {std::move(pretty.text), json.size() - std::min(pretty.shown, json.size())};
}

// What a tool was given: a string that holds JSON (OpenAI's `arguments`) is pretty-printed too.
Shown InputText(const MessageContext& ctx, const Field& field) {
  if (!field) return {};
  if (field.value->is_string()) {
    std::string_view s = field.value->get_string();
    if (auto v = ParseJson(s); v && (v->is_object() || v->is_array())) return Pretty(ctx, s);
    return {std::string(s)};
  }
  return Pretty(ctx, field.raw);
}

// What a tool answered: a string as it is, a list of text parts joined, anything else as JSON.
Shown OutputText(const MessageContext& ctx, const Field& field) {
  if (!field) return {};
  if (field.value->is_string()) return {std::string(field.value->get_string())};
  if (field.value->is_array() && !field.value->get_array().empty()) {
    std::string joined;
    for (const json::value& item : field.value->get_array()) {
      const json::object* part = item.if_object();
      const json::value* text = part != nullptr ? part->if_contains("text") : nullptr;
      if (text == nullptr || !text->is_string()) return Pretty(ctx, field.raw);
      if (!joined.empty()) joined += '\n';
      joined.append(text->get_string());
    }
    return {std::move(joined)};
  }
  return Pretty(ctx, field.raw);
}

// A collapsed <details> block: the summary names what it is, the body holds `text` (cut if long). If
// not even the summary fits, the whole part (`source_bytes` of the message) is left out.
void AppendCollapsed(MessageContext& ctx, std::string_view details_class, std::string_view kind,
                     std::string_view name, std::string_view preview, const Shown& text,
                     std::string_view pre_class, size_t source_bytes) {
  const size_t summary = kCollapsedChromeBytes + details_class.size() + pre_class.size() + EscapedSize(kind) +
                         EscapedSize(name) + EscapedSize(preview);
  if (summary > ctx.Left()) {
    ctx.LeaveOut(1, source_bytes);
    return;
  }
  std::string& out = ctx.out;
  out += "<details class=\"";
  out += details_class;
  out += "\"><summary><span class=\"kind\">";
  AppendEscaped(out, kind);
  out += "</span>";
  if (!name.empty()) {
    out += " <code class=\"name\">";
    AppendEscaped(out, name);
    out += "</code>";
  }
  if (!preview.empty()) {
    out += " <span class=\"preview\">";
    AppendEscaped(out, preview);
    out += "</span>";
  }
  out += "</summary>";
  if (text.text.empty() && text.unshown == 0) {
    out += "<p class=\"empty\">(empty)</p>";
  } else {
    AppendPre(ctx, text.text, pre_class);
    if (text.unshown > 0) ctx.LeaveOut(0, text.unshown);
  }
  out += "</details>";
}

void AppendToolCall(MessageContext& ctx, std::string_view name, const Field& input, size_t source_bytes) {
  const Shown text = InputText(ctx, input);
  const std::string preview =
      input ? Excerpt(input.value->is_string() ? std::string_view(input.value->get_string()) : input.raw,
                      kPreviewChars)
            : std::string();
  AppendCollapsed(ctx, "tool call", "Tool call", name, preview, text, "json", source_bytes);
}

void AppendToolResult(MessageContext& ctx, std::string_view name, const Shown& text, bool is_error,
                      size_t source_bytes) {
  const size_t lines = CountLines(text.text);
  const std::string preview = std::to_string(lines) + (lines == 1 ? " line" : " lines");
  AppendCollapsed(ctx, is_error ? "tool result error" : "tool result", is_error ? "Error" : "Result", name,
                  preview, text, "out", source_bytes);
}

void AppendJson(MessageContext& ctx, std::string_view label, std::string_view raw) {
  AppendCollapsed(ctx, "part", label, {}, {}, Pretty(ctx, raw), "json", raw.size());
}

// A run of parts of no known type, `raws`, as one block of one part a line (see kMinJsonRun).
void AppendJsonRun(MessageContext& ctx, std::span<const std::string_view> raws) {
  Shown text;
  size_t source = 0;
  for (size_t k = 0; k < raws.size(); ++k) {
    source += raws[k].size();
    if (text.unshown > 0) {
      text.unshown += raws[k].size();
      continue;
    }
    if (k > 0) text.text += '\n';
    const PrettyText pretty =
        PrettyJson(raws[k], {ctx.Left() - std::min(ctx.Left(), text.text.size()), kMaxJsonLines});
    text.text += pretty.text;
    text.unshown = raws[k].size() - std::min(pretty.shown, raws[k].size());
  }
  AppendCollapsed(ctx, "part", "Parts", {}, std::to_string(raws.size()) + " parts", text, "json", source);
}

// A text as markdown (plain text for tool messages). Markdown's size is known only once rendered: if
// it does not fit, the text's head is shown as plain text instead.
void AppendText(MessageContext& ctx, std::string_view text, size_t source_bytes) {
  if (ctx.role_class == "tool") {
    AppendToolResult(ctx, ctx.name, {std::string(text)}, false, source_bytes);
    return;
  }
  // Markdown is rarely much shorter than its text, so a text longer than what is left is not rendered
  // only to be dropped; text past kMaxMarkdownBytes is shown as plain text whole, so it is measured
  // rather than built.
  const bool plain = text.size() > kMaxMarkdownBytes;
  if (text.size() <= ctx.Left() && (!plain || EscapedSize(text) + kPreBlockChromeBytes <= ctx.Left())) {
    const std::string html = RenderMarkdown(text, {.hard_breaks = ctx.role_class == "user",
                                                   .budget_ns = &ctx.page.markdown_ns,
                                                   .redactor = ctx.page.redactor});
    if (html.size() <= ctx.Left()) {
      ctx.out += html;
      return;
    }
  }
  ctx.out += "<div class=\"md\">";
  AppendPre(ctx, text, "plain");
  ctx.out += "</div>";
}

void AppendPart(MessageContext& ctx, const json::value& part, std::string_view raw) {
  if (part.is_string()) {
    AppendText(ctx, part.get_string(), raw.size());
    return;
  }
  const json::object* object = part.if_object();
  const json::value* type_value = object != nullptr ? object->if_contains("type") : nullptr;
  if (type_value == nullptr || !type_value->is_string()) {
    AppendJson(ctx, "Part", raw);
    return;
  }
  const std::string_view type = type_value->get_string();
  if (type == "text") {
    const json::value* text = object->if_contains("text");
    if (text != nullptr && text->is_string()) {
      AppendText(ctx, text->get_string(), raw.size());
    } else {
      AppendJson(ctx, "Text part", raw);
    }
  } else if (IsOneOf(type, {"tool-call", "tool_call", "tool_use"})) {
    AppendToolCall(ctx, StringOr(*object, {"tool", "name"}),
                   FindField(*object, raw, {"input", "args", "arguments"}), raw.size());
  } else if (IsOneOf(type, {"tool-result", "tool_result"})) {
    const json::value* is_error = object->if_contains("is_error");
    AppendToolResult(ctx, StringOr(*object, {"tool", "name"}, ctx.name),
                     OutputText(ctx, FindField(*object, raw, {"output", "result", "content"})),
                     is_error != nullptr && is_error->is_bool() && is_error->get_bool(), raw.size());
  } else {
    AppendJson(ctx, std::string(type) + " part", raw);
  }
}

bool HasNoKnownType(const json::value& part) {
  if (part.is_string()) return false;
  const json::object* object = part.if_object();
  const json::value* type = object != nullptr ? object->if_contains("type") : nullptr;
  return type == nullptr || !type->is_string();
}

// Renders the elements of the array `items` (source text `raw`) in order, each spending one of the
// message's parts: `render(first, count, raws)` shows items [first, first + count) and returns how many
// it took (at least one). Once the message is cut, or its parts are spent, the rest are counted.
template <typename Render>
void AppendEach(MessageContext& ctx, const json::array& items, std::string_view raw, Render render) {
  if (ctx.cut) {
    ctx.LeaveOut(items.size(), raw.size());
    return;
  }
  const std::vector<std::string_view> raws = RawElements(raw);
  if (raws.size() != items.size()) {  // never for a parse of `raw`; shown as one value if it happens
    AppendJson(ctx, "Part", raw);
    return;
  }
  // The source bytes of items [from, end).
  auto source = [&](size_t from) {
    return from < raws.size()
               ? static_cast<size_t>(raws.back().data() + raws.back().size() - raws[from].data())
               : 0;
  };
  for (size_t i = 0; i < items.size();) {
    if (ctx.parts_left == 0) {
      ctx.LeaveOut(items.size() - i, source(i));
      return;
    }
    const size_t taken = render(i, std::span<const std::string_view>(raws).subspan(i));
    ctx.parts_left -= std::min(taken, ctx.parts_left);
    i += taken;
    if (ctx.cut) {
      ctx.LeaveOut(items.size() - i, source(i));
      return;
    }
  }
}

void AppendParts(MessageContext& ctx, const json::array& parts, std::string_view raw) {
  AppendEach(ctx, parts, raw, [&](size_t first, std::span<const std::string_view> raws) -> size_t {
    size_t run = 0;
    const size_t max_run = std::min(raws.size(), ctx.parts_left);
    while (run < max_run && HasNoKnownType(parts[first + run])) ++run;
    if (run >= kMinJsonRun) {
      AppendJsonRun(ctx, raws.first(run));
      return run;
    }
    AppendPart(ctx, parts[first], raws[0]);
    return 1;
  });
}

// OpenAI's assistant messages carry their calls beside the content.
void AppendOpenAiToolCalls(MessageContext& ctx, const json::array& calls, std::string_view raw) {
  AppendEach(ctx, calls, raw, [&](size_t first, std::span<const std::string_view> raws) -> size_t {
    const std::string_view call_raw = raws[0];
    const json::object* call = calls[first].if_object();
    const json::value* function = call != nullptr ? call->if_contains("function") : nullptr;
    if (function == nullptr || !function->is_object()) {
      AppendJson(ctx, "Tool call", call_raw);
      return 1;
    }
    const std::string_view function_raw = RawMember(call_raw, "function").value_or(std::string_view());
    AppendToolCall(ctx, StringOr(function->get_object(), {"name"}),
                   FindField(function->get_object(), function_raw, {"arguments", "input", "args"}),
                   call_raw.size());
    return 1;
  });
}

std::string RoleLabel(std::string_view role, std::string_view role_class) {
  if (role.empty()) return "Message";
  if (role_class == "other") return Excerpt(role, kRoleLabelChars);
  std::string label(role);
  if (label[0] >= 'a' && label[0] <= 'z') label[0] = static_cast<char>(label[0] - 'a' + 'A');
  return label;
}

void AppendHead(std::string& out, std::string_view role_label, size_t index, const json::object* message) {
  out += "<div class=\"msg-head\"><span class=\"role\">";
  AppendEscaped(out, role_label);
  out += "</span><a class=\"n\" href=\"#m";
  out += std::to_string(index);
  out += "\">#";
  out += std::to_string(index);
  out += "</a>";
  const json::value* created = message != nullptr ? message->if_contains("created_at") : nullptr;
  if (created != nullptr && created->is_string()) {
    if (auto t = ParseRfc3339(created->get_string())) {
      AppendTime(out, *t);
    } else {
      out += "<span class=\"time\">";
      AppendEscaped(out, Excerpt(created->get_string(), kRoleLabelChars));
      out += "</span>";
    }
  }
  out += "</div>";
}

// `json` pretty-printed in a <pre> block as far as it fits.
void AppendPrettyPre(MessageContext& ctx, std::string_view json) {
  const Shown pretty = Pretty(ctx, json);
  AppendPre(ctx, pretty.text, "json");
  if (pretty.unshown > 0) ctx.LeaveOut(0, pretty.unshown);
}

void AppendBody(MessageContext& ctx, const json::object& message, std::string_view raw) {
  const json::value* content = message.if_contains("content");
  const json::value* parts = message.if_contains("parts");
  const json::value* tool_calls = message.if_contains("tool_calls");
  bool shown = false;
  if (content != nullptr && content->is_string()) {
    AppendText(ctx, content->get_string(), raw.size());
    shown = true;
  }
  if (parts != nullptr && parts->is_array()) {
    AppendParts(ctx, parts->get_array(), RawMember(raw, "parts").value_or(std::string_view()));
    shown = true;
  }
  if (content != nullptr && content->is_array()) {
    AppendParts(ctx, content->get_array(), RawMember(raw, "content").value_or(std::string_view()));
    shown = true;
  }
  if (tool_calls != nullptr && tool_calls->is_array()) {
    AppendOpenAiToolCalls(ctx, tool_calls->get_array(),
                          RawMember(raw, "tool_calls").value_or(std::string_view()));
    shown = true;
  }
  if (!shown) AppendPrettyPre(ctx, raw);
}

size_t CutMarkerBytes(const PageBudget& page) { return kCutMarkerChromeBytes + EscapedSize(page.raw_url); }

void AppendCutMarker(std::string& out, const Cut& cut, const PageBudget& page) {
  out += "<p class=\"empty cut\">Part of this message is not shown here (";
  if (cut.parts > 0) {
    out += std::to_string(cut.parts);
    out += cut.parts == 1 ? " more part / " : " more parts / ";
  }
  out += std::to_string(cut.bytes);
  out += cut.bytes == 1 ? " byte)." : " bytes).";
  AppendRawLink(out, page);
}

}  // namespace

size_t MessageAllowance(const PageBudget& page) {
  return kMessageChromeBytes + CutMarkerBytes(page) + kClosingBytes;
}

void AppendPageCut(std::string& out, size_t messages, size_t bytes, const PageBudget& page) {
  out += "<p class=\"empty cut\">The rest of this transcript is not shown here (";
  out += std::to_string(messages);
  out += messages == 1 ? " more message / " : " more messages / ";
  out += std::to_string(bytes);
  out += bytes == 1 ? " byte)." : " bytes).";
  AppendRawLink(out, page);
}

std::string_view RoleClass(std::string_view role) {
  if (role == "user") return "user";
  if (role == "assistant" || role == "model") return "assistant";
  if (role == "tool" || role == "function" || role == "tool_result") return "tool";
  if (role == "system" || role == "developer") return "system";
  return "other";
}

void AppendMessage(std::string& out, std::string_view json_text, const json::value* parsed, size_t index,
                   PageBudget& page) {
  const json::object* message = parsed != nullptr ? parsed->if_object() : nullptr;
  const std::string_view role = message != nullptr ? StringOr(*message, {"role"}) : std::string_view();
  // The message's own share, within what the page has left; content stops short of the room kept for
  // the marker and the closing tags.
  const size_t own = out.size() + kHtmlBytesPerStoredByte * json_text.size() + MessageAllowance(page);
  const size_t reserve = CutMarkerBytes(page) + kClosingBytes;
  const size_t end = std::min(page.limit, own);
  const size_t limit = end > reserve ? end - reserve : 0;
  MessageContext ctx{
      out,         RoleClass(role), message != nullptr ? StringOr(*message, {"name", "tool"}) : "",
      page,        limit,           kMaxMessageParts,
      std::nullopt};

  out += "<article class=\"msg r-";
  out += ctx.role_class;
  out += "\" id=\"m";
  out += std::to_string(index);
  out += "\">";
  const std::string label = message != nullptr  ? RoleLabel(role, ctx.role_class)
                            : parsed != nullptr ? "Message"
                                                : "Unreadable message";
  AppendHead(out, label, index, message);
  out += "<div class=\"msg-body\">";
  if (message != nullptr) {
    AppendBody(ctx, *message, json_text);
  } else if (parsed != nullptr) {
    AppendPrettyPre(ctx, json_text);
  } else {
    AppendPre(ctx, json_text, "raw");
  }
  if (ctx.cut) AppendCutMarker(out, *ctx.cut, page);
  out += "</div></article>\n";
}

}  // namespace taskshare::web
