// InvalidatingStore: a Store that keeps a ResponseCache honest.
//
// It forwards every call to the store it wraps and, after each write that can change what a viewer of
// a task sees (create, append, patch, delete, a change of its share settings), drops that task's cached
// responses before returning, so the write is acknowledged only once no cache can serve what it replaced.
// Writes that fail still invalidate: a failure after commit (a lost connection, say) leaves the outcome
// unknown. Writes made by other nodes sharing a PostgreSQL database arrive through the change feed instead
// (cache/cache_coherence.h).
// Thread-safe as the wrapped store and the cache are.
#pragma once

#include <memory>

#include "cache/response_cache.h"
#include "secrets/view_redactors.h"
#include "storage/store.h"

namespace taskshare {

class InvalidatingStore final : public Store {
 public:
  // `redactors` (may be null: none kept) must outlive this, like `cache`.
  InvalidatingStore(std::unique_ptr<Store> inner, ResponseCache& cache,
                    secrets::ViewRedactors* redactors = nullptr)
      : inner_(std::move(inner)), cache_(cache), redactors_(redactors) {}

  // Users and keys pass through untouched: nothing about them is cached, so a rotated key is refused
  // on the very next request.
  Status CreateUser(const User& user, const StoredApiKey& key) override;
  Result<User> FindUserByKeyHash(std::string_view key_hash) override;
  Result<User> FindUserByEmail(std::string_view email) override;
  Result<ApiKeyInfo> GetApiKey(std::string_view user_id) override;
  Status RotateApiKey(std::string_view user_id, std::string_view current_key_hash,
                      const StoredApiKey& key) override;
  Status CreateTask(const Task& task, const std::vector<NewMessage>& messages) override;
  Result<Task> GetTask(std::string_view id) override;
  Result<TaskSnapshot> GetSnapshot(std::string_view id) override;
  bool KeepsMessageBlocks() const override;
  Result<PackedSnapshot> GetPackedSnapshot(std::string_view id) override;
  Result<AppendResult> AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,
                                      UnixMicros now) override;
  Result<Task> UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) override;
  Status DeleteTask(std::string_view id) override;
  Result<TaskPage> ListTasks(const TaskQuery& query) override;
  Result<Task> ShareTask(std::string_view id, const ShareRequest& request, UnixMicros now) override;
  Result<Task> UnshareTask(std::string_view id, UnixMicros now) override;
  // Invalidates every task it changed. Should it fail after its commit (outcome unknown), it
  // invalidates the whole cache, since which tasks changed is then unknown too.
  Result<RevokedSharing> UnshareAll(std::string_view owner_id, UnixMicros now) override;

  // Schedules. A change to a schedule (a patch, a delete, a run) changes the schedule_info of every
  // task it created, so each of those tasks is invalidated, their ids read after the write.
  Status CreateSchedule(const Schedule& schedule) override;
  Result<Schedule> GetSchedule(std::string_view id) override;
  Result<SchedulePage> ListSchedules(const ScheduleQuery& query) override;
  Result<Schedule> UpdateSchedule(std::string_view id, const ScheduleUpdate& update) override;
  Status DeleteSchedule(std::string_view id, UnixMicros now) override;
  Result<std::vector<Execution>> ListExecutions(std::string_view schedule_id, int limit) override;
  Result<std::vector<std::string>> ListScheduleTaskIds(std::string_view schedule_id) override;
  Result<std::optional<ScheduleRun>> RunDueSchedule(UnixMicros now, const RunPlanner& plan) override;

  // Secrets. A put changes what the views of the owner's tasks that name the secret redact: it makes
  // the owner's redactors be built again (secrets/view_redactors.h) and evicts exactly those views
  // (ResponseCache::InvalidateSecret), with the same ticket guarantee as Invalidate(); other owners'
  // entries are kept. A delete changes no view (the value is retired, and stays redacted from the
  // tasks that name it), so it invalidates nothing, and neither does a refused write.
  Result<SecretInfo> PutSecret(std::string_view owner_id, std::string_view name, std::string_view sealed,
                               UnixMicros now) override;
  Result<std::vector<SecretInfo>> ListSecrets(std::string_view owner_id) override;
  Result<std::vector<SealedSecret>> ListSealedSecrets(std::string_view owner_id) override;
  Status DeleteSecret(std::string_view owner_id, std::string_view name) override;

  // View counts are not part of any cached response.
  Status AddShareViews(const std::vector<ShareViewCount>& counts) override;
  Result<ShareViews> GetShareViews(std::string_view task_id) override;

  // The kill switch is checked before the cache is looked at (api/router.h), so it invalidates nothing.
  Result<bool> GetSharingEnabled() override { return inner_->GetSharingEnabled(); }
  Status SetSharingEnabled(bool enabled) override { return inner_->SetSharingEnabled(enabled); }

 private:
  // Invalidates every task schedule `schedule_id` created.
  void InvalidateScheduleTasks(std::string_view schedule_id);

  std::unique_ptr<Store> inner_;
  ResponseCache& cache_;
  secrets::ViewRedactors* const redactors_;
};

}  // namespace taskshare
