#include "cache/invalidating_store.h"

namespace taskshare {

Status InvalidatingStore::CreateUser(const User& user, const StoredApiKey& key) {
  return inner_->CreateUser(user, key);
}

Result<User> InvalidatingStore::FindUserByKeyHash(std::string_view key_hash) {
  return inner_->FindUserByKeyHash(key_hash);
}

Result<User> InvalidatingStore::FindUserByEmail(std::string_view email) {
  return inner_->FindUserByEmail(email);
}

Result<ApiKeyInfo> InvalidatingStore::GetApiKey(std::string_view user_id) {
  return inner_->GetApiKey(user_id);
}

Status InvalidatingStore::RotateApiKey(std::string_view user_id, std::string_view current_key_hash,
                                       const StoredApiKey& key) {
  return inner_->RotateApiKey(user_id, current_key_hash, key);
}

Status InvalidatingStore::CreateTask(const Task& task, const std::vector<NewMessage>& messages) {
  Status s = inner_->CreateTask(task, messages);
  cache_.Invalidate(task.id);
  return s;
}

Result<Task> InvalidatingStore::GetTask(std::string_view id) { return inner_->GetTask(id); }

Result<TaskSnapshot> InvalidatingStore::GetSnapshot(std::string_view id) { return inner_->GetSnapshot(id); }

bool InvalidatingStore::KeepsMessageBlocks() const { return inner_->KeepsMessageBlocks(); }

Result<PackedSnapshot> InvalidatingStore::GetPackedSnapshot(std::string_view id) {
  return inner_->GetPackedSnapshot(id);
}

Result<AppendResult> InvalidatingStore::AppendMessages(std::string_view id,
                                                       const std::vector<NewMessage>& messages,
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

Result<Task> InvalidatingStore::ShareTask(std::string_view id, const ShareRequest& request, UnixMicros now) {
  auto r = inner_->ShareTask(id, request, now);
  cache_.Invalidate(id);
  return r;
}

Result<Task> InvalidatingStore::UnshareTask(std::string_view id, UnixMicros now) {
  auto r = inner_->UnshareTask(id, now);
  cache_.Invalidate(id);
  return r;
}

Result<RevokedSharing> InvalidatingStore::UnshareAll(std::string_view owner_id, UnixMicros now) {
  auto r = inner_->UnshareAll(owner_id, now);
  if (r.ok()) {
    for (const std::string& id : r->task_ids) cache_.Invalidate(id);
  } else {
    cache_.Clear();
  }
  return r;
}

void InvalidatingStore::InvalidateScheduleTasks(std::string_view schedule_id) {
  // When the tasks cannot be listed (the database went away after the write) their cached views keep
  // the schedule's previous values until it changes again. A schedule never changes who may read the
  // tasks it created (their visibility is their own), so what goes stale is never an access decision.
  auto ids = inner_->ListScheduleTaskIds(schedule_id);
  if (!ids.ok()) return;
  for (const std::string& id : *ids) cache_.Invalidate(id);
}

Status InvalidatingStore::CreateSchedule(const Schedule& schedule) {
  return inner_->CreateSchedule(schedule);
}

Result<Schedule> InvalidatingStore::GetSchedule(std::string_view id) { return inner_->GetSchedule(id); }

Result<SchedulePage> InvalidatingStore::ListSchedules(const ScheduleQuery& query) {
  return inner_->ListSchedules(query);
}

Result<Schedule> InvalidatingStore::UpdateSchedule(std::string_view id, const ScheduleUpdate& update) {
  auto r = inner_->UpdateSchedule(id, update);
  // A refusal (kInvalidArgument from `update`) or an unknown schedule changed nothing.
  if (r.ok() || (r.status().code() != Code::kInvalidArgument && r.status().code() != Code::kNotFound)) {
    InvalidateScheduleTasks(id);
  }
  return r;
}

Status InvalidatingStore::DeleteSchedule(std::string_view id, UnixMicros now) {
  Status s = inner_->DeleteSchedule(id, now);
  if (s.code() != Code::kNotFound) InvalidateScheduleTasks(id);
  return s;
}

Result<std::vector<Execution>> InvalidatingStore::ListExecutions(std::string_view schedule_id, int limit) {
  return inner_->ListExecutions(schedule_id, limit);
}

Result<std::vector<std::string>> InvalidatingStore::ListScheduleTaskIds(std::string_view schedule_id) {
  return inner_->ListScheduleTaskIds(schedule_id);
}

// A run that fails with kUnavailable may still have committed (a connection lost during COMMIT), but
// which schedule it picked is unknown; its tasks' cached views then show the previous execution count
// and next run until the schedule changes again (see InvalidateScheduleTasks).
Result<std::optional<ScheduleRun>> InvalidatingStore::RunDueSchedule(UnixMicros now, const RunPlanner& plan) {
  auto r = inner_->RunDueSchedule(now, plan);
  if (r.ok() && r->has_value()) InvalidateScheduleTasks((*r)->schedule_id);
  return r;
}

Result<SecretInfo> InvalidatingStore::PutSecret(std::string_view owner_id, std::string_view name,
                                                std::string_view sealed, UnixMicros now) {
  auto r = inner_->PutSecret(owner_id, name, sealed, now);
  // A failure may follow the commit (a lost connection): the outcome is unknown, so it counts as written.
  if (r.ok() || r.status().code() == Code::kUnavailable || r.status().code() == Code::kInternal) {
    if (redactors_ != nullptr) redactors_->Forget(owner_id);
    cache_.InvalidateSecret(owner_id, name);
  }
  return r;
}

Result<std::vector<SecretInfo>> InvalidatingStore::ListSecrets(std::string_view owner_id) {
  return inner_->ListSecrets(owner_id);
}

Result<std::vector<SealedSecret>> InvalidatingStore::ListSealedSecrets(std::string_view owner_id) {
  return inner_->ListSealedSecrets(owner_id);
}

Status InvalidatingStore::DeleteSecret(std::string_view owner_id, std::string_view name) {
  return inner_->DeleteSecret(owner_id, name);
}

Status InvalidatingStore::AddShareViews(const std::vector<ShareViewCount>& counts) {
  return inner_->AddShareViews(counts);
}

Result<ShareViews> InvalidatingStore::GetShareViews(std::string_view task_id) {
  return inner_->GetShareViews(task_id);
}

}  // namespace taskshare
