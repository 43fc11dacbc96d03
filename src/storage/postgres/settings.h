// The libpq settings of every connection taskshare opens to PostgreSQL: timeouts, keepalives, the
// session's server settings, and an application_name that tells the connection's role in
// pg_stat_activity (kPoolApplication, kReplicaApplication, kListenApplication), so that an operator
// (or a test) can find, say, the listening connection of each node.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/postgres_store.h"

namespace taskshare::postgres {

inline constexpr std::string_view kPoolApplication = "taskshare";
inline constexpr std::string_view kReplicaApplication = "taskshare-replica";
inline constexpr std::string_view kListenApplication = "taskshare-listen";

// Ok if libpq can parse `url` and storage/database_url.h reads it with certainty (IsReadWithCertainty:
// no '@' left where a password holding an unencoded '@' or '/' would put it); kInvalidArgument
// "invalid PostgreSQL URL: <why>" otherwise, where <why> is libpq's reason with every part of `url` it
// quotes replaced by "***", or says what to percent-encode.
Status CheckUrl(const std::string& url);

// The settings to connect to `url` (options.url or options.replica_url) with options' timeouts, as
// `application_name`. Parameters in `url` override these defaults, except client_encoding (always
// UTF8, so that message bodies come back byte for byte) and application_name.
ConnectSettings SettingsFor(const PostgresOptions& options, std::string_view url,
                            std::string_view application_name);

}  // namespace taskshare::postgres
