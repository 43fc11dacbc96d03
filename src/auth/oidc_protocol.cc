#include "auth/oidc_protocol.h"

#include <openssl/evp.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "auth/fetch_url.h"

namespace taskshare::auth {
namespace {

namespace json = boost::json;

// Provider text quoted in an operator's message is cut to this many bytes.
constexpr std::size_t kMaxQuotedBytes = 200;

std::string Quote(std::string_view text) {
  if (text.size() > kMaxQuotedBytes) return "\"" + std::string(text.substr(0, kMaxQuotedBytes)) + "...\"";
  return "\"" + std::string(text) + "\"";
}

// The object `text` holds, or null.
const json::object* ParseObject(std::string_view text, json::value& storage) {
  boost::system::error_code ec;
  storage = json::parse(text, ec);
  return ec ? nullptr : storage.if_object();
}

// Whether `name` is a JSON array of `object` holding the string `wanted`.
bool ListHolds(const json::object& object, std::string_view name, std::string_view wanted) {
  const json::value* list = object.if_contains(name);
  if (list == nullptr || !list->is_array()) return false;
  for (const json::value& item : list->get_array()) {
    if (item.is_string() && item.get_string() == wanted) return true;
  }
  return false;
}

Status Invalid(std::string why) { return Status::InvalidArgument("discovery document " + std::move(why)); }

// The endpoint URL `name` of `document` if our rules allow it (see the header), else why not.
Result<std::string> Endpoint(const json::object& document, std::string_view name, bool loopback_http) {
  const json::value* value = document.if_contains(name);
  if (value == nullptr || !value->is_string()) return Invalid("has no " + std::string(name));
  const std::string url(value->get_string());
  const Result<FetchUrl> parsed = ParseFetchUrl(url);
  const bool allowed = parsed.ok() && (parsed->https || (loopback_http && parsed->loopback));
  if (!allowed) {
    return Invalid("has a " + std::string(name) + " that is not " + (loopback_http ? "http(s)" : "https") +
                   ": " + Quote(url));
  }
  return url;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// An OAuth error code worth repeating in a message: short, and only of the characters the registered
// codes use (RFC 6749, 5.2: invalid_grant, unauthorized_client...).
bool IsPlainErrorCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (const char c : code) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' || c == '-' ||
        c == '.' || c == '_') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

Status CheckSettings(const OidcSettings& settings) {
  const Result<FetchUrl> issuer = ParseFetchUrl(settings.issuer);
  if (!issuer.ok() || !(issuer->https || issuer->loopback)) {
    return Status::InvalidArgument("the OpenID issuer must be an https URL (http for a loopback host only)");
  }
  if (settings.issuer.find_first_of("?#") != std::string::npos) {
    return Status::InvalidArgument("the OpenID issuer must not have a query or fragment");
  }
  if (settings.client_id.empty()) return Status::InvalidArgument("the OpenID client id is empty");
  if (settings.client_secret.empty()) return Status::InvalidArgument("the OpenID client secret is empty");
  if (!IsAllowedUrl(settings.redirect_uri) || settings.redirect_uri.find('#') != std::string::npos) {
    return Status::InvalidArgument(
        "the OpenID redirect URI must be an https URL (http for a loopback host only) without a fragment");
  }
  const std::string scopes = " " + settings.scope + " ";
  if (scopes.find(" openid ") == std::string::npos) {
    return Status::InvalidArgument("the OpenID scope must include \"openid\"");
  }
  if (settings.timeout.count() <= 0) return Status::InvalidArgument("the OpenID timeout must be positive");
  return Status::Ok();
}

std::string DiscoveryUrl(std::string_view issuer) {
  if (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  return std::string(issuer) + "/.well-known/openid-configuration";
}

Result<ProviderMetadata> ParseDiscovery(std::string_view text, std::string_view issuer) {
  json::value storage;
  const json::object* document = ParseObject(text, storage);
  if (document == nullptr) return Invalid("is not a JSON object");
  const json::value* named = document->if_contains("issuer");
  if (named == nullptr || !named->is_string()) return Invalid("has no issuer");
  if (named->get_string() != issuer) {
    return Invalid("names the issuer " + Quote(named->get_string()) + ", not the configured " +
                   Quote(issuer));
  }
  ProviderMetadata out;
  out.issuer = std::string(issuer);
  const bool loopback_http = IsLoopbackHttpUrl(issuer);
  for (auto [name, field] :
       {std::pair{"authorization_endpoint", &out.authorization_endpoint},
        std::pair{"token_endpoint", &out.token_endpoint}, std::pair{"jwks_uri", &out.jwks_uri}}) {
    Result<std::string> url = Endpoint(*document, name, loopback_http);
    if (!url.ok()) return url.status();
    *field = std::move(*url);
  }
  if (out.authorization_endpoint.find('#') != std::string::npos) {
    return Invalid("has an authorization_endpoint with a fragment");
  }
  if (!ListHolds(*document, "response_types_supported", "code")) {
    return Invalid("does not list \"code\" in response_types_supported");
  }
  if (document->contains("code_challenge_methods_supported") &&
      !ListHolds(*document, "code_challenge_methods_supported", "S256")) {
    return Invalid("does not list S256 in code_challenge_methods_supported (PKCE)");
  }
  if (document->contains("id_token_signing_alg_values_supported") &&
      !ListHolds(*document, "id_token_signing_alg_values_supported", "RS256") &&
      !ListHolds(*document, "id_token_signing_alg_values_supported", "ES256")) {
    return Invalid("lists neither RS256 nor ES256 in id_token_signing_alg_values_supported");
  }
  constexpr std::string_view kMethods = "token_endpoint_auth_methods_supported";
  if (!document->contains(kMethods) || ListHolds(*document, kMethods, "client_secret_basic")) {
    out.client_auth = ClientAuth::kBasic;
  } else if (ListHolds(*document, kMethods, "client_secret_post")) {
    out.client_auth = ClientAuth::kPost;
  } else {
    return Invalid("lists neither client_secret_basic nor client_secret_post in " + std::string(kMethods));
  }
  const auto* names_issuer = document->if_contains("authorization_response_iss_parameter_supported");
  out.names_issuer_in_responses =
      names_issuer != nullptr && names_issuer->is_bool() && names_issuer->get_bool();
  return out;
}

Status CheckResponseIssuer(const ProviderMetadata& provider, std::optional<std::string_view> iss) {
  if (iss) {
    if (*iss != provider.issuer) {
      return Status::Unauthenticated("the authorization response names another issuer");
    }
  } else if (provider.names_issuer_in_responses) {
    return Status::Unauthenticated("the authorization response names no issuer");
  }
  return Status::Ok();
}

std::string AuthorizationUrl(const ProviderMetadata& provider, const OidcSettings& settings,
                             std::string_view state, std::string_view nonce,
                             std::string_view code_challenge) {
  std::string query;
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"response_type", "code"},
                             {"client_id", settings.client_id},
                             {"redirect_uri", settings.redirect_uri},
                             {"scope", settings.scope},
                             {"state", state},
                             {"nonce", nonce},
                             {"code_challenge", code_challenge},
                             {"code_challenge_method", "S256"}}) {
    if (!query.empty()) query += '&';
    query += std::string(name) + "=" + FormEncode(value);
  }
  // ParseDiscovery has made sure the endpoint parses; a query already there is kept.
  boost::urls::url url(provider.authorization_endpoint);
  if (url.has_query() && !url.encoded_query().empty()) query = std::string(url.encoded_query()) + "&" + query;
  url.set_encoded_query(query);
  return std::string(url.buffer());
}

FetchRequest TokenRequest(const ProviderMetadata& provider, const OidcSettings& settings,
                          std::string_view code, std::string_view code_verifier) {
  FetchRequest request;
  request.method = "POST";
  request.url = provider.token_endpoint;
  request.body = "grant_type=authorization_code&code=" + FormEncode(code) +
                 "&redirect_uri=" + FormEncode(settings.redirect_uri) +
                 "&code_verifier=" + FormEncode(code_verifier);
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  if (provider.client_auth == ClientAuth::kBasic) {
    // RFC 6749, 2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
    const std::string pair = FormEncode(settings.client_id) + ":" + FormEncode(settings.client_secret);
    request.headers.emplace_back("Authorization", "Basic " + Base64(pair));
  } else {
    request.body += "&client_id=" + FormEncode(settings.client_id) +
                    "&client_secret=" + FormEncode(settings.client_secret);
  }
  return request;
}

Result<std::string> IdTokenFromReply(const FetchReply& reply) {
  json::value storage;
  const json::object* body = ParseObject(reply.body, storage);
  if (reply.status == 400 || reply.status == 401) {
    const json::value* error = body != nullptr ? body->if_contains("error") : nullptr;
    const bool plain = error != nullptr && error->is_string() && IsPlainErrorCode(error->get_string());
    return Status::Unauthenticated("sign-in refused by the provider (" +
                                   (plain ? std::string(error->get_string()) : "unrecognised error") + ")");
  }
  if (reply.status != 200) {
    return Status::Unavailable("the provider's token endpoint failed",
                               "token endpoint answered HTTP " + std::to_string(reply.status));
  }
  if (body == nullptr) {
    return Status::Unavailable("the provider's token endpoint failed", "token reply is not a JSON object");
  }
  const json::value* token = body->if_contains("id_token");
  if (token == nullptr || !token->is_string() || token->get_string().empty()) {
    return Status::Unauthenticated("sign-in refused: the provider sent no ID token");
  }
  return std::string(token->get_string());
}

}  // namespace taskshare::auth
