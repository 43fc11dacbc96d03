#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <thread>

#include "api/router.h"
#include "cache/invalidating_store.h"
#include "cache/response_cache.h"
#include "cli/commands.h"
#include "common/log.h"
#include "http/server.h"
#include "storage/store.h"

namespace taskshare::cli {
namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string db = "sqlite:taskshare.db";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int read_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int write_threads = 4;
  std::string public_url;
  std::size_t max_body_bytes = 8 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::size_t cache_bytes = std::size_t{256} << 20;
  bool index_public = false;
};

// Splits "HOST:PORT" or "[V6]:PORT".
bool SplitHostPort(const std::string& s, std::string& host, std::uint16_t& port) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = s.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    const unsigned long p = std::stoul(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

int Serve(const ServeFlags& f) {
  http::ServerOptions options;
  if (!SplitHostPort(f.listen, options.host, options.port)) {
    std::cerr << "taskshare: --listen must be HOST:PORT, got " << f.listen << "\n";
    return 2;
  }
  options.threads = f.threads;
  options.read_threads = f.read_threads;
  options.write_threads = f.write_threads;
  options.max_body_bytes = f.max_body_bytes;
  options.max_header_bytes = f.max_header_bytes;

  auto opened = OpenStore({.url = f.db, .connections = f.read_threads + f.write_threads});
  if (!opened.ok()) {
    std::cerr << "taskshare: cannot open " << f.db << ": " << opened.status().message() << " "
              << opened.status().detail() << "\n";
    return 1;
  }
  ResponseCache cache(f.cache_bytes);
  InvalidatingStore store(std::move(*opened), cache);
  // The router needs the public URL, which needs the bound port; no request is read before Run().
  std::unique_ptr<api::Router> router;
  http::Server server(options, {.now = [&router](const api::Request& r) { return router->TryHandleNow(r); },
                                .blocking = [&router](const api::Request& r) { return router->Handle(r); }});
  auto port = server.Listen();
  if (!port.ok()) {
    std::cerr << "taskshare: " << port.status().message() << "\n";
    return 1;
  }
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string bound = (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(*port);
  web::PageOptions page{.public_url = f.public_url, .site_name = "taskshare", .index = f.index_public};
  if (page.public_url.empty()) page.public_url = "http://" + bound;
  while (page.public_url.ends_with('/')) page.public_url.pop_back();
  router = std::make_unique<api::Router>(store, cache, page);
  LogInfo("database " + f.db + ", " + std::to_string(options.threads) + " network threads, " +
          std::to_string(options.read_threads) + "+" + std::to_string(options.write_threads) +
          " read+write threads, " + std::to_string(f.cache_bytes >> 20) +
          " MiB response cache");
  LogInfo("share links: " + page.public_url + "/share/{id}");
  std::cerr << "taskshare listening on http://" << bound << std::endl;
  server.Run();
  return 0;
}

}  // namespace

void AddServe(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the API and share links over HTTP");
  cmd->add_option("--listen", flags->listen, "Address to listen on, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--db", flags->db, "Database URL: sqlite:PATH")->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Network threads")->capture_default_str()->check(CLI::Range(1, 256));
  cmd->add_option("--read-threads", flags->read_threads,
                  "Threads (each with a database connection) for GET requests not answered from the cache")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--write-threads", flags->write_threads,
                  "Threads (each with a database connection) for requests that write")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--public-url", flags->public_url, "Base URL of printed links (default: http://LISTEN)");
  cmd->add_option("--max-body-bytes", flags->max_body_bytes, "Largest request body; larger ones get 413")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  cmd->add_option("--max-header-bytes", flags->max_header_bytes, "Largest request header block; larger get 431")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20));
  cmd->add_option("--cache-bytes", flags->cache_bytes, "Memory budget of the share response cache; 0 disables it")
      ->capture_default_str();
  cmd->add_flag("--index-public", flags->index_public,
                "Let search engines index the pages of public tasks (unlisted ones are never indexed)");
  cmd->callback([flags, &exit_code] { exit_code = Serve(*flags); });
}

}  // namespace taskshare::cli
