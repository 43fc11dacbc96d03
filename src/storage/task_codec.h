// What every backend stores the same way: the text forms of the task fields kept as text, the rules
// that decide whether a value read back is one the domain can represent, and the checksum and the
// redaction verdict stored beside each message body.
//
// Each backend reads its own columns and hands their values to TaskFieldDecoder, so what counts as a
// corrupt row, and how it is reported, is decided here once: kInternal "Failed to load snapshot" naming
// the task and the column, never a value.
//
// Free functions are pure and thread-safe; a TaskFieldDecoder is a plain value used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"
#include "domain/task.h"

namespace taskshare {

// kInternal "Failed to load snapshot", with a detail naming task `task_id`, its `column` and what
// is wrong with it (`problem`, e.g. "holds 'x'").
Status CorruptTask(std::string_view task_id, std::string_view column, std::string_view problem);

// The text stored for Task::secret_names: a JSON array of the names, in order.
std::string SecretNamesToText(const std::vector<std::string>& names);

// The stored spelling of an optional enum value, or std::nullopt (stored as NULL) if it is unset.
std::optional<std::string_view> OptionalEnumText(const auto& value) {
  if (!value) return std::nullopt;
  return ToString(*value);
}

// The checksum stored beside each message body: XXH3-64 of the body's bytes, as a signed 64-bit
// integer so that it fits an SQL integer column.
std::int64_t MessageChecksum(std::string_view body);

// True if `body` is intact: it matches `checksum`, or, for a row stored without one (SQLite rows from
// before schema version 2), it is one complete JSON object.
bool MessageBodyIntact(std::string_view body, std::optional<std::int64_t> checksum);

// The redaction verdict stored beside each message body (column redaction_verdict): when the built-in
// redaction rules leave the body unchanged, XXH3-64 of the body seeded with those rules' version
// (redact::kBuiltInRulesVersion); otherwise none (NULL), and the body is scanned whenever a share view
// shows it. A hash of the body rather than a flag, so that a verdict holds only for the bytes it was
// reached on and only under the rules it was reached by: a body edited behind the store's back keeps
// none, and neither does any body once the rules' version moves on. Runs the built-in rules over the
// body (about a microsecond per kilobyte); every backend stores each message's verdict with this.
std::optional<std::int64_t> MessageRedactionVerdict(std::string_view body);

// The verdict of bytes already found to be left unchanged by the current built-in rules, without
// running them again: what MessageRedactionVerdict returns for them.
std::int64_t CleanVerdict(std::string_view bytes);

// True if `verdict`, as read back beside `body`, says that the current built-in rules leave it
// unchanged.
bool NeedsNoRedaction(std::string_view body, std::optional<std::int64_t> verdict);

// Decodes the columns of one task row that can hold values the domain cannot represent, keeping the
// first problem found. Each method takes the column's value (std::nullopt for NULL) and its name, and
// writes the decoded value to `out` when it is valid.
class TaskFieldDecoder {
 public:
  explicit TaskFieldDecoder(std::string_view task_id) : task_id_(task_id) {}

  // A NOT NULL enum column.
  template <typename E>
  void Enum(std::optional<std::string_view> text, std::string_view column, E* out) {
    std::optional<E> value;
    if (text) value = Parse<E>(*text);
    if (value) {
      *out = *value;
    } else {
      Fail(column, text ? "holds '" + std::string(*text) + "'" : std::string("is NULL"));
    }
  }
  // An enum column where NULL means unset.
  template <typename E>
  void OptionalEnum(std::optional<std::string_view> text, std::string_view column, std::optional<E>* out) {
    if (!text) return;
    E value{};
    Enum(text, column, &value);
    *out = value;
  }
  // secret_names: the JSON array of SecretNamesToText.
  void SecretNames(std::optional<std::string_view> text, std::vector<std::string>* out);
  // schedule_info: NULL, or the text of ScheduleInfoToText.
  void Schedule(std::optional<std::string_view> text, std::optional<ScheduleInfo>* out);

  // The share settings' pin: pinned_messages (not negative) and pinned_at set exactly in pinned mode.
  void SharePin(const ShareSettings& share);

  // Records a problem of `column` unless one was found before.
  void Fail(std::string_view column, std::string_view problem);

  // Ok, or the first problem found.
  const Status& status() const { return status_; }

 private:
  std::string_view task_id_;
  Status status_;
};

}  // namespace taskshare
