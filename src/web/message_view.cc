#include "web/message_view.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <optional>
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

// What a tool was given: a string that holds JSON (OpenAI's `arguments`) is pretty-printed too.
std::string InputText(const Field& field) {
  if (!field) return {};
  if (field.value->is_string()) {
    std::string_view s = field.value->get_string();
    if (auto v = ParseJson(s); v && (v->is_object() || v->is_array())) return PrettyJson(s);
    return std::string(s);
  }
  return PrettyJson(field.raw);
}

// What a tool answered: a string as it is, a list of text parts joined, anything else as JSON.
std::string OutputText(const Field& field) {
  if (!field) return {};
  if (field.value->is_string()) return std::string(field.value->get_string());
  if (field.value->is_array() && !field.value->get_array().empty()) {
    std::string joined;
    for (const json::value& item : field.value->get_array()) {
      const json::object* part = item.if_object();
      const json::value* text = part != nullptr ? part->if_contains("text") : nullptr;
      if (text == nullptr || !text->is_string()) return PrettyJson(field.raw);
      if (!joined.empty()) joined += '\n';
      joined.append(text->get_string());
    }
    return joined;
  }
  return PrettyJson(field.raw);
}

// A collapsed <details> block: the summary names what it is, the body holds `text` (cut if long).
void AppendCollapsed(std::string& out, std::string_view details_class, std::string_view kind,
                     std::string_view name, std::string_view preview, std::string_view text,
                     std::string_view pre_class) {
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
  if (text.empty()) {
    out += "<p class=\"empty\">(empty)</p>";
  } else {
    AppendPreBlock(out, text, pre_class);
  }
  out += "</details>";
}

void AppendToolCall(std::string& out, std::string_view name, const Field& input) {
  const std::string text = InputText(input);
  const std::string preview =
      input ? Excerpt(input.value->is_string() ? std::string_view(input.value->get_string()) : input.raw,
                      kPreviewChars)
            : std::string();
  AppendCollapsed(out, "tool call", "Tool call", name, preview, text, "json");
}

void AppendToolResult(std::string& out, std::string_view name, const std::string& text, bool is_error) {
  const size_t lines = CountLines(text);
  const std::string preview = std::to_string(lines) + (lines == 1 ? " line" : " lines");
  AppendCollapsed(out, is_error ? "tool result error" : "tool result", is_error ? "Error" : "Result", name,
                  preview, text, "out");
}

void AppendJson(std::string& out, std::string_view label, std::string_view raw) {
  AppendCollapsed(out, "part", label, {}, {}, PrettyJson(raw), "json");
}

struct MessageContext {
  std::string_view role_class;
  std::string_view name;  // the tool's name, for tool messages
  double* markdown_budget_ns;
};

void AppendText(std::string& out, const MessageContext& ctx, std::string_view text) {
  if (ctx.role_class == "tool") {
    AppendToolResult(out, ctx.name, std::string(text), false);
  } else {
    out +=
        RenderMarkdown(text, {.hard_breaks = ctx.role_class == "user", .budget_ns = ctx.markdown_budget_ns});
  }
}

void AppendPart(std::string& out, const MessageContext& ctx, const json::value& part, std::string_view raw) {
  if (part.is_string()) {
    AppendText(out, ctx, part.get_string());
    return;
  }
  const json::object* object = part.if_object();
  const json::value* type_value = object != nullptr ? object->if_contains("type") : nullptr;
  if (type_value == nullptr || !type_value->is_string()) {
    AppendJson(out, "Part", raw);
    return;
  }
  const std::string_view type = type_value->get_string();
  if (type == "text") {
    const json::value* text = object->if_contains("text");
    if (text != nullptr && text->is_string()) {
      AppendText(out, ctx, text->get_string());
    } else {
      AppendJson(out, "Text part", raw);
    }
  } else if (IsOneOf(type, {"tool-call", "tool_call", "tool_use"})) {
    AppendToolCall(out, StringOr(*object, {"tool", "name"}),
                   FindField(*object, raw, {"input", "args", "arguments"}));
  } else if (IsOneOf(type, {"tool-result", "tool_result"})) {
    const json::value* is_error = object->if_contains("is_error");
    AppendToolResult(out, StringOr(*object, {"tool", "name"}, ctx.name),
                     OutputText(FindField(*object, raw, {"output", "result", "content"})),
                     is_error != nullptr && is_error->is_bool() && is_error->get_bool());
  } else {
    AppendJson(out, std::string(type) + " part", raw);
  }
}

void AppendParts(std::string& out, const MessageContext& ctx, const json::array& parts,
                 std::string_view raw) {
  const std::vector<std::string_view> raws = RawElements(raw);
  for (size_t i = 0; i < parts.size(); ++i) {
    AppendPart(out, ctx, parts[i], i < raws.size() ? raws[i] : std::string_view());
  }
}

// OpenAI's assistant messages carry their calls beside the content.
void AppendOpenAiToolCalls(std::string& out, const json::array& calls, std::string_view raw) {
  const std::vector<std::string_view> raws = RawElements(raw);
  for (size_t i = 0; i < calls.size(); ++i) {
    const std::string_view call_raw = i < raws.size() ? raws[i] : std::string_view();
    const json::object* call = calls[i].if_object();
    const json::value* function = call != nullptr ? call->if_contains("function") : nullptr;
    if (function == nullptr || !function->is_object()) {
      AppendJson(out, "Tool call", call_raw);
      continue;
    }
    const std::string_view function_raw = RawMember(call_raw, "function").value_or(std::string_view());
    AppendToolCall(out, StringOr(function->get_object(), {"name"}),
                   FindField(function->get_object(), function_raw, {"arguments", "input", "args"}));
  }
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

void AppendBody(std::string& out, const MessageContext& ctx, const json::object& message,
                std::string_view raw) {
  const json::value* content = message.if_contains("content");
  const json::value* parts = message.if_contains("parts");
  const json::value* tool_calls = message.if_contains("tool_calls");
  bool shown = false;
  if (content != nullptr && content->is_string()) {
    AppendText(out, ctx, content->get_string());
    shown = true;
  }
  if (parts != nullptr && parts->is_array()) {
    AppendParts(out, ctx, parts->get_array(), RawMember(raw, "parts").value_or(std::string_view()));
    shown = true;
  }
  if (content != nullptr && content->is_array()) {
    AppendParts(out, ctx, content->get_array(), RawMember(raw, "content").value_or(std::string_view()));
    shown = true;
  }
  if (tool_calls != nullptr && tool_calls->is_array()) {
    AppendOpenAiToolCalls(out, tool_calls->get_array(),
                          RawMember(raw, "tool_calls").value_or(std::string_view()));
    shown = true;
  }
  if (!shown) AppendPreBlock(out, PrettyJson(raw), "json");
}

}  // namespace

std::string_view RoleClass(std::string_view role) {
  if (role == "user") return "user";
  if (role == "assistant" || role == "model") return "assistant";
  if (role == "tool" || role == "function" || role == "tool_result") return "tool";
  if (role == "system" || role == "developer") return "system";
  return "other";
}

void AppendMessage(std::string& out, std::string_view json_text, const json::value* parsed, size_t index,
                   double& markdown_budget_ns) {
  const json::object* message = parsed != nullptr ? parsed->if_object() : nullptr;
  const std::string_view role = message != nullptr ? StringOr(*message, {"role"}) : std::string_view();
  const MessageContext ctx{RoleClass(role), message != nullptr ? StringOr(*message, {"name", "tool"}) : "",
                           &markdown_budget_ns};

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
    AppendBody(out, ctx, *message, json_text);
  } else if (parsed != nullptr) {
    AppendPreBlock(out, PrettyJson(json_text), "json");
  } else {
    AppendPreBlock(out, json_text, "raw");
  }
  out += "</div></article>\n";
}

}  // namespace taskshare::web
