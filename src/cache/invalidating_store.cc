#include "cache/invalidating_store.h"

namespace taskshare {

Status InvalidatingStore::CreateUser(const User& user, std::string_view key_hash) {
  return inner_->CreateUser(user, key_hash);
}

Result<User> InvalidatingStore::FindUserByKeyHash(std::string_view key_hash) {
  return inner_->FindUserByKeyHash(key_hash);
}

Result<User> InvalidatingStore::FindUserByEmail(std::string_view email) { return inner_->FindUserByEmail(email); }

Status InvalidatingStore::CreateTask(const Task& task, const std::vector<NewMessage>& messages) {
  Status s = inner_->CreateTask(task, messages);
  cache_.Invalidate(task.id);
  return s;
}

Result<Task> InvalidatingStore::GetTask(std::string_view id) { return inner_->GetTask(id); }

Result<TaskSnapshot> InvalidatingStore::GetSnapshot(std::string_view id) { return inner_->GetSnapshot(id); }

Result<AppendResult> InvalidatingStore::AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,
                                                       UnixMicros now) {
  auto r = inner_->AppendMessages(id, messages, now);
  if (!r.ok() || r->appended > 0) cache_.Invalidate(id);
  return r;
}

Result<Task> InvalidatingStore::UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) {
  auto r = inner_->UpdateTask(id, patch, now);
  cache_.Invalidate(id);
  return r;
}

Status InvalidatingStore::DeleteTask(std::string_view id) {
  Status s = inner_->DeleteTask(id);
  cache_.Invalidate(id);
  return s;
}

Result<TaskPage> InvalidatingStore::ListTasks(const TaskQuery& query) { return inner_->ListTasks(query); }

}  // namespace taskshare
