// ChangeReports: how a backend tells this process what its own writes changed, before each write returns.
//
// The change feed (storage/change_feed.h) brings other processes the news of a committed write some
// milliseconds after its commit. The process that made the write cannot wait for that: a write is
// acknowledged only once nothing cached here can serve what it replaced. So every backend reports each
// of its writes, through this class, to the listener it was opened with (StoreOptions::changes, in
// `serve` the cache's coherence, cache/cache_coherence.h), after the write's transaction has ended and
// before the call returns, in the same terms as the feed: a task's id, kEveryTask, or a secret's owner
// and name. One listener then keeps the cache coherent with this node's writes and, through the feed,
// with everyone else's.
//
// One rule decides whether a write is reported, for every backend: unless its outcome says that it
// was refused and wrote nothing (MayHaveWritten), since a failure after the commit (a connection lost
// during COMMIT) leaves the outcome unknown.
//
// Thread-safe as the listener is; a null listener makes every call do nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/change_feed.h"
#include "storage/store.h"

namespace taskshare {

// True unless `outcome` is a refusal that wrote nothing: ok, kUnavailable and kInternal may follow a
// commit; every other code is returned before anything is written.
bool MayHaveWritten(const Status& outcome);

class ChangeReports {
 public:
  explicit ChangeReports(ChangeListener* listener) : listener_(listener) {}

  // Task `id` changed, if MayHaveWritten(outcome).
  void Task(std::string_view id, const Status& outcome) const;
  // What Store::UnshareAll changed: each task it made private; or, when it failed in a way that may
  // have followed its commit, any task (kEveryTask), since which ones is then unknown.
  void Unshared(const Result<RevokedSharing>& revoked) const;
  // If MayHaveWritten(outcome): every task schedule `schedule_id` created changed (their schedule_info
  // is read from the schedule), their ids read from `store` after the write. When they cannot be read
  // (the database went away after the write) their cached views keep the schedule's previous values
  // until it changes again: a schedule never decides who may read its tasks (their visibility is their
  // own), so what goes stale is never an access decision.
  void ScheduleTasks(Store& store, std::string_view schedule_id, const Status& outcome) const;
  // Secret `name` of user `owner_id` was written, if MayHaveWritten(outcome).
  void Secret(std::string_view owner_id, std::string_view name, const Status& outcome) const;

 private:
  // Each of `ids` changed.
  void Tasks(const std::vector<std::string>& ids) const;

  ChangeListener* const listener_;
};

}  // namespace taskshare
