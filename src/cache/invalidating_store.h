// InvalidatingStore: a Store that keeps a ResponseCache honest.
//
// It forwards every call to the store it wraps and, after each write that can change what a viewer of
// a task sees (create, append, patch, delete), drops that task's cached responses before returning, so
// the write is acknowledged only once no cache can serve what it replaced. Writes that fail still
// invalidate: a failure after commit (a lost connection, say) leaves the outcome unknown. Being the one
// place where writes meet the cache, it is also where other nodes' invalidations will arrive.
// Thread-safe as the wrapped store and the cache are.
#pragma once

#include <memory>

#include "cache/response_cache.h"
#include "storage/store.h"

namespace taskshare {

class InvalidatingStore final : public Store {
 public:
  InvalidatingStore(std::unique_ptr<Store> inner, ResponseCache& cache)
      : inner_(std::move(inner)), cache_(cache) {}

  Status CreateUser(const User& user, std::string_view key_hash) override;
  Result<User> FindUserByKeyHash(std::string_view key_hash) override;
  Result<User> FindUserByEmail(std::string_view email) override;
  Status CreateTask(const Task& task, const std::vector<NewMessage>& messages) override;
  Result<Task> GetTask(std::string_view id) override;
  Result<TaskSnapshot> GetSnapshot(std::string_view id) override;
  Result<AppendResult> AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,
                                      UnixMicros now) override;
  Result<Task> UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) override;
  Status DeleteTask(std::string_view id) override;
  Result<TaskPage> ListTasks(const TaskQuery& query) override;

 private:
  std::unique_ptr<Store> inner_;
  ResponseCache& cache_;
};

}  // namespace taskshare
