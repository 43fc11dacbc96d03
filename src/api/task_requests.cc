#include "api/task_requests.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "common/ids.h"
#include "domain/json_reader.h"
#include "domain/messages.h"
#include "domain/task_json.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

constexpr size_t kMaxTitleBytes = 1024;
constexpr size_t kMaxModelBytes = 256;
constexpr std::string_view kUntitled = "Untitled task";

// A plain-text first message, as the role "user" would have said it.
NewMessage UserTextMessage(std::string_view text) {
  json::object o;
  o["role"] = "user";
  o["content"] = json::string_view(text.data(), text.size());
  return {json::serialize(o), std::nullopt};
}

std::optional<std::int64_t> ToInt(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<CreateTaskInput> ParseCreateTask(std::string_view body) {
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  CreateTaskInput in;
  Task& t = in.task;
  auto id = r.Uuid("id", Need::kNullable);
  auto title = r.Text("title", kMaxTitleBytes, Need::kNullable);
  auto task_text = r.String("task", Need::kNullable);
  const json::value* message = r.Value("message", Need::kNullable);
  t.visibility = r.Enum<Visibility>("visibility", Need::kNullable).value_or(Visibility::kPrivate);
  t.project_id = r.Uuid("project_id", Need::kNullable);
  t.model = r.Text("model", kMaxModelBytes, Need::kNullable);
  t.source = r.Enum<Source>("source", Need::kNullable).value_or(Source::kWeb);
  t.is_isolated = r.Bool("isolated", Need::kNullable).value_or(false);
  t.secret_names = r.StringArray("secrets", Need::kNullable).value_or(std::vector<std::string>{});
  t.completion_delivery = r.Enum<CompletionDelivery>("completion_delivery", Need::kNullable);
  if (message != nullptr && message->is_string()) {
    r.String("message", Need::kNullable);  // a message given as text is a string field like `task`
  } else if (message != nullptr && !message->is_object()) {
    r.Fail("message", "must be an object or a string");
  }
  if (Status s = r.Finish(); !s.ok()) return s;
  if (!title && !task_text && message == nullptr) {
    return Status::InvalidArgument("one of title, task or message is required");
  }

  t.id = id.value_or(NewUuidV4());
  std::string first_text;
  if (message != nullptr && message->is_object()) {
    in.messages.push_back(MessageFromJson(message->get_object(), *RawMember(body, "message")));
    first_text = MessageText(message->get_object());
  } else if (message != nullptr) {
    first_text = std::string(message->get_string());
    in.messages.push_back(UserTextMessage(first_text));
  } else if (task_text) {
    in.messages.push_back(UserTextMessage(*task_text));
  }
  if (title) {
    t.title = std::move(*title);
  } else {
    t.title = DeriveTitle(task_text ? *task_text : first_text);
    if (t.title.empty()) t.title = kUntitled;
  }
  return in;
}

Result<TaskPatch> ParsePatchTask(std::string_view body) {
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  TaskPatch p;
  p.title = r.Text("title", kMaxTitleBytes);
  p.status = r.Enum<TaskStatus>("status");
  p.visibility = r.Enum<Visibility>("visibility");
  p.model = r.Text("model", kMaxModelBytes);
  if (Status s = r.Finish(); !s.ok()) return s;
  if (p.empty())
    return Status::InvalidArgument("nothing to change: send any of title, status, visibility, model");
  return p;
}

Result<std::vector<NewMessage>> ParseAppendMessages(std::string_view body) {
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  const json::value* messages = r.Value("messages", Need::kRequired);
  if (Status s = r.Finish(); !s.ok()) return s;
  auto out = MessagesFromJson(*messages, *RawMember(body, "messages"), "messages");
  if (!out.ok()) return out;
  if (out->empty() || out->size() > kMaxMessagesPerAppend) {
    return Status::InvalidArgument("messages must hold 1 to " + std::to_string(kMaxMessagesPerAppend) +
                                   " objects");
  }
  return out;
}

Result<bool> ParsePagingParameter(std::string_view key, std::string_view value, int& limit,
                                  std::optional<ListPosition>& after) {
  if (key == "limit") {
    auto n = ToInt(value);
    if (!n || *n < 1 || *n > kMaxPageSize) {
      return Status::InvalidArgument("limit must be an integer from 1 to " + std::to_string(kMaxPageSize));
    }
    limit = static_cast<int>(*n);
    return true;
  }
  if (key == "cursor") {
    auto pos = DecodeCursor(value);
    if (!pos.ok()) return pos.status();
    after = *pos;
    return true;
  }
  return false;
}

Result<TaskQuery> ParseListQuery(const std::vector<std::pair<std::string, std::string>>& params,
                                 std::string owner_id) {
  TaskQuery q;
  q.owner_id = std::move(owner_id);
  for (const auto& [key, value] : params) {
    auto paging = ParsePagingParameter(key, value, q.limit, q.after);
    if (!paging.ok()) return paging.status();
    if (*paging) continue;
    if (key == "status") {
      q.status = Parse<TaskStatus>(value);
      if (!q.status)
        return Status::InvalidArgument("status must be one of " + std::string(Spellings<TaskStatus>()));
    } else if (key == "visibility") {
      q.visibility = Parse<Visibility>(value);
      if (!q.visibility) {
        return Status::InvalidArgument("visibility must be one of " + std::string(Spellings<Visibility>()));
      }
    } else if (key == "is_scheduled") {
      if (value != "true" && value != "false")
        return Status::InvalidArgument("is_scheduled must be true or false");
      q.is_scheduled = value == "true";
    } else if (key == "shared") {
      if (value != "true" && value != "false") return Status::InvalidArgument("shared must be true or false");
      q.shared = value == "true";
    } else {
      return Status::InvalidArgument("unknown query parameter " + key);
    }
  }
  return q;
}

std::string EncodeCursor(const ListPosition& position) {
  return std::to_string(position.created_at) + "." + std::to_string(position.seq);
}

Result<ListPosition> DecodeCursor(std::string_view cursor) {
  const Status bad = Status::InvalidArgument("cursor is not one this server issued");
  const size_t dot = cursor.find('.');
  if (dot == std::string_view::npos) return bad;
  auto at = ToInt(cursor.substr(0, dot));
  auto seq = ToInt(cursor.substr(dot + 1));
  if (!at || !seq || *seq < 0) return bad;
  return ListPosition{*at, *seq};
}

Result<ImportedTask> ParseImportedTask(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  const json::value* task = r.Value("task", Need::kRequired);
  const json::value* messages = r.Value("messages", Need::kRequired);
  r.Bool("is_shared", Need::kNullable);
  r.Bool("read_only", Need::kNullable);
  if (Status s = r.Finish(); !s.ok()) return s;
  ImportedTask out;
  auto t = TaskInfoFromJson(*task);
  if (!t.ok()) return t.status();
  out.task = std::move(*t);
  if (const auto* by = task->get_object().if_contains("created_by"); by != nullptr && by->is_string()) {
    out.created_by = std::string(by->get_string());
  }
  auto msgs = MessagesFromJson(*messages, *RawMember(text, "messages"), "messages");
  if (!msgs.ok()) return msgs.status();
  out.messages = std::move(*msgs);
  return out;
}

}  // namespace taskshare::api
