// Store: the durable home of users, API keys, tasks and their messages, users' secrets (sealed), the
// view counts of share links and the share-link kill switch.
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

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/quotas.h"
#include "domain/schedule.h"
#include "domain/session.h"
#include "domain/task.h"
#include "domain/user.h"
#include "storage/message_blocks.h"

namespace taskshare {

class ChangeListener;  // storage/change_feed.h

struct AppendResult {
  std::int64_t appended = 0;       // messages stored by this call
  std::int64_t message_count = 0;  // the task's total afterwards
};

// A position in the newest-first order of tasks: (created_at, seq) of the last task of a page.
struct ListPosition {
  UnixMicros created_at = 0;
  std::int64_t seq = 0;
};

// The most tasks or schedules one page of a list holds (TaskQuery::limit, ScheduleQuery::limit,
// and the API's `limit` parameter).
inline constexpr int kMaxPageSize = 100;

// Ok if `limit` is a page size from 1 to kMaxPageSize; else kInvalidArgument "limit must be between 1
// and 100". Every backend's list checks its query with it.
Status CheckPageSize(int limit);

// The longest title search (TaskQuery::title_contains, ReadableQuery::title_contains), in bytes.
inline constexpr std::size_t kMaxTitleSearchBytes = 200;

// Ok if `needle` is a title search the lists accept: UTF-8 text of at most kMaxTitleSearchBytes bytes
// without U+0000 (which no title holds). Else kInvalidArgument "title search must be at most 200 bytes"
// or "title search must be UTF-8 text without NUL". Every backend's lists check their queries with it.
Status CheckTitleSearch(std::string_view needle);

struct TaskQuery {
  std::string owner_id;
  int limit = 20;                     // 1..kMaxPageSize
  std::optional<ListPosition> after;  // start strictly after this position
  std::optional<TaskStatus> status;
  std::optional<Visibility> visibility;
  std::optional<bool> is_scheduled;
  // true: only tasks a share link serves (public or unlisted, expired links included); false: only
  // the others.
  std::optional<bool> shared;
  // Empty: any title. Else only tasks whose title contains it: ASCII letters compared without regard to
  // case, every other byte as it is, and every byte literal text (%, _ and \ are no wildcards).
  std::string title_contains;
};

// One page of the tasks of other users that a reader may read because of their visibility
// (domain/access.h, CanRead), newest first, as TaskQuery pages an owner's tasks.
struct ReadableQuery {
  std::string reader_id;  // whose own tasks are left out
  // The reader's team: the team tasks of the users in it now (each owner's current team, as
  // Task::owner_team reads it). nullopt: no team tasks.
  std::optional<std::string> team;
  // Whether the reader's role reads support tasks (domain/access.h, ReadsSupportTasks).
  bool support = false;
  int limit = 20;                     // 1..kMaxPageSize
  std::optional<ListPosition> after;  // start strictly after this position
  std::string title_contains;         // as TaskQuery's
};

struct TaskPage {
  std::vector<Task> tasks;           // newest created_at first, then highest seq first
  std::optional<ListPosition> next;  // set when more tasks follow
};

// One page of a user's schedules, newest first, as TaskQuery and TaskPage page tasks.
struct ScheduleQuery {
  std::string owner_id;
  int limit = 20;                     // 1..kMaxPageSize
  std::optional<ListPosition> after;  // start strictly after this position
  std::optional<ScheduleStatus> status;
};

struct SchedulePage {
  std::vector<Schedule> schedules;   // newest created_at first, then highest seq first
  std::optional<ListPosition> next;  // set when more schedules follow
};

// A user's secret as the API lists it: never its value.
struct SecretInfo {
  std::string name;
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

// A user's secret as stored: its value sealed by secrets/secret_box.h. The store never sees a value.
struct SealedSecret {
  std::string name;
  std::string sealed;
  // A value the secret had before a put replaced it or a delete removed it, kept (sealed as it was,
  // for the same owner and name) because transcripts may still hold it.
  bool retired = false;
};

// Views of one task's share link to add to its count: how many, and when the latest was.
struct ShareViewCount {
  std::string task_id;
  std::int64_t views = 0;
  UnixMicros last_viewed_at = 0;
};

// A task's share link views so far.
struct ShareViews {
  std::int64_t views = 0;
  std::optional<UnixMicros> last_viewed_at;  // unset while views is 0
};

// What Store::UnshareAll changed.
struct RevokedSharing {
  std::vector<std::string> task_ids;      // the tasks made private
  std::vector<std::string> schedule_ids;  // the schedules that now create private tasks
};

// The new state of a schedule computed from its current one, or an error that leaves it unchanged.
using ScheduleUpdate = std::function<Result<Schedule>(const Schedule& current)>;

// What one run of a due schedule writes (domain/schedule_rules.h, PlanRun).
using RunPlanner = std::function<PlannedRun(const Schedule& due)>;

// The outcome of RunDueSchedule for the schedule it picked.
struct ScheduleRun {
  std::string schedule_id;
  std::string task_id;       // the task created; empty if the run failed
  std::string execution_id;  // empty if the run failed
  // Not ok when the schedule could not run for a reason that retrying would not cure (a row the
  // domain cannot read, a planned task the database refuses): the schedule was then set to failed,
  // with no next run, so that it does not block the others.
  Status error;
};

// An API key as the store keeps it: its SHA-256, never the key itself.
struct StoredApiKey {
  std::string key_hash;               // lower-case hex SHA-256 of the key (common/ids.h Sha256Hex)
  std::optional<std::string> prefix;  // ApiKeyPrefix(key) (common/ids.h), to recognise it by
  UnixMicros created_at = 0;
};

// What may be shown of a stored key: nothing that could authenticate, not even its hash.
struct ApiKeyInfo {
  std::optional<std::string> prefix;  // unset for keys made before the prefix was stored
  UnixMicros created_at = 0;
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Users. CreateUser stores `user` (its id and email already set) with one API key, the email in its
  // normal form (domain/email.h, NormalizeEmail). kInvalidArgument if the email is not a valid address
  // (ValidateEmail's message); kAlreadyExists "User already exists" if another user's email equals it
  // ignoring case.
  virtual Status CreateUser(const User& user, const StoredApiKey& key) = 0;
  // kNotFound if no user has this key. Always read from the database (the primary), never from a
  // cache or a replica, so a key replaced by RotateApiKey fails on the next call after it returns.
  virtual Result<User> FindUserByKeyHash(std::string_view key_hash) = 0;
  // The user whose email is NormalizeEmail(email); failing that, the one whose email is `email` exactly
  // (an address stored before emails were normalised and left as it was, because another user's
  // differed from it only in case: see docs/storage.md). kNotFound if no user has this email.
  virtual Result<User> FindUserByEmail(std::string_view email) = 0;

  // Sets the user's team and role (from the identity provider's claims at sign-in). Returns true if
  // either changed, and then, in the same transaction, deletes the user's sessions: a user whose access
  // changed signs in again on every device and every node. kNotFound if there is no such user.
  virtual Result<bool> UpdateUserAccess(std::string_view user_id, const std::optional<std::string>& team,
                                        Role role) = 0;

  // Browser sessions and sign-in attempts (domain/session.h). None of them is ever cached or read
  // from a replica: each call reads or writes the primary, so an ended session finds no one on any
  // node the moment the call that ended it returns. None is reported to StoreOptions::changes (no
  // cached response depends on them).
  //
  // Stores `session`, and deletes the sessions and sign-in attempts that have expired by
  // session.created_at. kNotFound if session.user_id is not a user; kAlreadyExists if the hash is
  // taken.
  virtual Status CreateSession(const Session& session) = 0;
  // The session with this hash and its user as stored now, if it is live at `now` (before both its
  // idle and its absolute expiry). kNotFound otherwise.
  virtual Result<SessionUser> FindSession(std::string_view id_hash, UnixMicros now) = 0;
  // Moves the session's idle expiry to `idle_expires_at`, or to its absolute expiry if that comes
  // first. kNotFound if there is no such session.
  virtual Status TouchSession(std::string_view id_hash, UnixMicros idle_expires_at) = 0;
  // Sign-out: deletes the session. kNotFound if there is none.
  virtual Status DeleteSession(std::string_view id_hash) = 0;
  // Sign-out everywhere: deletes every session of the user; returns how many there were.
  virtual Result<int> DeleteUserSessions(std::string_view user_id) = 0;
  // Stores `attempt`. kAlreadyExists if its state hash is taken.
  virtual Status SaveSignInAttempt(const SignInAttempt& attempt) = 0;
  // Deletes the attempt with this state hash and returns it, if it had not expired by `now`: an
  // attempt is taken at most once, so a replayed state finds nothing. Of several concurrent calls with
  // one hash at most one gets it. kNotFound if there is none (or it had expired, and is deleted).
  virtual Result<SignInAttempt> TakeSignInAttempt(std::string_view state_hash, UnixMicros now) = 0;

  // API keys. A user has exactly one key: CreateUser stores the first, RotateApiKey replaces it.
  //
  // The user's key (the newest, should a database made by hand hold several). kNotFound "API key
  // not found" if the user has none.
  virtual Result<ApiKeyInfo> GetApiKey(std::string_view user_id) = 0;
  // Replaces the user's key `current_key_hash` (the key the rotation is authorized by): in one
  // transaction, checks that it is still a key of the user, deletes every key of the user and stores
  // `key` instead. Without `current_key_hash` (a rotation authorized otherwise, by a signed-in
  // session), whatever keys the user has are replaced. Once it returns ok the old keys find no one and the
  // new one finds the user; on any error nothing changed and the old keys still work. Rotations of one user
  // take turns, so of several racing with the same current key exactly one succeeds, and exactly one key is
  // left. kNotFound "API key not found" if `current_key_hash` is not (or no longer) a key of `user_id`;
  // kAlreadyExists if the new hash is already stored (for this or another user).
  virtual Status RotateApiKey(std::string_view user_id, std::optional<std::string_view> current_key_hash,
                              const StoredApiKey& key) = 0;

  // Stores a new task and its first messages in one transaction, assigning task.seq.
  // Messages whose key repeats an earlier one in `messages` are skipped.
  // kAlreadyExists "Task already exists" if a task has the id, and "Task id is already taken" if a
  // deleted task had it (see DeleteTask); kNotFound if task.owner_id is not a user. Quotas
  // (StoreOptions::quotas), checked in the transaction, so that concurrent creates cannot pass them
  // together: kLimitReached (tasks_per_user) if the owner would hold more tasks than that, counting
  // every task of theirs (a schedule's runs too); kTooLarge (task_bytes) if the messages' JSON text is
  // longer than that. Nothing is written then.
  virtual Status CreateTask(const Task& task, const std::vector<NewMessage>& messages) = 0;

  // The task without its messages. kNotFound if there is no such task.
  virtual Result<Task> GetTask(std::string_view id) = 0;

  // The task and all of its messages. kNotFound if there is no such task; kInternal "Failed to load
  // snapshot" if any stored row was damaged (each message body is checked against the checksum
  // stored with it), so a corrupt transcript is never served in part.
  virtual Result<TaskSnapshot> GetSnapshot(std::string_view id) = 0;

  // The task and all of its messages as a share response is made from them, read in one snapshot:
  // as message blocks (storage/message_blocks.h) where the backend keeps them (SQLite), else as
  // GetSnapshot's rows (PostgreSQL). kNotFound if there is no such task; kInternal "Failed to load
  // snapshot" if the rows are damaged or the blocks do not cover the task's messages exactly. The
  // blocks' bytes are checked by whoever unpacks them (UnpackBlock).
  virtual Result<ShareSnapshot> GetShareSnapshot(std::string_view id) = 0;

  // Appends `messages` in order, skipping any whose key is already stored for the task or appears
  // earlier in `messages`, and sets updated_at to `now` if anything was appended. All or nothing.
  // kNotFound if there is no such task. kTooLarge (task_bytes, StoreOptions::quotas) if the messages it
  // would store would take the JSON text of the task's messages past that; appends to one task take
  // turns, so two cannot pass the limit together. Nothing is written then.
  virtual Result<AppendResult> AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,
                                              UnixMicros now) = 0;

  // Applies `patch` and sets updated_at to `now`; returns the updated task. A new status also moves the
  // task's execution, if it has one, as domain/schedule_rules.h says. kNotFound if there is no such
  // task.
  virtual Result<Task> UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) = 0;

  // Deletes the task and its messages and, in the same transaction, records its id as deleted: the id
  // is never used again, so links handed out for the task answer "not found" for ever. Every later
  // insert of a task with that id (CreateTask, a schedule's run, anything else) is refused by the
  // database, however it races with the delete. kNotFound if there is no such task.
  virtual Status DeleteTask(std::string_view id) = 0;

  // One page of the owner's tasks matching the filters. kInvalidArgument as CheckPageSize and
  // CheckTitleSearch say.
  virtual Result<TaskPage> ListTasks(const TaskQuery& query) = 0;

  // "Shared with me": one page of the tasks of other users that query.reader_id may read because of
  // their visibility, exactly those CanRead (domain/access.h) grants a reader of that team and role:
  // team tasks whose owner is in query.team now, and support tasks when query.support. Never the
  // reader's own tasks, and never public or unlisted ones (those a share link serves) or private ones.
  // An empty page when the reader has neither a team nor support. kInvalidArgument as CheckPageSize and
  // CheckTitleSearch say.
  //
  // Each visibility is read newest first through one index of the team and support tasks of every
  // owner (SQLite migration 18, PostgreSQL 16), the two merged in order, so a page of support tasks
  // costs what it returns; a page of team tasks also reads, and passes over, the newer team tasks of
  // other teams (PostgreSQL reads instead the team tasks of each member of the team, and sorts them,
  // where its statistics say that is cheaper).
  virtual Result<TaskPage> ListReadableTasks(const ReadableQuery& query) = 0;

  // ---- Share settings (domain/task.h, ShareSettings) ----
  //
  // Each is one transaction that changes the task's row (so the change feed announces it) and sets
  // updated_at to `now`.

  // Makes the task `request.visibility` and replaces its share settings with `request`'s. With mode
  // kPinned, pinned_messages is the task's message count as this transaction reads it and pinned_at
  // is `now`; with kLive both are cleared. Returns the updated task. kNotFound if there is no such task.
  virtual Result<Task> ShareTask(std::string_view id, const ShareRequest& request, UnixMicros now) = 0;

  // Makes the task private and resets its share settings to the defaults. Returns the updated task.
  // kNotFound if there is no such task.
  virtual Result<Task> UnshareTask(std::string_view id, UnixMicros now) = 0;

  // Stops all sharing by `owner_id`, now and to come, in one transaction: UnshareTask for every public
  // or unlisted task of theirs, and every schedule of theirs (deleted ones aside) whose runs would
  // create such tasks is made to create private ones (visibility private, updated_at `now`), so that
  // no run after this call returns shares anything. A run that the transaction waits for commits first
  // and its task is among those unshared. Returns what it changed (nothing is fine).
  virtual Result<RevokedSharing> UnshareAll(std::string_view owner_id, UnixMicros now) = 0;

  // ---- Schedules and their executions (domain/schedule.h) ----
  //
  // A task created by a schedule's run is linked to its execution, and every read of that task
  // (GetTask, GetSnapshot, ListTasks, UpdateTask) returns a schedule_info composed at read time from
  // the schedule's current row and the task's own execution, so it is never stale. A task without an
  // execution keeps the schedule_info it was stored with (an imported task).

  // Stores a new schedule (its id, owner and every field already set), assigning its seq.
  // kAlreadyExists if the id is taken; kNotFound if schedule.owner_id is not a user.
  virtual Status CreateSchedule(const Schedule& schedule) = 0;

  // kNotFound "Schedule not found" if there is no such schedule or it was deleted.
  virtual Result<Schedule> GetSchedule(std::string_view id) = 0;

  // One page of the owner's schedules (deleted ones left out) matching the filter.
  virtual Result<SchedulePage> ListSchedules(const ScheduleQuery& query) = 0;

  // Replaces the schedule's changeable fields with those of update(current), where `current` is read
  // under a lock that keeps the scheduler and other updates from changing it until this commits.
  // Returns the stored result. An error from `update` is returned and nothing changes. kNotFound if
  // there is no such schedule or it was deleted.
  virtual Result<Schedule> UpdateSchedule(std::string_view id, const ScheduleUpdate& update) = 0;

  // Deletes the schedule: it never runs again and the API no longer finds it. Its executions and the
  // tasks it created stay; their schedule_info keeps its last values, without a next_execution_at.
  // kNotFound if there is no such schedule or it was deleted already.
  virtual Status DeleteSchedule(std::string_view id, UnixMicros now) = 0;

  // The schedule's `limit` (>= 1) most recent executions, newest started_at first.
  virtual Result<std::vector<Execution>> ListExecutions(std::string_view schedule_id, int limit) = 0;

  // The ids of every existing task the schedule created (deleted schedules included): the tasks whose
  // schedule_info changes whenever the schedule does.
  virtual Result<std::vector<std::string>> ListScheduleTaskIds(std::string_view schedule_id) = 0;

  // Picks one active schedule due at `now` (next_execution_at <= now; the earliest first) and, in one
  // transaction, creates the task plan(schedule) describes with its first message, records the
  // execution and stores the schedule as plan() left it; a crash leaves all of it or none. Schedules
  // locked by another caller are skipped, and a schedule's due time is checked again under its lock,
  // so however many processes share the database each due time runs exactly once. nullopt when
  // nothing is due (or, on PostgreSQL, when another process's scheduler is acting right now).
  // kUnavailable when the database cannot be reached; nothing is written then.
  virtual Result<std::optional<ScheduleRun>> RunDueSchedule(UnixMicros now, const RunPlanner& plan) = 0;

  // ---- Secrets (per user; a task's secret_names refer to its owner's secrets) ----
  //
  // Every write to a user's secrets can change what the share views of that user's tasks redact. On
  // PostgreSQL each such write announces the owner and the name (kSecretChangedPrefix,
  // storage/change_feed.h) to the change feed when it commits.

  // Creates the secret `name` of user `owner_id` with the sealed value `sealed`, or replaces the sealed
  // value of the one that exists (its created_at kept, updated_at set to `now`), keeping the replaced
  // value as a retired one in the same transaction (unless it is the same sealed bytes). Returns it as
  // stored. `owner_id` must be a user's. kLimitReached naming secret_values_per_user (domain/quotas.h)
  // if the user's secrets hold and have held that many values already (current and retired, counted in
  // the write's transaction); nothing is written then.
  virtual Result<SecretInfo> PutSecret(std::string_view owner_id, std::string_view name,
                                       std::string_view sealed, UnixMicros now) = 0;

  // The user's current secrets (not their retired values), by name in byte order.
  virtual Result<std::vector<SecretInfo>> ListSecrets(std::string_view owner_id) = 0;

  // Every sealed value the user's secrets have had: each current one, and the retired ones of current
  // and deleted secrets, so that share views redact values that transcripts may still hold. A name may
  // come several times. By name in byte order; within a name the current value first, then the retired
  // ones oldest first.
  virtual Result<std::vector<SealedSecret>> ListSealedSecrets(std::string_view owner_id) = 0;

  // Deletes the secret, keeping its value as a retired one, in one transaction. kNotFound "Secret not
  // found" if the user has no secret of that name; nothing is written then.
  virtual Status DeleteSecret(std::string_view owner_id, std::string_view name) = 0;

  // ---- Share link view counts ----

  // Adds each count to its task's total (and keeps the latest last_viewed_at), in one transaction.
  // Counts of tasks that do not exist (deleted meanwhile) are dropped. A task's counts go when it does.
  // Given in task id order (as observe::ViewCounter gives them), the rows are visited in index order and
  // concurrent calls lock the rows they share in the same order.
  virtual Status AddShareViews(const std::vector<ShareViewCount>& counts) = 0;

  // The task's views so far; zero (and no last_viewed_at) for a task never viewed or not existing.
  virtual Result<ShareViews> GetShareViews(std::string_view task_id) = 0;

  // ---- The share-link kill switch (api/admin_api.h): one value for the whole database ----

  // Whether share links are served: true until SetSharingEnabled() is first called, then the value it
  // last stored. Always read from the database (the primary).
  virtual Result<bool> GetSharingEnabled() = 0;
  // Stores the switch. On PostgreSQL each such write announces kSharingChanged (storage/change_feed.h)
  // to the change feed when it commits.
  virtual Status SetSharingEnabled(bool enabled) = 0;

  // ---- The check value of the secrets key (secrets/secret_box.h, KeyCheck): one for the database ----

  // Stores `check` as the database's secrets key check value if it has none yet, then returns the one
  // it has: `check`, or the value stored before (by this node or another). Of several nodes claiming
  // at once, all get the value of the first to store one. Read from and written to the primary. Called
  // once at start-up (cli/secrets_key.h).
  virtual Result<std::string> ClaimSecretsKeyCheck(std::string_view check) = 0;
};

// Every pure method of Store, declared as an override: what a backend's class (storage/sqlite/
// sqlite_store.h, storage/postgres/postgres_store.h) declares, so that a new method is declared in this
// file only and defined in one file of each backend. It must list what the class above declares; a
// difference does not compile (an override of nothing, or a backend left abstract).
// clang-format off
#define TASKSHARE_STORE_OVERRIDES                                                                       \
  Status CreateUser(const User& user, const StoredApiKey& key) override;                                \
  Result<User> FindUserByKeyHash(std::string_view key_hash) override;                                   \
  Result<User> FindUserByEmail(std::string_view email) override;                                        \
  Result<bool> UpdateUserAccess(std::string_view user_id, const std::optional<std::string>& team,       \
                                Role role) override;                                                    \
  Status CreateSession(const Session& session) override;                                                \
  Result<SessionUser> FindSession(std::string_view id_hash, UnixMicros now) override;                   \
  Status TouchSession(std::string_view id_hash, UnixMicros idle_expires_at) override;                   \
  Status DeleteSession(std::string_view id_hash) override;                                              \
  Result<int> DeleteUserSessions(std::string_view user_id) override;                                    \
  Status SaveSignInAttempt(const SignInAttempt& attempt) override;                                      \
  Result<SignInAttempt> TakeSignInAttempt(std::string_view state_hash, UnixMicros now) override;        \
  Result<ApiKeyInfo> GetApiKey(std::string_view user_id) override;                                      \
  Status RotateApiKey(std::string_view user_id, std::optional<std::string_view> current_key_hash,       \
                      const StoredApiKey& key) override;                                                \
  Status CreateTask(const Task& task, const std::vector<NewMessage>& messages) override;                \
  Result<Task> GetTask(std::string_view id) override;                                                   \
  Result<TaskSnapshot> GetSnapshot(std::string_view id) override;                                       \
  Result<ShareSnapshot> GetShareSnapshot(std::string_view id) override;                                 \
  Result<AppendResult> AppendMessages(std::string_view id, const std::vector<NewMessage>& messages,     \
                                      UnixMicros now) override;                                         \
  Result<Task> UpdateTask(std::string_view id, const TaskPatch& patch, UnixMicros now) override;        \
  Status DeleteTask(std::string_view id) override;                                                      \
  Result<TaskPage> ListTasks(const TaskQuery& query) override;                                          \
  Result<TaskPage> ListReadableTasks(const ReadableQuery& query) override;                              \
  Result<Task> ShareTask(std::string_view id, const ShareRequest& request, UnixMicros now) override;    \
  Result<Task> UnshareTask(std::string_view id, UnixMicros now) override;                               \
  Result<RevokedSharing> UnshareAll(std::string_view owner_id, UnixMicros now) override;                \
  Status CreateSchedule(const Schedule& schedule) override;                                             \
  Result<Schedule> GetSchedule(std::string_view id) override;                                           \
  Result<SchedulePage> ListSchedules(const ScheduleQuery& query) override;                              \
  Result<Schedule> UpdateSchedule(std::string_view id, const ScheduleUpdate& update) override;          \
  Status DeleteSchedule(std::string_view id, UnixMicros now) override;                                  \
  Result<std::vector<Execution>> ListExecutions(std::string_view schedule_id, int limit) override;      \
  Result<std::vector<std::string>> ListScheduleTaskIds(std::string_view schedule_id) override;          \
  Result<std::optional<ScheduleRun>> RunDueSchedule(UnixMicros now, const RunPlanner& plan) override;   \
  Result<SecretInfo> PutSecret(std::string_view owner_id, std::string_view name,                        \
                               std::string_view sealed, UnixMicros now) override;                       \
  Result<std::vector<SecretInfo>> ListSecrets(std::string_view owner_id) override;                      \
  Result<std::vector<SealedSecret>> ListSealedSecrets(std::string_view owner_id) override;              \
  Status DeleteSecret(std::string_view owner_id, std::string_view name) override;                       \
  Status AddShareViews(const std::vector<ShareViewCount>& counts) override;                             \
  Result<ShareViews> GetShareViews(std::string_view task_id) override;                                  \
  Result<bool> GetSharingEnabled() override;                                                            \
  Status SetSharingEnabled(bool enabled) override;                                                      \
  Result<std::string> ClaimSecretsKeyCheck(std::string_view check) override
// clang-format on

struct StoreOptions {
  // "sqlite:PATH" or a bare PATH for SQLite; "postgresql://..." or "postgres://..." for PostgreSQL
  // (a libpq connection URI, e.g. postgresql://user:password@host:5432/dbname?sslmode=require).
  std::string url = "sqlite:taskshare.db";
  // Connections kept open; at most this many calls run at once.
  int connections = 4;
  // PostgreSQL only, optional: a read replica (a streaming standby of the database in `url`) that
  // serves GetSnapshot. Every snapshot read there is confirmed current against the primary before it
  // is returned (see storage/postgres/postgres_store.h), so a lagging replica never shows a task that
  // the primary has revoked, changed or deleted. Empty: every read goes to `url`.
  std::string replica_url;
  // The quotas the store enforces itself, because they depend on what is stored: task_bytes (CreateTask
  // and AppendMessages), tasks_per_user (CreateTask) and secret_values_per_user (PutSecret). The others
  // are the API's (domain/quotas.h).
  Quotas quotas;
  // Optional, must outlive the store: told what each write through this store changed, before the write
  // returns (storage/change_reports.h). Null: nobody is told.
  ChangeListener* changes = nullptr;
};

// Opens the store named by options.url and applies pending migrations.
// kInvalidArgument for a URL it does not understand; kUnavailable or kInternal if the database cannot
// be opened or migrated.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

}  // namespace taskshare
