// One message of a transcript as HTML. Messages are arbitrary JSON objects; the shapes understood are
//   {"role", "content": "markdown"}
//   {"role", "content" or "parts": [part, ...]} with parts
//     {"type": "text", "text": "markdown"}
//     {"type": "tool-call" | "tool_call" | "tool_use", "tool" | "name", "input" | "args" | "arguments"}
//     {"type": "tool-result" | "tool_result", "tool" | "name", "output" | "result" | "content"}
//   {"role", "tool_calls": [{"function": {"name", "arguments"}}]} (OpenAI's form)
// and anything else is shown as pretty JSON: nothing is dropped. Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace taskshare::web {

// Appends <article class="msg r-ROLE" id="mINDEX"> for the message whose JSON text is `json`.
// `parsed` is its parse (see ParseJson), or null if it did not parse: the raw text is then shown,
// escaped. `index` is the message's 1-based position, used for its anchor. `markdown_budget_ns` is
// the page's markdown allowance (kMarkdownPageBudgetNs at first), spent by each text rendered as
// markdown (see MarkdownOptions::budget_ns).
void AppendMessage(std::string& out, std::string_view json, const boost::json::value* parsed, size_t index,
                   double& markdown_budget_ns);

// The CSS class suffix for a message role: user, assistant, tool, system or other.
std::string_view RoleClass(std::string_view role);

}  // namespace taskshare::web
