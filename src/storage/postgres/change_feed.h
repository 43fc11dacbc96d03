// The PostgreSQL change feed (see storage/change_feed.h for the contract): LISTEN on
// kTaskChangedChannel (storage/postgres/migrations.h), whose notifications a trigger sends from inside
// every transaction that changes a task, so they arrive only once it has committed.
//
// One connection of its own, outside the store's pool and named taskshare-listen in pg_stat_activity,
// served by one thread of its own that waits in poll(2) on the connection's socket; nothing here runs on
// a network thread. The thread's states and the listener calls that separate them:
//
//   subscribed --(socket closed, a FATAL from the server, an error, or no answer to the heartbeat
//                 query within feed_heartbeat_timeout_ms)--> OnFeedLost() --> lost
//   lost --(backoff: feed_reconnect_min_ms, doubling up to feed_reconnect_max_ms; then connect and
//           LISTEN succeed)--> OnFeedRestored() --> subscribed
//
// Notifications already received when the connection is found lost are delivered before OnFeedLost().
// OnFeedRestored() is called only after LISTEN has taken effect, so every transaction that commits after
// that call is reported. While subscribed and idle, a trivial query every feed_heartbeat_interval_ms
// proves the connection alive, so a server that vanished without closing it is noticed within about
// interval + timeout instead of the minutes TCP could take. up() changes after the listener call it goes
// with has returned. Stopping (the destructor) wakes the thread at once, except while it is opening a
// connection, which it finishes first (at most connect_timeout_s).
#pragma once

#include <memory>

#include "common/status.h"
#include "storage/change_feed.h"
#include "storage/postgres/postgres_store.h"

namespace taskshare {

// Subscribes to the database at options.url (only url, connect_timeout_s, tcp_user_timeout_ms and the
// feed_* options are used) and returns the running feed, having called listener.OnFeedRestored() once.
// kInvalidArgument for a URL libpq cannot parse or feed options out of range; kUnavailable if the first
// subscription fails.
Result<std::unique_ptr<ChangeFeed>> OpenPostgresChangeFeed(const PostgresOptions& options,
                                                           ChangeListener& listener);

}  // namespace taskshare
