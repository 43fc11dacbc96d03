#include "domain/task_views.h"

#include <boost/json/serialize.hpp>

#include "domain/task_json.h"

namespace taskshare {
namespace {

std::string Body(const TaskSnapshot& snapshot, TaskView view, std::string_view tail) {
  const std::string task = boost::json::serialize(TaskInfoToJson(snapshot.task, view));
  std::size_t size = task.size() + tail.size() + 32;
  for (const auto& m : snapshot.messages) size += m.size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"task\":";
  out += task;
  out += ",\"messages\":[";
  for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
    if (i != 0) out += ',';
    out += snapshot.messages[i];
  }
  out += ']';
  out += tail;
  return out;
}

}  // namespace

std::string SharedTaskBody(const TaskSnapshot& snapshot) {
  return Body(snapshot, TaskView::kAnonymous, ",\"is_shared\":true,\"read_only\":true}");
}

std::string TaskDetailsBody(const TaskSnapshot& snapshot, bool read_only) {
  return Body(snapshot, TaskView::kFull, read_only ? ",\"read_only\":true}" : ",\"read_only\":false}");
}

}  // namespace taskshare
