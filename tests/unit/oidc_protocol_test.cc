// The pure side of OpenID Connect sign-in (auth/fetch_url.h, auth/oidc_protocol.h, auth/pkce.h): which
// URLs may be fetched, the settings and discovery document rules one at a time, the authorization URL
// and token request as sent, and what each token endpoint reply becomes. The network side runs against
// a real provider in tests/integration/oidc_provider_test.cc.
#include "auth/oidc_protocol.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <string>

#include "auth/fetch_url.h"
#include "auth/pkce.h"
#include "common/ids.h"

namespace taskshare::auth {
namespace {

namespace json = boost::json;

constexpr char kIssuer[] = "https://login.example.com/realms/x";

TEST(FetchUrlTest, TakesAnHttpsUrlApart) {
  auto url = ParseFetchUrl("HTTPS://Login.Example.COM/realms/x/token?a=b#frag");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_TRUE(url->https);
  EXPECT_EQ(url->host, "login.example.com");
  EXPECT_FALSE(url->host_is_ip);
  EXPECT_FALSE(url->loopback);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/realms/x/token?a=b");

  auto ip = ParseFetchUrl("http://[::1]:8080");
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->host, "::1");
  EXPECT_TRUE(ip->host_is_ip);
  EXPECT_TRUE(ip->loopback);
  EXPECT_EQ(ip->port, 8080);
  EXPECT_EQ(ip->authority, "[::1]:8080");
  EXPECT_EQ(ip->target, "/");
}

TEST(FetchUrlTest, AllowsPlainHttpToLoopbackHostsOnly) {
  for (const char* url : {"https://example.com/", "http://127.0.0.1:1/", "http://127.9.9.9/", "http://[::1]/",
                          "http://LOCALHOST:3000/x"}) {
    EXPECT_TRUE(IsAllowedUrl(url)) << url;
  }
  for (const char* url :
       {"http://example.com/", "http://10.0.0.1/", "http://[::2]/", "http://localhost.example/",
        "ftp://127.0.0.1/", "//127.0.0.1/", "https://u:p@example.com/", "https://x.test:0/",
        "https://x.test:65536/", "http://127.0.0.1.example.com/"}) {
    EXPECT_FALSE(IsAllowedUrl(url)) << url;
  }
  EXPECT_TRUE(IsLoopbackHttpUrl("http://localhost:8080"));
  EXPECT_FALSE(IsLoopbackHttpUrl("https://localhost:8080"));
}

TEST(PkceTest, ChallengeIsTheRfc7636Example) {
  // RFC 7636, Appendix B.
  EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(PkceTest, VerifiersAndTokensAre43RandomBase64UrlCharacters) {
  for (const std::string& value : {NewPkceVerifier(), NewRandomToken()}) {
    EXPECT_EQ(value.size(), 43u);
    EXPECT_EQ(value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
  }
  EXPECT_NE(NewPkceVerifier(), NewPkceVerifier());
  EXPECT_NE(NewRandomToken(), NewRandomToken());
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
}

OidcSettings Settings() {
  OidcSettings s;
  s.issuer = kIssuer;
  s.client_id = "taskshare web";
  s.client_secret = "s3cret:&=";
  s.redirect_uri = "https://share.example.com/auth/callback";
  return s;
}

TEST(OidcSettingsTest, AcceptsAGoodConfigurationAndNamesWhatIsWrong) {
  EXPECT_TRUE(CheckSettings(Settings()).ok());
  const std::vector<std::pair<std::function<void(OidcSettings&)>, std::string>> cases = {
      {[](OidcSettings& s) { s.issuer = "http://login.example.com"; }, "issuer"},
      {[](OidcSettings& s) { s.issuer += "?tenant=1"; }, "issuer"},
      {[](OidcSettings& s) { s.client_id.clear(); }, "client id"},
      {[](OidcSettings& s) { s.client_secret.clear(); }, "client secret"},
      {[](OidcSettings& s) { s.redirect_uri = "http://share.example.com/cb"; }, "redirect URI"},
      {[](OidcSettings& s) { s.redirect_uri = "/auth/callback"; }, "redirect URI"},
      {[](OidcSettings& s) { s.scope = "email profile openidx"; }, "scope"},
      {[](OidcSettings& s) { s.timeout = std::chrono::milliseconds(0); }, "timeout"},
  };
  for (const auto& [change, named] : cases) {
    OidcSettings s = Settings();
    change(s);
    const Status status = CheckSettings(s);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << named;
    EXPECT_NE(status.message().find(named), std::string::npos) << status.message();
  }
  OidcSettings loopback = Settings();
  loopback.issuer = "http://127.0.0.1:5556";
  loopback.redirect_uri = "http://localhost:8080/auth/callback";
  loopback.scope = "openid";
  EXPECT_TRUE(CheckSettings(loopback).ok());
}

TEST(OidcDiscoveryTest, DiscoveryUrlDoesNotDoubleASlash) {
  EXPECT_EQ(DiscoveryUrl("https://a.test/realms/x"),
            "https://a.test/realms/x/.well-known/openid-configuration");
  EXPECT_EQ(DiscoveryUrl("https://a.test/"), "https://a.test/.well-known/openid-configuration");
}

json::object Document() {
  return {
      {"issuer", kIssuer},
      {"authorization_endpoint", "https://login.example.com/realms/x/auth?kc=1"},
      {"token_endpoint", "https://login.example.com/realms/x/token"},
      {"jwks_uri", "https://keys.example.com/x.json"},
      {"response_types_supported", json::array{"code", "id_token"}},
      {"code_challenge_methods_supported", json::array{"plain", "S256"}},
      {"id_token_signing_alg_values_supported", json::array{"RS256"}},
      {"token_endpoint_auth_methods_supported", json::array{"client_secret_post", "client_secret_basic"}}};
}

Result<ProviderMetadata> Parse(const json::object& document, std::string_view issuer = kIssuer) {
  return ParseDiscovery(json::serialize(document), issuer);
}

TEST(OidcDiscoveryTest, ReadsTheEndpointsAndPrefersClientSecretBasic) {
  auto metadata = Parse(Document());
  ASSERT_TRUE(metadata.ok()) << metadata.status().message();
  EXPECT_EQ(metadata->issuer, kIssuer);
  EXPECT_EQ(metadata->authorization_endpoint, "https://login.example.com/realms/x/auth?kc=1");
  EXPECT_EQ(metadata->token_endpoint, "https://login.example.com/realms/x/token");
  EXPECT_EQ(metadata->jwks_uri, "https://keys.example.com/x.json");
  EXPECT_EQ(metadata->client_auth, ClientAuth::kBasic);

  json::object post = Document();
  post["token_endpoint_auth_methods_supported"] = json::array{"private_key_jwt", "client_secret_post"};
  ASSERT_TRUE(Parse(post).ok());
  EXPECT_EQ(Parse(post)->client_auth, ClientAuth::kPost);
  json::object unlisted = Document();
  unlisted.erase("token_endpoint_auth_methods_supported");
  unlisted.erase("code_challenge_methods_supported");
  unlisted.erase("id_token_signing_alg_values_supported");
  ASSERT_TRUE(Parse(unlisted).ok());
  EXPECT_EQ(Parse(unlisted)->client_auth, ClientAuth::kBasic);
}

TEST(OidcDiscoveryTest, RefusesADocumentThatBreaksARule) {
  const std::vector<std::pair<std::function<void(json::object&)>, std::string>> cases = {
      {[](json::object& d) { d["issuer"] = std::string(kIssuer) + "/"; }, "names the issuer"},
      {[](json::object& d) { d.erase("issuer"); }, "has no issuer"},
      {[](json::object& d) { d.erase("token_endpoint"); }, "has no token_endpoint"},
      {[](json::object& d) { d["jwks_uri"] = 7; }, "has no jwks_uri"},
      {[](json::object& d) { d["token_endpoint"] = "http://login.example.com/token"; }, "not https"},
      {[](json::object& d) { d["jwks_uri"] = "http://127.0.0.1/jwks"; }, "not https"},
      {[](json::object& d) { d["authorization_endpoint"] = "https://a.test/auth#x"; }, "fragment"},
      {[](json::object& d) { d["response_types_supported"] = json::array{"id_token"}; }, "\"code\""},
      {[](json::object& d) { d.erase("response_types_supported"); }, "\"code\""},
      {[](json::object& d) { d["code_challenge_methods_supported"] = json::array{"plain"}; }, "S256"},
      {[](json::object& d) { d["id_token_signing_alg_values_supported"] = json::array{"PS256"}; }, "RS256"},
      {[](json::object& d) { d["token_endpoint_auth_methods_supported"] = json::array{"private_key_jwt"}; },
       "client_secret_basic"},
  };
  for (const auto& [change, said] : cases) {
    json::object document = Document();
    change(document);
    auto refused = Parse(document);
    ASSERT_FALSE(refused.ok()) << said;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
    EXPECT_NE(refused.status().message().find(said), std::string::npos) << refused.status().message();
  }
  EXPECT_FALSE(ParseDiscovery("[]", kIssuer).ok());
  EXPECT_FALSE(ParseDiscovery("{", kIssuer).ok());
}

TEST(OidcDiscoveryTest, AllowsLoopbackHttpEndpointsOnlyForALoopbackHttpIssuer) {
  json::object document = Document();
  document["issuer"] = "http://127.0.0.1:5556";
  document["authorization_endpoint"] = "http://localhost:5556/auth";
  document["token_endpoint"] = "http://127.0.0.1:5556/token";
  EXPECT_TRUE(Parse(document, "http://127.0.0.1:5556").ok());
  document["jwks_uri"] = "http://keys.example.com/jwks";
  EXPECT_FALSE(Parse(document, "http://127.0.0.1:5556").ok());
}

TEST(OidcDiscoveryTest, ReadsWhetherTheProviderNamesItselfInEachAuthorizationResponse) {
  EXPECT_FALSE(Parse(Document())->names_issuer_in_responses);
  for (const json::value flag : {json::value(false), json::value("true"), json::value(1)}) {
    json::object document = Document();
    document["authorization_response_iss_parameter_supported"] = flag;
    EXPECT_FALSE(Parse(document)->names_issuer_in_responses) << json::serialize(flag);
  }
  json::object document = Document();
  document["authorization_response_iss_parameter_supported"] = true;
  EXPECT_TRUE(Parse(document)->names_issuer_in_responses);
}

TEST(OidcResponseIssuerTest, AnIssMustNameTheProviderAndMustBeThereIfItSaysItSendsOne) {
  ProviderMetadata provider = *Parse(Document());
  EXPECT_TRUE(CheckResponseIssuer(provider, kIssuer).ok());
  EXPECT_TRUE(CheckResponseIssuer(provider, std::nullopt).ok());  // a provider that does not send one
  for (const std::string_view other : {std::string_view("https://evil.example"), std::string_view(""),
                                       std::string_view("https://login.example.com/realms/x/")}) {
    const Status refused = CheckResponseIssuer(provider, other);
    EXPECT_EQ(refused.code(), Code::kUnauthenticated) << other;
    EXPECT_EQ(refused.message(), "the authorization response names another issuer");
  }
  provider.names_issuer_in_responses = true;
  EXPECT_TRUE(CheckResponseIssuer(provider, kIssuer).ok());
  const Status missing = CheckResponseIssuer(provider, std::nullopt);
  EXPECT_EQ(missing.code(), Code::kUnauthenticated);
  EXPECT_EQ(missing.message(), "the authorization response names no issuer");
}

ProviderMetadata Metadata(ClientAuth auth) {
  Result<ProviderMetadata> m = Parse(Document());
  m->client_auth = auth;
  return *m;
}

TEST(OidcRequestsTest, AuthorizationUrlKeepsTheEndpointsQueryAndFormEncodesEachParameter) {
  EXPECT_EQ(AuthorizationUrl(Metadata(ClientAuth::kBasic), Settings(), "st/1", "n+2", "chal"),
            "https://login.example.com/realms/x/auth?kc=1&response_type=code&client_id=taskshare+web"
            "&redirect_uri=https%3A%2F%2Fshare.example.com%2Fauth%2Fcallback&scope=openid+email+profile"
            "&state=st%2F1&nonce=n%2B2&code_challenge=chal&code_challenge_method=S256");
  ProviderMetadata bare = Metadata(ClientAuth::kBasic);
  bare.authorization_endpoint = "https://a.test/auth";
  EXPECT_EQ(
      AuthorizationUrl(bare, Settings(), "s", "n", "c").rfind("https://a.test/auth?response_type=code&", 0),
      0u);
}

TEST(OidcRequestsTest, TokenRequestAuthenticatesTheClientAsDiscovered) {
  const FetchRequest basic = TokenRequest(Metadata(ClientAuth::kBasic), Settings(), "c0de", "v3rifier");
  EXPECT_EQ(basic.method, "POST");
  EXPECT_EQ(basic.url, "https://login.example.com/realms/x/token");
  EXPECT_EQ(basic.body,
            "grant_type=authorization_code&code=c0de&redirect_uri=https%3A%2F%2Fshare.example.com%2Fauth%2F"
            "callback&code_verifier=v3rifier");
  // base64("taskshare+web:s3cret%3A%26%3D"): both halves form-encoded first (RFC 6749, 2.3.1).
  const std::pair<std::string, std::string> authorization{"Authorization",
                                                          "Basic dGFza3NoYXJlK3dlYjpzM2NyZXQlM0ElMjYlM0Q="};
  EXPECT_NE(std::find(basic.headers.begin(), basic.headers.end(), authorization), basic.headers.end());

  const FetchRequest post = TokenRequest(Metadata(ClientAuth::kPost), Settings(), "c0de", "v3rifier");
  EXPECT_NE(post.body.find("&client_id=taskshare+web&client_secret=s3cret%3A%26%3D"), std::string::npos);
  for (const auto& [name, value] : post.headers) EXPECT_NE(name, "Authorization");
}

TEST(OidcRequestsTest, TokenReplyBecomesAnIdTokenOrAStatus) {
  auto reply = [](int status, std::string body) {
    return FetchReply{status, "application/json", std::move(body)};
  };
  auto token =
      IdTokenFromReply(reply(200, R"({"access_token":"a","id_token":"x.y.z","token_type":"Bearer"})"));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, "x.y.z");

  auto refused = IdTokenFromReply(reply(400, R"({"error":"invalid_grant","error_description":"grant 123"})"));
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), "sign-in refused by the provider (invalid_grant)");
  auto odd = IdTokenFromReply(reply(401, R"({"error":"Bad <b>client</b>"})"));
  EXPECT_EQ(odd.status().message(), "sign-in refused by the provider (unrecognised error)");
  EXPECT_EQ(IdTokenFromReply(reply(400, "not json")).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(IdTokenFromReply(reply(200, R"({"access_token":"a"})")).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(IdTokenFromReply(reply(200, R"({"id_token":""})")).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(IdTokenFromReply(reply(200, "<html>")).status().code(), Code::kUnavailable);
  auto down = IdTokenFromReply(reply(503, ""));
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  EXPECT_EQ(down.status().detail(), "token endpoint answered HTTP 503");
}

TEST(OidcRequestsTest, FormEncodeKeepsOnlyTheUnreservedFormCharacters) {
  EXPECT_EQ(FormEncode("aZ09*-._ ~!/?#&=+%\xc3\xa9"), "aZ09*-._+%7E%21%2F%3F%23%26%3D%2B%25%C3%A9");
}

}  // namespace
}  // namespace taskshare::auth
