// The test OpenID provider (tests/oidc-provider/provider.mjs, panva's oidc-provider under Node) as a
// child process, for integration tests of OpenID Connect sign-in.
//
// Start() runs `node provider.mjs --client-id ... --client-secret ... --redirect-uri ... --dir DIR`
// (plus --https and the options given) and returns once it has printed its `issuer URL` line (and,
// with https, its `ca PATH` line); a thread keeps reading its output into a log from then on. The
// destructor kills it (SIGKILL; it is also killed if the test process dies) and removes DIR, where the
// provider wrote its CA and keys. SignIn drives the provider's login and consent pages for one account
// (tests/oidc-provider/cli_login.mjs) and returns the redirect to the client's redirect URI.
//
// Failures of the harness itself (node missing, tests/oidc-provider/node_modules not installed, the
// provider exiting or staying silent, a sign-in that does not end in a redirect) are thrown as
// std::runtime_error carrying the provider's output, which GoogleTest reports as a test failure.
//
// Not thread-safe except Log().
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"

namespace taskshare::testing {

struct OidcProviderOptions {
  std::string client_id = "taskshare-test";
  std::string client_secret = "test-secret-1";
  std::string redirect_uri = "https://share.test/auth/callback";
  bool https = false;
  std::vector<std::string> extra_args;  // e.g. {"--wrong-name"} or {"--client-auth", "post"}
};

class OidcProviderProcess {
 public:
  explicit OidcProviderProcess(OidcProviderOptions options = {});
  ~OidcProviderProcess();
  OidcProviderProcess(const OidcProviderProcess&) = delete;
  OidcProviderProcess& operator=(const OidcProviderProcess&) = delete;

  // Starts the provider and waits for its issuer line. Throws as the header says.
  void Start();

  const OidcProviderOptions& options() const { return options_; }
  // http://127.0.0.1:PORT, or https://localhost:PORT with https.
  const std::string& issuer() const { return issuer_; }
  int port() const { return port_; }
  // The PEM file of the CA that signed the provider's certificate (https only; empty otherwise).
  const std::string& ca_file() const { return ca_file_; }

  // Signs `login` in through the pages `authorization_url` leads to; returns the Location the
  // provider redirects to at the end (the redirect URI with code and state, or with an error).
  std::string SignIn(const std::string& authorization_url, const std::string& login) const;

  std::string Log() const;

 private:
  void DrainOutput(int fd);

  OidcProviderOptions options_;
  TempDir dir_;
  pid_t pid_ = -1;
  std::string issuer_;
  std::string ca_file_;
  int port_ = 0;
  std::thread drain_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string log_;   // guarded by mu_
  bool eof_ = false;  // guarded by mu_
};

// tests/oidc-provider in the source tree.
std::string OidcProviderDir();

// The query parameter `name` of `url`, percent-decoded ("+" as a space); empty if absent.
std::string QueryParam(const std::string& url, const std::string& name);

}  // namespace taskshare::testing
