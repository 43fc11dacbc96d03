#include "storage/postgres/settings.h"

#include <string>

namespace taskshare::postgres {

Status CheckUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Status::InvalidArgument("invalid PostgreSQL URL: " + why);
  }
  PQconninfoFree(parsed);
  return Status::Ok();
}

// libpq settings, before the URL's own (which win) and after them (which the URL cannot change).
ConnectSettings SettingsFor(const PostgresOptions& options, std::string_view url,
                            std::string_view application_name) {
  ConnectSettings settings;
  auto& p = settings.params;
  p.emplace_back("connect_timeout", std::to_string(options.connect_timeout_s));
  p.emplace_back("keepalives", "1");
  p.emplace_back("keepalives_idle", "5");
  p.emplace_back("keepalives_interval", "2");
  p.emplace_back("keepalives_count", "3");
  p.emplace_back("tcp_user_timeout", std::to_string(options.tcp_user_timeout_ms));
  // Server settings for each session. synchronous_commit keeps the server's setting (on by default),
  // so that a stricter one (remote_apply with a standby) is never weakened.
  p.emplace_back("options", "-c lock_timeout=" + std::to_string(options.lock_timeout_ms) +
                                " -c statement_timeout=" + std::to_string(options.statement_timeout_ms));
  p.emplace_back("dbname", std::string(url));
  p.emplace_back("client_encoding", "UTF8");
  p.emplace_back("application_name", std::string(application_name));
  return settings;
}

}  // namespace taskshare::postgres
