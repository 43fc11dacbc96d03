// Building blocks of the server-rendered pages: the one HTML escape every piece of untrusted text goes
// through, times as <time> elements, and long preformatted blocks cut behind a no-JavaScript expander.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/time.h"

namespace taskshare::web {

// Appends `text` to `out` escaped for HTML text and for double- or single-quoted attribute values
// (& < > " '). Bytes that are not valid UTF-8 become U+FFFD, and C0 control characters other than
// tab, line feed and carriage return (and DEL) become their visible Control Pictures (U+2400..),
// so the output is always valid UTF-8 that a browser shows exactly as the text was.
void AppendEscaped(std::string& out, std::string_view text);

// `text` escaped as by AppendEscaped.
std::string HtmlEscape(std::string_view text);

// The number of bytes AppendEscaped appends for `text`. Never less than text.size(), at most six times it.
size_t EscapedSize(std::string_view text);

// The length of the longest prefix of `text` whose escaped form takes at most `max_bytes`. The prefix
// never ends inside a UTF-8 sequence, so escaping it shows the same characters as the head of `text`.
size_t EscapedPrefix(std::string_view text, size_t max_bytes);

// Replaces, in place, the C0 control characters of already-rendered HTML as AppendEscaped does. Used on
// cmark-gfm's output, which escapes markup but passes control characters through.
void ReplaceControlCharacters(std::string& html);

// `text` with runs of whitespace folded to one space, trimmed, and cut to at most `max_chars` code
// points (never inside one), with "…" appended when it was cut. Invalid UTF-8 becomes U+FFFD.
std::string Excerpt(std::string_view text, size_t max_chars);

// "2026-11-20 10:00:05 UTC": the time to the second, for people.
std::string HumanUtc(UnixMicros t);

// <time datetime="2026-11-20T10:00:05Z">2026-11-20 10:00:05 UTC</time>
void AppendTime(std::string& out, UnixMicros t);

// Limits past which a preformatted block is cut (see AppendPreBlock).
inline constexpr size_t kPreMaxBytes = 4000;
inline constexpr size_t kPreMaxLines = 80;

// The most AppendPreBlock adds around the escaped text, for a `pre_class` of up to 16 bytes: two <pre>
// tags, the expander and its line and size counts.
inline constexpr size_t kPreBlockChromeBytes = 256;

// Appends `text` escaped in <pre class="...">. Text over kPreMaxBytes or kPreMaxLines shows its head and
// keeps the rest behind a nested <details><summary>Show all N lines</summary>, which needs no script.
// `pre_class` is trusted markup (a class name), not text.
void AppendPreBlock(std::string& out, std::string_view text, std::string_view pre_class);

// The number of lines of `text` as an editor counts them: one more than its line feeds, not counting a
// final line feed; zero for empty text.
size_t CountLines(std::string_view text);

}  // namespace taskshare::web
