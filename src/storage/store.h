// Store: the durable home of users, API keys, tasks and their messages.
//
// Every backend implements this interface with the same observable behaviour; the storage contract
// tests (tests/unit/store_test.cc) are written once against it and run for each backend. All methods
// block on I/O and must be called from the blocking-work pool, never from a network thread. All
// methods are thread-safe: implementations keep their own connection pool.
//
// Writes are atomic (all or nothing) and durable once the call returns ok. Errors are values:
// kNotFound, kAlreadyExists and kInvalidArgument as documented per method, kUnavailable when the
// database cannot be reached, kInternal for anything else (a corrupt row, an I/O error), with the
// client-safe message "storage error" and the details in Status::detail().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/task.h"
#include "domain/user.h"

namespace taskshare {

struct AppendResult {
  std::int64_t appended = 0;       // messages stored by this call
  std::int64_t message_count = 0;  // the task's total afterwards
};

// A position in the newest-first order of tasks: (created_at, seq) of the last task of a page.
struct ListPosition {
  UnixMicros created_at = 0;
  std::int64_t seq = 0;
};

struct TaskQuery {
  std::string owner_id;
  int limit = 20;                     // 1..100
  std::optional<ListPosition> after;  // start strictly after this position
  std::optional<TaskStatus> status;
  std::optional<Visibility> visibility;
  std::optional<bool> is_scheduled;
};

struct TaskPage {
  std::vector<Task> tasks;           // newest created_at first, then highest seq first
  std::optional<ListPosition> next;  // set when more tasks follow
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Users. CreateUser stores `user` (its id and email already set) with one API key, given as the
  // SHA-256 hex of the key. kAlreadyExists if the email is taken.
  virtual Status CreateUser(const User& user, std::string_view key_hash) = 0;
  // kNotFound if no user has this key.
  virtual Result<User> FindUserByKeyHash(std::string_view key_hash) = 0;
  // kNotFound if no user has this email.
  virtual Result<User> FindUserByEmail(std::string_view email) = 0;

  // Stores a new task and its first messages in one transaction, assigning task.seq.
  // Messages whose key repeats an earlier one in `messages` are skipped.
  // kAlreadyExists if the id is taken; kNotFound if task.owner_id is not a user.
  virtual Status CreateTask(const Task& task, const std::vector<NewMessage>& messages) = 0;

  // The task without its messages. kNotFound if there is no such task.
  virtual Result<Task> GetTask(std::string_view id) = 0;

  // The task and all of its messages. kNotFound if there is no such task; kInternal "Failed to load
  // snapshot" if any stored row was damaged (each message body is checked against the checksum
  // stored with it), so a corrupt transcript is never served in part.
  virtual Result<TaskSnapshot> GetSnapshot(std::string_view id) = 0;

  // Appends `messages` in order, skipping any whose key is already stored for the task or appears
  // earlier in `messages`, and sets updated_at to `now` if anything was appended. All or nothing.
  // kNotFound if there is no such task.
  virtual Result<AppendResult> AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,
                                              UnixMicros now) = 0;

  // Applies `patch` and sets updated_at to `now`; returns the updated task. kNotFound if there is no
  // such task.
  virtual Result<Task> UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) = 0;

  // Deletes the task and its messages. kNotFound if there is no such task.
  virtual Status DeleteTask(std::string_view id) = 0;

  // One page of the owner's tasks matching the filters.
  virtual Result<TaskPage> ListTasks(const TaskQuery& query) = 0;
};

struct StoreOptions {
  // "sqlite:PATH" or a bare PATH for SQLite; "postgresql://..." or "postgres://..." for PostgreSQL
  // (a libpq connection URI, e.g. postgresql://user:password@host:5432/dbname?sslmode=require).
  std::string url = "sqlite:taskshare.db";
  // Connections kept open; at most this many calls run at once.
  int connections = 4;
};

// `url` fit for a log line: a password in it (postgresql://user:PASSWORD@host, or ?password=...) is
// replaced by "***". Anything that is not a URL comes back unchanged.
std::string UrlForLogs(std::string_view url);

// Opens the store named by options.url and applies pending migrations.
// kInvalidArgument for a URL it does not understand; kUnavailable or kInternal if the database cannot
// be opened or migrated.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

}  // namespace taskshare
