// JsonReader: strict, field-by-field reading of a JSON object from a request body or an imported file,
// once ParseJsonObject has parsed it.
//
// Each accessor reads one member, checks its type (and enum, UUID or time format) and returns its value;
// on the first mismatch the reader records a kInvalidArgument Status that names the field as
// "<where>.<key>" and says what was expected, and later accessors return nullopt. Finish() then
// reports that error, or an unknown member if any member was never read. Not thread-safe; a reader is
// a short-lived local.
//
// One rule for the bytes of strings, whichever backend stores them: a string read from a request (a
// field, or an element of a string array) that holds U+0000 is refused, "<field> must not contain
// U+0000 (NUL)". PostgreSQL's text cannot hold that character (libpq would cut the value at it, or
// the server refuse it) while SQLite keeps it, so without the rule the two backends would store
// different bytes. Messages are not read here: they are stored as the JSON text they arrived in, where
// a NUL is the escape \u0000, and come back byte for byte on both (domain/messages.h).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/enums.h"

namespace taskshare {

// The deepest nesting of arrays and objects a JSON request body (or an imported file) may have; the
// messages in it get what their envelope leaves (a couple of levels less). Every stored message was
// accepted under it, so the readers of stored messages (IsJsonObject, the page's ParseJson) take the
// same limit. Deep enough for real tool output (scanner reports, cloud API responses), and bounded
// because a parsed value and every walk over it cost memory per level.
inline constexpr std::size_t kMaxJsonDepth = 256;

// `body` parsed as JSON: a value that is an object, nested at most kMaxJsonDepth levels. Otherwise
// kInvalidArgument: "malformed JSON body: ..." (the parser's message names a position, never the text
// around it, so no value can leak through it), "the JSON body is nested deeper than 256 levels", or
// "the body must be a JSON object".
Result<boost::json::value> ParseJsonObject(std::string_view body);

// Whether a member must be present, and whether null means "absent".
enum class Need { kOptional, kRequired, kNullable };

// Where the object comes from: a request (or an imported file), whose strings follow the rule above, or
// JSON text this server stored itself and reads back, taken as it was stored (it was accepted once,
// perhaps before the rule).
enum class Origin { kRequest, kStored };

// Ok if `body` is empty or the JSON object {} (whitespace around it allowed), the body of an operation
// that takes no fields; otherwise kInvalidArgument "the body must be empty or {}: <operation> takes no
// fields".
Status CheckEmptyBody(std::string_view body, std::string_view operation);

class JsonReader {
 public:
  // `where` prefixes field names in error messages ("task", "body"); empty for none.
  JsonReader(const boost::json::object& object, std::string where, Origin origin = Origin::kRequest);

  // A string; from a request, one without U+0000.
  std::optional<std::string> String(std::string_view key, Need need = Need::kOptional);
  // A string that must not be empty and at most `max_chars` bytes.
  std::optional<std::string> Text(std::string_view key, size_t max_chars, Need need = Need::kOptional);
  std::optional<bool> Bool(std::string_view key, Need need = Need::kOptional);
  std::optional<std::int64_t> Int(std::string_view key, Need need = Need::kOptional);
  std::optional<std::string> Uuid(std::string_view key, Need need = Need::kOptional);
  std::optional<UnixMicros> Time(std::string_view key, Need need = Need::kOptional);
  std::optional<std::vector<std::string>> StringArray(std::string_view key, Need need = Need::kOptional);
  // The raw member, for the caller to interpret (strings in it are not checked); marks it as read.
  const boost::json::value* Value(std::string_view key, Need need = Need::kOptional);

  template <typename E>
  std::optional<E> Enum(std::string_view key, Need need = Need::kOptional) {
    auto text = String(key, need);
    if (!text) return std::nullopt;
    auto v = Parse<E>(*text);
    if (!v) Fail(key, "must be one of " + std::string(Spellings<E>()));
    return v;
  }

  // Records an error about `key` unless one is recorded already.
  void Fail(std::string_view key, std::string_view what);
  bool ok() const { return status_.ok(); }

  // The first error, else kInvalidArgument for a member no accessor read, else ok.
  Status Finish();

 private:
  // The member if present and not null (for kNullable); records "is required" when missing.
  const boost::json::value* Find(std::string_view key, Need need);
  std::string Name(std::string_view key) const;
  // Records the NUL error about `key` and returns false if `text`, from a request, holds U+0000.
  bool Storable(std::string_view key, std::string_view text);

  const boost::json::object& object_;
  std::string where_;
  Origin origin_;
  std::set<std::string, std::less<>> read_;
  Status status_;
};

}  // namespace taskshare
