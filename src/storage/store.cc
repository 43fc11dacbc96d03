#include "storage/store.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cctype>
#include <string>

#include "storage/change_feed.h"
#include "storage/postgres/change_feed.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace taskshare {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite";

// The scheme of `url` ("sqlite" in "sqlite:x.db"), or "" when it has none. A scheme is a letter
// followed by letters, digits, '+', '-' or '.', then ':' (RFC 3986); anything else is a bare path.
std::string_view SchemeOf(std::string_view url) {
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  if (std::isalpha(static_cast<unsigned char>(url[0])) == 0) return {};
  for (char c : url.substr(0, colon)) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') {
      return {};
    }
  }
  return url.substr(0, colon);
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsPostgresScheme(std::string_view scheme) {
  return EqualsIgnoringCase(scheme, "postgresql") || EqualsIgnoringCase(scheme, "postgres");
}

// `url`, a postgresql:// URL, with its scheme in lower case: libpq recognises no other spelling.
std::string LowerCaseScheme(std::string_view url) {
  const std::string_view scheme = SchemeOf(url);
  std::string out;
  for (char c : scheme) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += url.substr(scheme.size());
  return out;
}

}  // namespace

Result<PackedSnapshot> Store::GetPackedSnapshot(std::string_view /*id*/) {
  return Status::Internal("Failed to load snapshot", "this backend keeps no message blocks");
}

std::string UrlForLogs(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::string(url);
  boost::urls::url u(*parsed);
  if (u.has_password()) u.set_password("***");
  for (auto param : u.params()) {
    if (param.key == "password") {
      u.params().set("password", "***");
      break;
    }
  }
  return std::string(u.buffer());
}

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  const std::string_view url = options.url;
  const std::string_view scheme = SchemeOf(url);
  std::string_view path = url;
  if (!options.replica_url.empty() &&
      (!IsPostgresScheme(scheme) || !IsPostgresScheme(SchemeOf(options.replica_url)))) {
    return Status::InvalidArgument("a read replica needs PostgreSQL: both URLs must be postgresql://...");
  }
  if (!scheme.empty()) {
    if (IsPostgresScheme(scheme)) {
      PostgresOptions postgres;
      postgres.url = LowerCaseScheme(url);
      if (!options.replica_url.empty()) postgres.replica_url = LowerCaseScheme(options.replica_url);
      postgres.connections = options.connections;
      postgres.quotas = options.quotas;
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
  return OpenSqliteStore(sqlite);
}

Result<std::unique_ptr<ChangeFeed>> OpenChangeFeed(const StoreOptions& options, ChangeListener& listener) {
  if (!IsPostgresScheme(SchemeOf(options.url))) return std::unique_ptr<ChangeFeed>();
  PostgresOptions postgres;
  postgres.url = LowerCaseScheme(options.url);
  return OpenPostgresChangeFeed(postgres, listener);
}


}  // namespace taskshare
