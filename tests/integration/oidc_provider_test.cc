// The OpenID Connect client side (auth/https_client.h, auth/oidc_provider.h) against a real provider:
// panva's OpenID-certified oidc-provider under Node (tests/oidc-provider/provider.mjs, its packages
// installed by `npm ci` there), on loopback over http and over https with a throwaway CA. Discovery,
// the whole code flow with PKCE through the provider's login pages (cli_login.mjs), and the refusals:
// an issuer that is not the document's, a code redeemed twice, a wrong verifier or nonce, an
// unverified email, an untrusted certificate or one for another name, plain http to other hosts.
#include "auth/oidc_provider.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "auth/https_client.h"
#include "common/clock.h"
#include "common/ids.h"
#include "support/oidc_provider_process.h"
#include "support/scoped_env.h"

namespace taskshare::testing {
namespace {

using auth::Fetch;
using auth::FetchReply;
using auth::FetchRequest;
using auth::OidcProvider;
using auth::OidcSettings;
using std::chrono::milliseconds;

constexpr milliseconds kTimeout{5000};

OidcSettings SettingsFor(const OidcProviderProcess& provider) {
  OidcSettings settings;
  settings.issuer = provider.issuer();
  settings.client_id = provider.options().client_id;
  settings.client_secret = provider.options().client_secret;
  settings.redirect_uri = provider.options().redirect_uri;
  settings.timeout = kTimeout;
  return settings;
}

std::unique_ptr<OidcProvider> DiscoverOk(const OidcSettings& settings) {
  auto discovered = OidcProvider::Discover(settings, SystemTime());
  if (!discovered.ok()) {
    ADD_FAILURE() << "discovery of " << settings.issuer << " failed: " << discovered.status().message();
    return nullptr;
  }
  return std::move(discovered.value());
}

// One sign-in's values, and the code the provider gave for them.
struct SignedIn {
  std::string verifier = auth::NewPkceVerifier();
  std::string state = NewRandomToken();
  std::string nonce = NewRandomToken();
  std::string code;
};

SignedIn SignIn(const OidcProviderProcess& process, const OidcProvider& provider, const std::string& login) {
  SignedIn s;
  const std::string url = provider.AuthorizationUrl(s.state, s.nonce, auth::PkceChallenge(s.verifier));
  const std::string location = process.SignIn(url, login);
  EXPECT_EQ(location.rfind(process.options().redirect_uri + "?", 0), 0u) << location;
  EXPECT_EQ(QueryParam(location, "state"), s.state) << location;
  EXPECT_EQ(QueryParam(location, "iss"), process.issuer()) << location;
  s.code = QueryParam(location, "code");
  EXPECT_FALSE(s.code.empty()) << location;
  return s;
}

// A loopback port that accepts connections (into the backlog) and never answers.
class SilentPort {
 public:
  SilentPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentPort() { ::close(fd_); }
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// --- over loopback http ---

class OidcProviderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    provider_ = new OidcProviderProcess();
    provider_->Start();
  }
  static void TearDownTestSuite() {
    delete provider_;
    provider_ = nullptr;
  }
  static OidcProviderProcess* provider_;
};
OidcProviderProcess* OidcProviderTest::provider_ = nullptr;

TEST_F(OidcProviderTest, DiscoversTheProviderOverLoopbackHttp) {
  auto provider = DiscoverOk(SettingsFor(*provider_));
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->issuer(), provider_->issuer());
  EXPECT_EQ(provider->metadata().token_endpoint, provider_->issuer() + "/token");
  EXPECT_EQ(provider->metadata().jwks_uri, provider_->issuer() + "/jwks");
  EXPECT_EQ(provider->metadata().client_auth, auth::ClientAuth::kBasic);
}

TEST_F(OidcProviderTest, RefusesAnIssuerThatIsNotTheDocumentsOwn) {
  OidcSettings slash = SettingsFor(*provider_);
  slash.issuer += "/";
  OidcSettings by_name = SettingsFor(*provider_);
  by_name.issuer = "http://localhost:" + std::to_string(provider_->port());
  for (const OidcSettings& settings : {slash, by_name}) {
    auto discovered = OidcProvider::Discover(settings, SystemTime());
    ASSERT_FALSE(discovered.ok()) << settings.issuer;
    EXPECT_EQ(discovered.status().code(), Code::kInvalidArgument);
    EXPECT_NE(discovered.status().message().find("names the issuer"), std::string::npos)
        << discovered.status().message();
  }
}

TEST_F(OidcProviderTest, ReportsAProviderThatCannotBeReached) {
  OidcSettings settings = SettingsFor(*provider_);
  settings.issuer = "http://127.0.0.1:1";  // nothing listens: the connection is refused
  auto refused = OidcProvider::Discover(settings, SystemTime());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_NE(refused.status().message().find("127.0.0.1:1"), std::string::npos) << refused.status().message();

  const SilentPort silent;
  settings.issuer = "http://127.0.0.1:" + std::to_string(silent.port());
  settings.timeout = milliseconds(300);
  const auto began = std::chrono::steady_clock::now();
  auto silent_refusal = OidcProvider::Discover(settings, SystemTime());
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(3));
  ASSERT_FALSE(silent_refusal.ok());
  EXPECT_EQ(silent_refusal.status().code(), Code::kUnavailable);
  EXPECT_NE(silent_refusal.status().message().find("did not answer within 300 ms"), std::string::npos)
      << silent_refusal.status().message();
}

TEST_F(OidcProviderTest, RedeemsACodeForTheAccountsVerifiedClaimsOnce) {
  auto provider = DiscoverOk(SettingsFor(*provider_));
  ASSERT_NE(provider, nullptr);
  const SignedIn s = SignIn(*provider_, *provider, "mate");
  auto claims = provider->Redeem(s.code, s.verifier, s.nonce);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->subject, "mate");
  EXPECT_EQ(claims->email, "mate@oidc.test");
  EXPECT_EQ(boost::json::serialize(claims->claims.at("groups")), R"(["red-team"])");

  auto again = provider->Redeem(s.code, s.verifier, s.nonce);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(again.status().message(), "sign-in refused by the provider (invalid_grant)");
  EXPECT_EQ(again.status().message().find(s.code), std::string::npos);
}

TEST_F(OidcProviderTest, RefusesAWrongCodeVerifier) {
  auto provider = DiscoverOk(SettingsFor(*provider_));
  ASSERT_NE(provider, nullptr);
  const SignedIn s = SignIn(*provider_, *provider, "mate");
  auto refused = provider->Redeem(s.code, auth::NewPkceVerifier(), s.nonce);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), "sign-in refused by the provider (invalid_grant)");
}

TEST_F(OidcProviderTest, RefusesATokenForAnotherNonce) {
  auto provider = DiscoverOk(SettingsFor(*provider_));
  ASSERT_NE(provider, nullptr);
  const SignedIn s = SignIn(*provider_, *provider, "admin");
  auto refused = provider->Redeem(s.code, s.verifier, NewRandomToken());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated);
  EXPECT_NE(refused.status().message().find("ID token refused"), std::string::npos)
      << refused.status().message();
}

TEST_F(OidcProviderTest, RefusesAnUnverifiedEmail) {
  auto provider = DiscoverOk(SettingsFor(*provider_));
  ASSERT_NE(provider, nullptr);
  const SignedIn s = SignIn(*provider_, *provider, "unverified");
  auto refused = provider->Redeem(s.code, s.verifier, s.nonce);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated);
}

TEST_F(OidcProviderTest, AuthenticatesWithClientSecretPostWhenThatIsAllTheProviderTakes) {
  OidcProviderOptions options;
  options.extra_args = {"--client-auth", "post"};
  OidcProviderProcess post_only(options);
  post_only.Start();
  auto provider = DiscoverOk(SettingsFor(post_only));
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->metadata().client_auth, auth::ClientAuth::kPost);
  const SignedIn s = SignIn(post_only, *provider, "stranger");
  auto claims = provider->Redeem(s.code, s.verifier, s.nonce);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->email, "stranger@oidc.test");
}

// The provider serves its first JWKS without the key it signs with (--late-signing-key): a token
// naming that key is refused until a refetch is due, a minute after the fetch at discovery by the
// provider's clock, and then verifies; later tokens need no further fetch.
TEST_F(OidcProviderTest, RefetchesTheJwksForAnUnknownKeyAtMostOncePerMinute) {
  OidcProviderOptions options;
  options.extra_args = {"--late-signing-key"};
  OidcProviderProcess rotating(options);
  rotating.Start();
  // The fetches the provider has logged, once at least `expected` have reached the log (its output is
  // read by another thread, so a line can lag the answer it logs) or five seconds have passed.
  auto jwks_fetches = [&](int expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      const std::string log = rotating.Log();
      int n = 0;
      for (auto at = log.find("jwks served"); at != std::string::npos; at = log.find("jwks served", at + 1))
        ++n;
      if (n >= expected || std::chrono::steady_clock::now() > deadline) return n;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  ManualClock clock(NowMicros());
  auto discovered = OidcProvider::Discover(SettingsFor(rotating), clock);
  ASSERT_TRUE(discovered.ok()) << discovered.status().message();
  OidcProvider& provider = **discovered;
  EXPECT_EQ(jwks_fetches(1), 1);

  const SignedIn early = SignIn(rotating, provider, "mate");
  auto refused = provider.Redeem(early.code, early.verifier, early.nonce);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(refused.status().reason(), Reason::kUnknownSigningKey);
  EXPECT_EQ(jwks_fetches(1), 1);

  clock.Advance(auth::kJwksRefetchInterval + 1'000'000);
  for (const char* login : {"mate", "admin"}) {
    const SignedIn s = SignIn(rotating, provider, login);
    auto claims = provider.Redeem(s.code, s.verifier, s.nonce);
    ASSERT_TRUE(claims.ok()) << claims.status().message();
    EXPECT_EQ(claims->subject, login);
  }
  EXPECT_EQ(jwks_fetches(2), 2);
}

TEST_F(OidcProviderTest, FetchRefusesPlainHttpToAnyOtherHostWithoutConnecting) {
  const auto began = std::chrono::steady_clock::now();
  for (const char* url : {"http://192.0.2.1/", "http://example.com/.well-known/openid-configuration",
                          "http://[2001:db8::1]:8080/", "http://127.0.0.1.nip.io/"}) {
    FetchRequest request;
    request.url = url;
    auto refused = Fetch(request, kTimeout);
    ASSERT_FALSE(refused.ok()) << url;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument) << url;
  }
  // 192.0.2.1 (TEST-NET-1) would hang until the timeout had a connection been tried.
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(1));
  for (const char* url :
       {"ftp://127.0.0.1/", "/relative", "https:///no-host", "https://user:pw@127.0.0.1/"}) {
    FetchRequest request;
    request.url = url;
    auto refused = Fetch(request, kTimeout);
    ASSERT_FALSE(refused.ok()) << url;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument) << url;
  }
}

// --- over https, with the provider's throwaway CA trusted through SSL_CERT_FILE, or not ---

class OidcProviderHttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    OidcProviderOptions options;
    options.https = true;
    provider_ = new OidcProviderProcess(options);
    provider_->Start();
  }
  static void TearDownTestSuite() {
    delete provider_;
    provider_ = nullptr;
  }
  static OidcProviderProcess* provider_;
};
OidcProviderProcess* OidcProviderHttpsTest::provider_ = nullptr;

TEST_F(OidcProviderHttpsTest, DiscoversAndRedeemsWithTheCaTrusted) {
  const ScopedEnv trust("SSL_CERT_FILE", provider_->ca_file());
  auto provider = DiscoverOk(SettingsFor(*provider_));
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->metadata().authorization_endpoint, provider_->issuer() + "/auth");
  const SignedIn s = SignIn(*provider_, *provider, "admin");
  auto claims = provider->Redeem(s.code, s.verifier, s.nonce);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->email, "admin@oidc.test");
  EXPECT_EQ(boost::json::serialize(claims->claims.at("groups")), R"(["taskshare-admins"])");
}

TEST_F(OidcProviderHttpsTest, RefusesTheCertificateWhenTheCaIsNotTrusted) {
  const ScopedEnv trust("SSL_CERT_FILE", std::nullopt);
  auto refused = OidcProvider::Discover(SettingsFor(*provider_), SystemTime());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  const std::string expected = "certificate of localhost:" + std::to_string(provider_->port()) + " refused";
  EXPECT_NE(refused.status().message().find(expected), std::string::npos) << refused.status().message();
}

TEST_F(OidcProviderHttpsTest, VerifiesAnIpAddressAgainstTheCertificate) {
  const ScopedEnv trust("SSL_CERT_FILE", provider_->ca_file());
  FetchRequest request;
  request.url =
      "https://127.0.0.1:" + std::to_string(provider_->port()) + "/.well-known/openid-configuration";
  auto reply = Fetch(request, kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->content_type.find("application/json"), std::string::npos);
  EXPECT_NE(reply->body.find(R"("issuer":")" + provider_->issuer() + "\""), std::string::npos);
}

TEST_F(OidcProviderHttpsTest, RefusesACertificateForAnotherName) {
  OidcProviderOptions options;
  options.https = true;
  options.extra_args = {"--wrong-name"};  // the certificate names DNS:other.test only
  OidcProviderProcess other(options);
  other.Start();
  const ScopedEnv trust("SSL_CERT_FILE", other.ca_file());
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    FetchRequest request;
    request.url =
        "https://" + host + ":" + std::to_string(other.port()) + "/.well-known/openid-configuration";
    auto refused = Fetch(request, kTimeout);
    ASSERT_FALSE(refused.ok()) << host;
    EXPECT_EQ(refused.status().code(), Code::kUnavailable);
    EXPECT_NE(refused.status().message().find("certificate of " + host), std::string::npos)
        << refused.status().message();
    EXPECT_NE(refused.status().message().find("mismatch"), std::string::npos) << refused.status().message();
  }
}

}  // namespace
}  // namespace taskshare::testing
