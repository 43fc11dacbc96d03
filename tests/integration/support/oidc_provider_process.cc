#include "oidc_provider_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <system_error>

#ifndef TASKSHARE_SOURCE_DIR
#error "TASKSHARE_SOURCE_DIR must name the source tree"
#endif

namespace taskshare::testing {
namespace {

// node is found on PATH by env(1): SpawnChild takes a path.
constexpr char kEnv[] = "/usr/bin/env";
constexpr auto kStartTimeout = std::chrono::seconds(30);

}  // namespace

std::string OidcProviderDir() { return std::string(TASKSHARE_SOURCE_DIR) + "/tests/oidc-provider"; }

std::string QueryParam(const std::string& url, const std::string& name) {
  const auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed) return "";
  for (const auto& param : parsed->params()) {
    if (param.key == name) return param.value;
  }
  return "";
}

OidcProviderProcess::OidcProviderProcess(OidcProviderOptions options) : options_(std::move(options)) {}

OidcProviderProcess::~OidcProviderProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (drain_.joinable()) drain_.join();
}

void OidcProviderProcess::Start() {
  if (pid_ > 0) throw std::logic_error("OidcProviderProcess::Start: already running");
  const std::string dir = OidcProviderDir();
  if (!std::filesystem::exists(dir + "/node_modules/oidc-provider/package.json")) {
    throw std::runtime_error("the test OpenID provider's npm packages are not installed: run `npm ci` in " +
                             dir);
  }
  std::vector<std::string> args{"node",
                                dir + "/provider.mjs",
                                "--client-id",
                                options_.client_id,
                                "--client-secret",
                                options_.client_secret,
                                "--redirect-uri",
                                options_.redirect_uri,
                                "--dir",
                                dir_.path().string()};
  if (options_.https) args.push_back("--https");
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  pid_ = SpawnChild(kEnv, args, fds[1], fds[1]);
  ::close(fds[1]);
  drain_ = std::thread([this, fd = fds[0]] { DrainOutput(fd); });

  static const std::regex kIssuer(R"((?:^|\n)issuer (https?://[^:/\s]+:(\d+))\r?\n)");
  static const std::regex kCa(R"((?:^|\n)ca (\S+)\r?\n)");
  std::unique_lock lock(mu_);
  std::smatch m;
  const bool found =
      cv_.wait_for(lock, kStartTimeout, [&] { return std::regex_search(log_, m, kIssuer) || eof_; });
  if (!found || m.empty()) {
    const std::string why = eof_ ? "the OpenID provider exited before listening"
                                 : "the OpenID provider printed no issuer line in time";
    throw std::runtime_error(why + "; its output:\n" + log_);
  }
  issuer_ = m[1].str();
  port_ = std::stoi(m[2].str());
  if (options_.https) {
    std::smatch ca;
    if (!std::regex_search(log_, ca, kCa)) throw std::runtime_error("no ca line from the provider:\n" + log_);
    ca_file_ = ca[1].str();
  }
}

void OidcProviderProcess::DrainOutput(int fd) { DrainInto(fd, mu_, cv_, log_, eof_); }

std::string OidcProviderProcess::Log() const {
  std::lock_guard lock(mu_);
  return log_;
}

std::string OidcProviderProcess::SignIn(const std::string& authorization_url,
                                        const std::string& login) const {
  std::vector<std::string> args{
      "node", OidcProviderDir() + "/cli_login.mjs", "--url", authorization_url, "--login", login};
  if (!ca_file_.empty()) args.insert(args.end(), {"--ca", ca_file_});
  const CommandResult r = RunProgram(kEnv, args);
  if (r.exit_code != 0 || r.out.empty()) {
    throw std::runtime_error("sign-in as " + login + " failed (exit " + std::to_string(r.exit_code) +
                             "): " + r.err + "\nprovider output:\n" + Log());
  }
  return r.out.substr(0, r.out.find_first_of("\r\n"));
}

}  // namespace taskshare::testing
