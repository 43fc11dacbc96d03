// Fuzz target "request_bodies": the JSON bodies of every endpoint and of `taskshare import`, through
// the parsers of api/task_requests.h, the domain's JsonReader and TaskInfo/ScheduleInfo mapping, and
// the raw-text walkers of domain/messages.h that cut messages out of a body, and the Secrets API's parser
// (api/secret_requests.h).
//
// Input: one selector byte, then the body. Selector % 8: 0 create, 1 patch, 2 append, 3 imported task,
// 4 ScheduleInfo (JSON and its storage text), 5 any JSON text through CompactJson/RawMember/RawElements,
// 6 share settings (PUT /api/v1/tasks/{id}/share), 7 a secret (POST /api/v1/secrets).
//
// Properties checked besides memory safety: every message a parser accepts is one compact JSON object, and
// its key, when it has one, is its id's JSON text, with no raw control character; no string an accepted
// request stores in a column of its own holds U+0000; an accepted TaskInfo or ScheduleInfo survives being
// written out and read back (as an export re-imported, and as storage text; a stored one holding U+0000,
// which a request may not send, only as storage text); the raw walkers agree with the JSON DOM; accepted
// share settings are ones a link serves, expiring in the future if at all; an accepted secret keeps the
// name and value rules, and a refused one's message never quotes the value.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/secret_requests.h"
#include "api/share_requests.h"
#include "api/task_requests.h"
#include "domain/access.h"
#include "domain/json_reader.h"
#include "domain/messages.h"
#include "domain/task_json.h"
#include "fuzz_check.h"

namespace taskshare::fuzz {
namespace {

namespace json = boost::json;

// The same JSON value, numbers read from the same text allowed to differ in their last bits: Boost.JSON
// 1.81 does not round every decimal correctly, and how it rounds one can depend on what follows it in
// the text (-66.666666666663838066 reads differently before " ," and before ","); it also reads some
// numbers (0e99999) as NaN.
bool Same(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double();
    const double y = b.get_double();
    return (std::isnan(x) && std::isnan(y)) || x == y || std::fabs(x - y) <= 1e-12 * std::fabs(x) ||
           std::fabs(x - y) <= 1e-300;  // subnormals have few bits to round
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const json::array& x = a.get_array();
    const json::array& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Same(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const json::object& x = a.get_object();
    const json::object& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& member : x) {
      const json::value* other = y.if_contains(member.key());
      if (other == nullptr || !Same(member.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

// `text` parsed as deep as a request body may nest.
std::optional<json::value> Parse(std::string_view text) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return v;
}

bool HasNul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

void CheckMessages(const std::vector<NewMessage>& messages) {
  for (const NewMessage& m : messages) {
    Require(IsJsonObject(m.json), "stored message is not one JSON object");
    Require(CompactJson(m.json) == m.json, "stored message is not compact");
    if (!m.key) continue;
    const auto parsed = Parse(m.json);
    Require(parsed && MessageKey(parsed->get_object()) == m.key, "a message's key is not its id's JSON text");
    for (const char c : *m.key)
      Require(static_cast<unsigned char>(c) >= 0x20, "a key holds a control character");
  }
}

// The text columns of a task a request may set: none holds U+0000.
void CheckTaskText(const Task& task) {
  Require(!HasNul(task.title), "accepted a title with NUL");
  Require(!task.model || !HasNul(*task.model), "accepted a model with NUL");
  for (const std::string& name : task.secret_names) Require(!HasNul(name), "accepted a secret name with NUL");
}

// True if any string in `info` holds U+0000.
bool ScheduleInfoHasNul(const ScheduleInfo& info) {
  return (info.schedule_name && HasNul(*info.schedule_name)) || (info.start_time && HasNul(*info.start_time));
}

void CheckScheduleRoundTrip(const ScheduleInfo& info) {
  const std::string text = ScheduleInfoToText(info);
  auto back = ScheduleInfoFromText(text);
  Require(back.ok(), "stored ScheduleInfo text does not read back");
  Require(ScheduleInfoToText(*back) == text, "ScheduleInfo changes through storage text");
  auto again = ScheduleInfoFromJson(ScheduleInfoToJson(info), "schedule_info");
  Require(again.ok() != ScheduleInfoHasNul(info), "ScheduleInfo JSON does not read back, or NUL got through");
}

// An exported task (its TaskInfo as the API serves it) must import again, unchanged.
void CheckTaskRoundTrip(const Task& task) {
  const json::object out = TaskInfoToJson(task, TaskView::kFull);
  auto back = TaskInfoFromJson(out);
  Require(back.ok(), "served TaskInfo does not import again");
  Require(json::serialize(TaskInfoToJson(*back, TaskView::kFull)) == json::serialize(out),
          "TaskInfo changes through export and import");
  if (task.schedule_info) CheckScheduleRoundTrip(*task.schedule_info);
}

// The raw walkers against the DOM of the same valid text.
void CheckRawWalkers(std::string_view text) {
  auto v = Parse(text);
  if (!v) return;
  const std::string compact = CompactJson(text);
  auto reparsed = Parse(compact);
  Require(reparsed && Same(*reparsed, *v), "CompactJson changes the value");
  if (v->is_object()) {
    Require(IsJsonObject(text), "IsJsonObject refuses an object");
    for (const auto& member : v->get_object()) {
      auto raw = RawMember(text, member.key());
      Require(raw.has_value(), "RawMember misses a member");
      auto value = Parse(*raw);
      Require(value && Same(*value, member.value()), "RawMember finds another value");
    }
    std::string title = DeriveTitle(MessageText(v->get_object()));
    Require(title.size() <= 81 * 4, "derived title too long");
  } else if (v->is_array()) {
    const auto elements = RawElements(text);
    Require(elements.size() == v->get_array().size(), "RawElements count differs");
    for (size_t i = 0; i < elements.size(); ++i) {
      auto value = Parse(elements[i]);
      Require(value && Same(*value, v->get_array()[i]), "RawElements element differs");
    }
  }
}

void CheckSecret(std::string_view body) {
  auto secret = api::ParseCreateSecret(body);
  if (secret.ok()) {
    Require(api::CheckSecretName(secret->name).ok(), "accepted a name that breaks the rules");
    const std::size_t size = secret->value.size();
    Require(size >= api::kMinSecretValueBytes && size <= api::kMaxSecretValueBytes,
            "accepted a value of the wrong size");
    Require(!HasNul(secret->value), "accepted a value with NUL");
    return;
  }
  // A refused body with a string "value": the refusal must not depend on the value's text (so its
  // message cannot quote it), only on its length and where it holds NUL. The same body with the
  // value's other bytes replaced must be refused with the same message.
  auto v = Parse(body);
  if (!v || !v->is_object()) return;
  const json::value* value = v->get_object().if_contains("value");
  if (value == nullptr || !value->is_string() || value->get_string().empty()) return;
  const std::string_view text = value->get_string();
  json::object other = v->get_object();
  std::string replaced(text.size(), text.front() == 'x' ? 'y' : 'x');
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\0') replaced[i] = '\0';
  }
  other["value"] = replaced;
  auto again = api::ParseCreateSecret(json::serialize(other));
  Require(!again.ok() && again.status().message() == secret.status().message(),
          "the refusal of a secret depends on its value's text");
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
    case 0:
      if (auto in = api::ParseCreateTask(body); in.ok()) {
        fuzz::Require(!in->task.title.empty(), "created task without a title");
        fuzz::CheckTaskText(in->task);
        fuzz::CheckMessages(in->messages);
        fuzz::CheckTaskRoundTrip(in->task);
      }
      break;
    case 1:
      if (auto patch = api::ParsePatchTask(body); patch.ok()) {
        fuzz::Require(!patch->empty(), "empty patch accepted");
        fuzz::Require(!patch->title || !fuzz::HasNul(*patch->title), "accepted a title with NUL");
        fuzz::Require(!patch->model || !fuzz::HasNul(*patch->model), "accepted a model with NUL");
      }
      break;
    case 2:
      if (auto messages = api::ParseAppendMessages(body); messages.ok()) {
        fuzz::Require(!messages->empty() && messages->size() <= kMaxMessagesPerAppend, "append count");
        fuzz::CheckMessages(*messages);
      }
      break;
    case 3:
      if (auto imported = api::ParseImportedTask(body); imported.ok()) {
        fuzz::CheckMessages(imported->messages);
        fuzz::CheckTaskText(imported->task);
        fuzz::Require(
            !imported->task.schedule_info || !fuzz::ScheduleInfoHasNul(*imported->task.schedule_info),
            "imported a schedule_info with NUL");
        fuzz::CheckTaskRoundTrip(imported->task);
      }
      break;
    case 4:
      if (auto v = fuzz::Parse(body)) {
        if (auto info = ScheduleInfoFromJson(*v, "schedule_info"); info.ok())
          fuzz::CheckScheduleRoundTrip(*info);
      }
      if (auto info = ScheduleInfoFromText(body); info.ok()) fuzz::CheckScheduleRoundTrip(*info);
      break;
    case 6: {
      constexpr UnixMicros kNow = 1'800'000'000'000'000;
      if (auto share = api::ParseShareRequest(body, kNow); share.ok()) {
        fuzz::Require(IsShared(share->visibility), "share settings with a visibility no link serves");
        fuzz::Require(!share->expires_at || *share->expires_at > kNow, "share expiring in the past");
      }
      break;
    }
    case 5:
      fuzz::CheckRawWalkers(body);
      break;
    default:
      fuzz::CheckSecret(body);
      break;
  }
  return 0;
}
