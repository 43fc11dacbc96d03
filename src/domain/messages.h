// Messages: arbitrary JSON objects, stored and served as the exact text they arrived in.
//
// Boost.JSON's DOM does not keep the source text of numbers and strings (1.50 would come back as
// 1.5E0), so messages are cut out of the request text instead: the body is first parsed and validated
// as a whole, and the functions here then walk that already-valid text to find the span of each
// message, dropping only the whitespace between tokens. Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/task.h"

namespace taskshare {

// Most messages one append may carry.
inline constexpr size_t kMaxMessagesPerAppend = 1000;

// Most messages one task may hold (2^24 - 1; the SQLite store numbers a task's message rows within a
// range of 2^24, storage/sqlite/task_rows.h).
inline constexpr std::int64_t kMaxMessagesPerTask = (std::int64_t{1} << 24) - 1;

// Ok if a task holding `count` messages may take `adding` more; kTooLarge, naming the limit, if that
// would take it past kMaxMessagesPerTask. Both stores check it before they write.
Status CheckTaskRoom(std::int64_t count, std::size_t adding);

// `text` with the whitespace between tokens removed. `text` must be valid JSON.
std::string CompactJson(std::string_view text);

// The raw text of the member `key` of the top-level object in `object_text` (the last one if the key
// repeats), or nullopt if the object has no such member. `object_text` must be valid JSON.
std::optional<std::string_view> RawMember(std::string_view object_text, std::string_view key);

// The raw text of each element of the array `array_text`. `array_text` must be a valid JSON array.
std::vector<std::string_view> RawElements(std::string_view array_text);

// Turns `parsed` (a JSON array, the DOM of `raw`, its source text) into messages to store: each
// element must be an object; its compact source text is kept, and its `id` member, when present and
// not null, becomes its idempotency key (MessageKey). kInvalidArgument naming `where` ("messages[3]")
// otherwise.
Result<std::vector<NewMessage>> MessagesFromJson(const boost::json::value& parsed, std::string_view raw,
                                                 std::string_view where);

// The idempotency key of a message: its `id` member's JSON text as Boost.JSON writes it. The key keeps
// the id's type: the ids 1 and "1" are two keys (so are the integer 1 and the fraction 1.0), while "a"
// and "\u0061", the same string, are one. It never holds a raw control character (a NUL in a string
// id is the escape \u0000), so every backend stores it alike. nullopt when the message has no `id` or
// it is null.
std::optional<std::string> MessageKey(const boost::json::object& message);

// One message from an object's source text, keyed by MessageKey (see MessagesFromJson).
NewMessage MessageFromJson(const boost::json::object& parsed, std::string_view raw);

// The readable text of a message: its `content` when that is a string, else the `text` of its parts
// (or of its `content` array) joined by spaces; empty if it has none.
std::string MessageText(const boost::json::object& message);

// A title from free text: runs of whitespace and control characters (U+0000 to U+001F, U+007F) folded
// to one space, trimmed, cut to 80 characters (code points, never inside one). `text` must be valid
// UTF-8.
std::string DeriveTitle(std::string_view text);

// True if `text` is one complete JSON object nested at most kMaxJsonDepth levels (json_reader.h), as
// every message was when it was stored: used to refuse a corrupt stored message.
bool IsJsonObject(std::string_view text);

// True if `text` is one complete JSON value of any type, nested to any depth, with valid UTF-8 in its
// strings and only whitespace around it. Allocates only the parser's nesting stack.
bool IsJson(std::string_view text);

}  // namespace taskshare
