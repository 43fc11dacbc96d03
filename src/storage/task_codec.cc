#include "storage/task_codec.h"

#include <xxhash.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "domain/messages.h"
#include "domain/task_json.h"
#include "redact/redactor.h"

namespace taskshare {

Status CorruptTask(std::string_view task_id, std::string_view column, std::string_view problem) {
  return Status::Internal("Failed to load snapshot", "task " + std::string(task_id) + ": column " +
                                                         std::string(column) + " " + std::string(problem));
}

std::string SecretNamesToText(const std::vector<std::string>& names) {
  boost::json::array array;
  for (const std::string& name : names) array.emplace_back(name);
  return boost::json::serialize(array);
}

std::int64_t MessageChecksum(std::string_view body) {
  return static_cast<std::int64_t>(XXH3_64bits(body.data(), body.size()));
}

bool MessageBodyIntact(std::string_view body, std::optional<std::int64_t> checksum) {
  return checksum ? *checksum == MessageChecksum(body) : IsJsonObject(body);
}

namespace {

// The seed of the verdict hash under the built-in rules of `version`: "redact" in the high bytes, the
// version in the low ones.
constexpr XXH64_hash_t VerdictSeed(int version) {
  return 0x7265'6461'6374'0000ULL + static_cast<unsigned>(version);
}

}  // namespace

std::int64_t CleanVerdict(std::string_view bytes) {
  return static_cast<std::int64_t>(
      XXH3_64bits_withSeed(bytes.data(), bytes.size(), VerdictSeed(redact::kBuiltInRulesVersion)));
}

std::optional<std::int64_t> MessageRedactionVerdict(std::string_view body) {
  if (!redact::Redactor::BuiltIn().LeavesJsonUnchanged(body)) return std::nullopt;
  return CleanVerdict(body);
}

bool NeedsNoRedaction(std::string_view body, std::optional<std::int64_t> verdict) {
  return verdict && *verdict == CleanVerdict(body);
}

void TaskFieldDecoder::SecretNames(std::optional<std::string_view> text, std::vector<std::string>* out) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(text.value_or(""), ec);
  if (ec || !value.is_array()) return Fail("secret_names", "is not a JSON array");
  std::vector<std::string> names;
  for (const boost::json::value& name : value.get_array()) {
    if (!name.is_string()) return Fail("secret_names", "holds a non-string");
    names.emplace_back(name.get_string());
  }
  *out = std::move(names);
}

void TaskFieldDecoder::Schedule(std::optional<std::string_view> text, std::optional<ScheduleInfo>* out) {
  if (!text) return;
  Result<ScheduleInfo> info = ScheduleInfoFromText(*text);
  if (!info.ok()) return Fail("schedule_info", "is unreadable: " + info.status().detail());
  *out = std::move(*info);
}

void TaskFieldDecoder::SharePin(const ShareSettings& share) {
  const bool pinned = share.mode == ShareMode::kPinned;
  if (pinned != share.pinned_messages.has_value() || pinned != share.pinned_at.has_value()) {
    return Fail("share_pinned_messages", pinned ? "is NULL in pinned mode" : "is set in live mode");
  }
  if (pinned && *share.pinned_messages < 0) Fail("share_pinned_messages", "is negative");
}

void TaskFieldDecoder::Fail(std::string_view column, std::string_view problem) {
  if (status_.ok()) status_ = CorruptTask(task_id_, column, problem);
}

}  // namespace taskshare
