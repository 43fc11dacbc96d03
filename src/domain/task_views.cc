#include "domain/task_views.h"

#include <boost/json/serialize.hpp>

#include "domain/messages.h"
#include "domain/task_json.h"

namespace taskshare {
namespace {

// Appends `"messages":[...]` to `out`, checking each stored message on the way.
Status AppendMessages(const TaskSnapshot& snapshot, std::string& out) {
  out += "\"messages\":[";
  for (size_t i = 0; i < snapshot.messages.size(); ++i) {
    const std::string& m = snapshot.messages[i];
    if (!IsJsonObject(m)) {
      return Status::Internal("Failed to load snapshot",
                              "task " + snapshot.task.id + ": message " + std::to_string(i) +
                                  " is not a JSON object");
    }
    if (i != 0) out += ',';
    out += m;
  }
  out += ']';
  return Status::Ok();
}

size_t MessagesSize(const TaskSnapshot& snapshot) {
  size_t n = 0;
  for (const auto& m : snapshot.messages) n += m.size() + 1;
  return n;
}

Result<std::string> Body(const TaskSnapshot& snapshot, TaskView view, std::string_view tail) {
  std::string task = boost::json::serialize(TaskInfoToJson(snapshot.task, view));
  std::string out;
  out.reserve(task.size() + MessagesSize(snapshot) + 64);
  out += "{\"task\":";
  out += task;
  out += ',';
  if (Status s = AppendMessages(snapshot, out); !s.ok()) return s;
  out += tail;
  return out;
}

}  // namespace

Result<std::string> SharedTaskBody(const TaskSnapshot& snapshot) {
  return Body(snapshot, TaskView::kAnonymous, ",\"is_shared\":true,\"read_only\":true}");
}

Result<std::string> TaskDetailsBody(const TaskSnapshot& snapshot, bool read_only) {
  return Body(snapshot, TaskView::kFull,
              read_only ? ",\"read_only\":true}" : ",\"read_only\":false}");
}

}  // namespace taskshare
