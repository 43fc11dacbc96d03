#include "storage/postgres/settings.h"

#include <cctype>
#include <string>

#include "storage/database_url.h"

namespace taskshare::postgres {
namespace {

// libpq's parse errors quote the part of the text they stumbled on, which may be a password
// ("invalid percent-encoded token: \"s3cr%zz\""), or the whole text. Every quoted span but a lone
// punctuation mark (the "=" of "missing key/value separator") becomes "***"; UrlForLogs
// (storage/database_url.h) shows the text itself.
std::string WithoutQuotedText(std::string_view message) {
  std::string out;
  while (true) {
    const std::size_t open = message.find('"');
    const std::size_t close = open == std::string_view::npos ? open : message.find('"', open + 1);
    if (close == std::string_view::npos) return out + std::string(message);
    const std::string_view quoted = message.substr(open + 1, close - open - 1);
    const bool mark = quoted.size() == 1 && std::ispunct(static_cast<unsigned char>(quoted[0])) != 0;
    out += message.substr(0, open + 1);
    out += mark ? quoted : "***";
    out += '"';
    message.remove_prefix(close + 1);
  }
}

}  // namespace

Status CheckUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Status::InvalidArgument("invalid PostgreSQL URL: " + WithoutQuotedText(why));
  }
  PQconninfoFree(parsed);
  if (!IsReadWithCertainty(url)) {
    return Status::InvalidArgument(
        "invalid PostgreSQL URL: it cannot be read with certainty; percent-encode any '@' or '/' in the user "
        "name or password (%40, %2F)");
  }
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
