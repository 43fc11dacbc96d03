#include "storage/store.h"

#include <cctype>
#include <string>

#include "common/strings.h"
#include "storage/change_feed.h"
#include "storage/database_url.h"
#include "storage/postgres/change_feed.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace taskshare {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite";

bool IsPostgresScheme(std::string_view scheme) {
  return EqualsIgnoringCase(scheme, "postgresql") || EqualsIgnoringCase(scheme, "postgres");
}

// `url`, a postgresql:// URL, with its scheme in lower case: libpq recognises no other spelling.
std::string LowerCaseScheme(std::string_view url) {
  const std::string_view scheme = UrlScheme(url);
  return AsciiLower(scheme) + std::string(url.substr(scheme.size()));
}

}  // namespace

Status CheckPageSize(int limit) {
  if (limit >= 1 && limit <= kMaxPageSize) return Status::Ok();
  return Status::InvalidArgument("limit must be between 1 and " + std::to_string(kMaxPageSize));
}

Status CheckTitleSearch(std::string_view needle) {
  if (needle.size() > kMaxTitleSearchBytes) {
    return Status::InvalidArgument("title search must be at most " + std::to_string(kMaxTitleSearchBytes) +
                                   " bytes");
  }
  // PostgreSQL refuses text that is not UTF-8 and would cut a parameter at a NUL; refusing both here
  // keeps every backend's answer the same.
  if (!IsUtf8(needle) || needle.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("title search must be UTF-8 text without NUL");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  const std::string_view url = options.url;
  const std::string_view scheme = UrlScheme(url);
  std::string_view path = url;
  if (!options.replica_url.empty() &&
      (!IsPostgresScheme(scheme) || !IsPostgresScheme(UrlScheme(options.replica_url)))) {
    return Status::InvalidArgument("a read replica needs PostgreSQL: both URLs must be postgresql://...");
  }
  if (!scheme.empty()) {
    if (IsPostgresScheme(scheme)) {
      PostgresOptions postgres;
      postgres.url = LowerCaseScheme(url);
      if (!options.replica_url.empty()) postgres.replica_url = LowerCaseScheme(options.replica_url);
      postgres.connections = options.connections;
      postgres.quotas = options.quotas;
      postgres.changes = options.changes;
      return OpenPostgresStore(postgres);
    }
    if (!EqualsIgnoringCase(scheme, kSqliteScheme)) {
      return Status::InvalidArgument("unsupported database URL scheme \"" + std::string(scheme) +
                                     "\" (expected sqlite:PATH, a file path or postgresql://...)");
    }
    path = url.substr(scheme.size() + 1);
  }
  if (path.empty()) return Status::InvalidArgument("the database URL names no file");

  SqliteOptions sqlite;
  sqlite.path = std::string(path);
  sqlite.connections = options.connections;
  sqlite.quotas = options.quotas;
  sqlite.changes = options.changes;
  return OpenSqliteStore(sqlite);
}

Result<std::unique_ptr<ChangeFeed>> OpenChangeFeed(const StoreOptions& options, ChangeListener& listener) {
  if (!IsPostgresScheme(UrlScheme(options.url))) return std::unique_ptr<ChangeFeed>();
  PostgresOptions postgres;
  postgres.url = LowerCaseScheme(options.url);
  return OpenPostgresChangeFeed(postgres, listener);
}

}  // namespace taskshare
