// ChangeFeed: news, pushed by the database, of committed changes to tasks made by any process that
// shares it, so that several taskshare nodes can keep their caches of tasks coherent.
//
// A backend whose database many processes write (PostgreSQL) reports every committed change to what a
// viewer of a task sees (an append, a patch, a delete, and any later kind of write to the task) by the
// task's id, whichever node made it. Creating a task is not reported: nothing about a task that did not
// exist can be cached. A write of a user's secret (a put: a new value, with which the views of the
// user's tasks that name the secret are redacted) is reported by OnSecretChanged(owner, name); a
// delete is not (the value is retired and stays redacted). kEveryTask, "any task may have changed",
// is what a node of an earlier version announced for a secret write. A change to the stored share-link kill
// switch (Store::SetSharingEnabled) is reported by OnSharingChanged(). A backend whose database one process
// owns (SQLite) has no feed: that process sees all writes itself.
//
// Delivery is at least once while the feed is up, and is not guaranteed across a loss: between
// OnFeedLost() and the next OnFeedRestored() changes are missed, so a listener must treat everything it
// derived from the database as untrustworthy from OnFeedLost() on, and everything derived before
// OnFeedRestored() as stale once it is called (the feed has then resubscribed, and every change
// committed from that call on will be reported). A change is reported some time after its commit
// (milliseconds on a healthy network), never before.
//
// Thread-safety: the listener is called from the feed's own thread, one call at a time, never from a
// network thread; its calls must not block for long, since notifications queue behind them.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "storage/store.h"

namespace taskshare {

// The id OnTaskChanged() receives for "any task may have changed". Never a task's id (those are UUIDs).
inline constexpr std::string_view kEveryTask = "*";
// What a backend's feed carries for "the stored kill switch changed" (reported as OnSharingChanged()).
// Never a task's id either.
inline constexpr std::string_view kSharingChanged = "sharing";
// What a backend's feed carries for "secret NAME of user OWNER was written": this prefix, then
// OWNER ':' NAME (owner ids are UUIDs and hold no ':').
inline constexpr std::string_view kSecretChangedPrefix = "secret:";

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Task `id` changed in a transaction that has committed; kEveryTask: any task may have.
  virtual void OnTaskChanged(std::string_view id) = 0;
  // The stored share-link kill switch changed in a transaction that has committed.
  virtual void OnSharingChanged() = 0;
  // Secret `name` of user `owner_id` was written in a transaction that has committed.
  virtual void OnSecretChanged(std::string_view owner_id, std::string_view name) = 0;
  // The feed lost its connection: changes from now on may be missed until OnFeedRestored().
  virtual void OnFeedLost() = 0;
  // The feed is subscribed (for the first time, or again after OnFeedLost()): every change that
  // commits from now on is reported; those committed while it was lost never will be.
  virtual void OnFeedRestored() = 0;
};

// A running feed. Destroying it stops its thread; no listener call runs once the destructor returns.
class ChangeFeed {
 public:
  ChangeFeed() = default;
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;
  virtual ~ChangeFeed() = default;

  // True while the feed is subscribed (between OnFeedRestored() and OnFeedLost()).
  virtual bool up() const = 0;
};

// Opens the change feed of the database named by options.url and reports to `listener`, which must
// outlive the feed. Returns nullptr (ok) for a backend without a feed (SQLite). For PostgreSQL it
// subscribes on a connection of its own before returning, calls listener.OnFeedRestored() once (on the
// caller's thread), then keeps listening on a thread of its own, resubscribing with backoff after a
// loss. kInvalidArgument for a URL it does not understand; kUnavailable if the first subscription
// cannot be made.
Result<std::unique_ptr<ChangeFeed>> OpenChangeFeed(const StoreOptions& options, ChangeListener& listener);

}  // namespace taskshare
