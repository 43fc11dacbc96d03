#include "domain/task_views.h"

#include <boost/json/serialize.hpp>

#include "domain/task_json.h"

namespace taskshare {
namespace {

constexpr std::string_view kTaskKey = "{\"task\":";
constexpr std::string_view kMessagesKey = ",\"messages\":[";

// `tail` begins with the ']' that closes the messages.
std::string Body(const TaskSnapshot& snapshot, TaskView view, std::string_view tail) {
  const std::string task = boost::json::serialize(TaskInfoToJson(snapshot.task, view));
  std::size_t size = kTaskKey.size() + task.size() + kMessagesKey.size() + tail.size();
  for (const auto& m : snapshot.messages) size += m.size() + 1;
  std::string out;
  out.reserve(size);
  out += kTaskKey;
  out += task;
  out += kMessagesKey;
  for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
    if (i != 0) out += ',';
    out += snapshot.messages[i];
  }
  out += tail;
  return out;
}

}  // namespace

std::string SharedTaskBody(const TaskSnapshot& snapshot) {
  return Body(snapshot, TaskView::kAnonymous, kSharedTaskBodyTail);
}

std::string SharedTaskBodyHead(const Task& task) {
  std::string out(kTaskKey);
  out += boost::json::serialize(TaskInfoToJson(task, TaskView::kAnonymous));
  out += kMessagesKey;
  return out;
}

std::string TaskDetailsBody(const TaskSnapshot& snapshot, TaskView view, bool read_only) {
  return Body(snapshot, view, read_only ? "],\"read_only\":true}" : "],\"read_only\":false}");
}

}  // namespace taskshare
