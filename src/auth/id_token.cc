#include "auth/id_token.h"

#include <cjose/cjose.h>
#include <jansson.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace taskshare::auth {

enum class Jwks::KeyType : int { kRsa, kEcP256 };

namespace {

struct JwkRelease {
  void operator()(cjose_jwk_t* jwk) const { cjose_jwk_release(jwk); }
};
struct JwsRelease {
  void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
};

// The members of a public JWK that cjose is given, by type; nothing else (no "d", no "kid") reaches it.
constexpr std::array<std::string_view, 2> kRsaMembers = {"n", "e"};
constexpr std::array<std::string_view, 2> kEcMembers = {"x", "y"};

// Whether `s` is unpadded base64url of some bytes. cjose's decoder (0.6.2) is not safe on anything
// else: it stops at a '=' and ignores the rest, and aborts the process on "AAAAA=AA" (an assert that
// Debian's build keeps), so nothing reaches it unchecked.
bool IsBase64Url(std::string_view s) {
  if (s.empty() || s.size() % 4 == 1) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

const boost::json::string* StringMember(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// Whether the optional member `key` of `o` is absent or the string `expected`.
bool AbsentOrEquals(const boost::json::object& o, std::string_view key, std::string_view expected) {
  if (!o.contains(key)) return true;
  const boost::json::string* s = StringMember(o, key);
  return s && *s == expected;
}

}  // namespace

struct Jwks::Key {
  KeyType type;
  std::optional<std::string> kid;
  std::unique_ptr<cjose_jwk_t, JwkRelease> jwk;
};

struct Jwks::Selection {
  enum class Outcome { kFound, kUnknown, kAmbiguous, kOtherType };
  Outcome outcome = Outcome::kUnknown;
  std::vector<const Key*> keys;
};

namespace {

struct ImportedKey {
  bool rsa = false;  // else EC P-256
  std::optional<std::string> kid;
  std::unique_ptr<cjose_jwk_t, JwkRelease> jwk;
};

// The usable key `entry` of a JWKS as Jwks::Parse describes, or nullopt to skip it.
std::optional<ImportedKey> ImportKey(const boost::json::value& entry) {
  const boost::json::object* jwk = entry.if_object();
  if (!jwk) return std::nullopt;
  const boost::json::string* kty = StringMember(*jwk, "kty");
  const boost::json::string* crv = StringMember(*jwk, "crv");
  if (!kty) return std::nullopt;
  const bool rsa = *kty == "RSA";
  if (!rsa && !(*kty == "EC" && crv && *crv == "P-256")) return std::nullopt;
  if (!AbsentOrEquals(*jwk, "use", "sig") || !AbsentOrEquals(*jwk, "alg", rsa ? "RS256" : "ES256")) {
    return std::nullopt;
  }
  std::optional<std::string> kid;
  if (jwk->contains("kid")) {
    const boost::json::string* s = StringMember(*jwk, "kid");
    if (!s) return std::nullopt;
    kid.emplace(*s);
  }

  boost::json::object public_jwk{{"kty", *kty}};
  if (!rsa) public_jwk["crv"] = "P-256";
  for (const std::string_view member : rsa ? kRsaMembers : kEcMembers) {
    const boost::json::string* s = StringMember(*jwk, member);
    if (!s || !IsBase64Url(*s)) return std::nullopt;
    public_jwk[member] = *s;
  }
  const std::string text = boost::json::serialize(public_jwk);
  cjose_err err{};
  std::unique_ptr<cjose_jwk_t, JwkRelease> imported(cjose_jwk_import(text.data(), text.size(), &err));
  if (!imported) return std::nullopt;  // a point off the curve, say
  if (rsa) {
    if (cjose_jwk_get_kty(imported.get(), &err) != CJOSE_JWK_KTY_RSA ||
        cjose_jwk_get_keysize(imported.get(), &err) < kMinRsaKeyBits) {
      return std::nullopt;
    }
  } else if (cjose_jwk_get_kty(imported.get(), &err) != CJOSE_JWK_KTY_EC ||
             cjose_jwk_EC_get_curve(imported.get(), &err) != CJOSE_JWK_EC_P_256) {
    return std::nullopt;
  }
  return ImportedKey{rsa, std::move(kid), std::move(imported)};
}

}  // namespace

Jwks::Jwks() = default;
Jwks::Jwks(Jwks&&) noexcept = default;
Jwks& Jwks::operator=(Jwks&&) noexcept = default;
Jwks::~Jwks() = default;

bool Jwks::empty() const { return keys_.empty(); }
std::size_t Jwks::size() const { return keys_.size(); }

Result<Jwks> Jwks::Parse(std::string_view json) {
  if (json.size() > kMaxJwksBytes) return Status::InvalidArgument("the JWKS document is too large");
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(json, ec);
  if (ec) return Status::InvalidArgument("the JWKS document is not JSON");
  const boost::json::object* root = doc.if_object();
  const boost::json::value* keys = root ? root->if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return Status::InvalidArgument("the JWKS document has no \"keys\" array");
  Jwks jwks;
  for (const boost::json::value& entry : keys->get_array()) {
    if (std::optional<ImportedKey> key = ImportKey(entry)) {
      jwks.keys_.push_back(
          Key{key->rsa ? KeyType::kRsa : KeyType::kEcP256, std::move(key->kid), std::move(key->jwk)});
    }
  }
  return jwks;
}

Jwks::Selection Jwks::Select(KeyType type, const std::string* kid) const {
  Selection selection;
  bool other_type = false;
  std::size_t of_type = 0;
  for (const Key& key : keys_) {
    if (kid && (!key.kid || *key.kid != *kid)) continue;
    if (key.type != type) {
      other_type = true;
      continue;
    }
    ++of_type;
    selection.keys.push_back(&key);
  }
  using Outcome = Selection::Outcome;
  if (!kid && of_type > 1) {
    // OpenID Connect Core 10.1: a token must name its key when the JWKS holds several. Without a kid,
    // only a provider's sole key of the type is used.
    selection.keys.clear();
    selection.outcome = Outcome::kAmbiguous;
  } else if (!selection.keys.empty()) {
    selection.outcome = Outcome::kFound;
  } else {
    selection.outcome = kid && other_type ? Outcome::kOtherType : Outcome::kUnknown;
  }
  return selection;
}

namespace {

// Times are clamped to the years 0000-9999 so that no sum or difference of them overflows.
constexpr std::int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

std::int64_t ClampSeconds(std::int64_t s) { return std::clamp(s, -kMaxSeconds, kMaxSeconds); }

// A NumericDate (RFC 7519, 2: seconds since the epoch, possibly fractional) as microseconds; nullopt if
// `v` is missing or not a finite number.
std::optional<UnixMicros> NumericDate(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return ClampSeconds(v->get_int64()) * kMicrosPerSecond;
  if (v->is_uint64()) return kMaxSeconds * kMicrosPerSecond;  // above INT64_MAX seconds
  if (v->is_double() && std::isfinite(v->get_double())) {
    const double s =
        std::clamp(v->get_double(), -static_cast<double>(kMaxSeconds), static_cast<double>(kMaxSeconds));
    return static_cast<UnixMicros>(std::llround(s * kMicrosPerSecond));
  }
  return std::nullopt;
}

Status Refuse(std::string_view why, Reason reason = Reason::kNone) {
  return Status::Unauthenticated("ID token refused: " + std::string(why), reason);
}

// Whether "aud" (a string or an array of strings) holds `client_id`; `several` says whether it holds
// more than one value. Refused outright when "aud" is missing or of another shape.
bool AudienceHolds(const boost::json::value* aud, std::string_view client_id, bool& several) {
  several = false;
  if (!aud) return false;
  if (const boost::json::string* s = aud->if_string()) return *s == client_id;
  const boost::json::array* values = aud->if_array();
  if (!values) return false;
  bool holds = false;
  for (const boost::json::value& v : *values) {
    const boost::json::string* s = v.if_string();
    if (!s) return false;
    holds = holds || *s == client_id;
  }
  several = values->size() > 1;
  return holds;
}

// Claim rules of VerifyIdToken, on a payload whose signature has been verified.
Result<IdTokenClaims> CheckClaims(boost::json::object payload, const IdTokenCheck& check) {
  const boost::json::string* iss = StringMember(payload, "iss");
  if (!iss || *iss != check.issuer) return Refuse("it was issued by another provider");
  bool several_audiences = false;
  if (!AudienceHolds(payload.if_contains("aud"), check.client_id, several_audiences)) {
    return Refuse("it was issued for another client");
  }
  if (payload.contains("azp") || several_audiences) {
    const boost::json::string* azp = StringMember(payload, "azp");
    if (!azp || *azp != check.client_id) return Refuse("its authorized party is not this client");
  }

  const UnixMicros now =
      std::clamp(check.now, -kMaxSeconds * kMicrosPerSecond, kMaxSeconds * kMicrosPerSecond);
  const UnixMicros skew = ClampSeconds(std::max<std::int64_t>(check.skew_seconds, 0)) * kMicrosPerSecond;
  const UnixMicros max_age =
      ClampSeconds(std::max<std::int64_t>(check.max_age_seconds, 0)) * kMicrosPerSecond;
  const std::optional<UnixMicros> exp = NumericDate(payload.if_contains("exp"));
  if (!exp) return Refuse("its expiry time is missing or malformed");
  if (*exp + skew <= now) return Refuse("it has expired");
  const std::optional<UnixMicros> iat = NumericDate(payload.if_contains("iat"));
  if (!iat) return Refuse("its issue time is missing or malformed");
  if (*iat > now + skew) return Refuse("it was issued in the future");
  if (*iat + max_age + skew < now) return Refuse("it was issued too long ago");
  if (payload.contains("nbf")) {
    const std::optional<UnixMicros> nbf = NumericDate(payload.if_contains("nbf"));
    if (!nbf) return Refuse("its not-before time is malformed");
    if (*nbf > now + skew) return Refuse("it is not valid yet");
  }

  const boost::json::string* nonce = StringMember(payload, "nonce");
  if (!nonce || *nonce != check.nonce) return Refuse("its nonce does not match this sign-in");
  const boost::json::string* sub = StringMember(payload, "sub");
  if (!sub || sub->empty() || sub->size() > 255) return Refuse("its subject is missing or malformed");
  const boost::json::string* email = StringMember(payload, "email");
  if (!email) return Refuse("it has no email address");
  const boost::json::value* verified = payload.if_contains("email_verified");
  if (!verified || !verified->is_bool() || !verified->get_bool()) {
    return Refuse("its email address is not verified");
  }

  IdTokenClaims claims;
  claims.subject = std::string(*sub);
  claims.email = std::string(*email);
  claims.expires_at = *exp;
  claims.claims = std::move(payload);
  return claims;
}

// A header member as a string_view of all its bytes (jansson's C string would stop at a NUL).
std::optional<std::string_view> HeaderString(json_t* header, const char* key) {
  json_t* v = json_object_get(header, key);
  if (!json_is_string(v)) return std::nullopt;
  return std::string_view(json_string_value(v), json_string_length(v));
}

// What VerifyIdToken reads from a token's header.
struct TokenHeader {
  bool rsa = false;  // RS256; else ES256
  std::optional<std::string> kid;
};

// The header rules of VerifyIdToken, on the header cjose parsed; `signature` is the token's third part.
Result<TokenHeader> CheckHeader(json_t* header, std::string_view signature) {
  if (!json_is_object(header)) return Refuse("its header is malformed");
  const std::optional<std::string_view> alg = HeaderString(header, "alg");
  if (!alg || (*alg != "RS256" && *alg != "ES256")) return Refuse("its algorithm is not accepted");
  if (json_object_get(header, "crit")) return Refuse("it has critical header parameters");
  TokenHeader facts;
  facts.rsa = *alg == "RS256";
  if (json_object_get(header, "kid")) {
    const std::optional<std::string_view> kid = HeaderString(header, "kid");
    if (!kid) return Refuse("its header is malformed");
    facts.kid.emplace(*kid);
  }
  // ES256 signatures are R || S, 32 bytes each (RFC 7518, 3.4): 86 base64url characters. cjose takes
  // any length and splits it in half, so a padded R and S would verify as well.
  if (!facts.rsa && signature.size() != 86) return Refuse("its signature is malformed");
  return facts;
}

}  // namespace

Result<IdTokenClaims> VerifyIdToken(std::string_view compact, const Jwks& keys, const IdTokenCheck& check) {
  if (check.issuer.empty() || check.client_id.empty()) {
    return Status::Internal("sign-in is misconfigured", "VerifyIdToken: the issuer or client_id is empty");
  }
  if (check.nonce.empty()) return Refuse("there is no nonce to check it against");
  if (compact.size() > kMaxIdTokenBytes) return Refuse("it is too long");
  const std::size_t dot1 = compact.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || !IsBase64Url(compact.substr(0, dot1)) ||
      !IsBase64Url(compact.substr(dot1 + 1, dot2 - dot1 - 1)) || !IsBase64Url(compact.substr(dot2 + 1))) {
    return Refuse("it is not three base64url parts");
  }

  // cjose parses the header (jansson) and decodes the parts; the header rules read the header cjose
  // will verify with, so that no second JSON parser can read it differently.
  cjose_err err{};
  std::unique_ptr<cjose_jws_t, JwsRelease> jws(cjose_jws_import(compact.data(), compact.size(), &err));
  if (!jws) return Refuse("its header is malformed");
  Result<TokenHeader> header = CheckHeader(cjose_jws_get_protected(jws.get()), compact.substr(dot2 + 1));
  if (!header.ok()) return header.status();
  const Jwks::KeyType type = header->rsa ? Jwks::KeyType::kRsa : Jwks::KeyType::kEcP256;

  const Jwks::Selection selection = keys.Select(type, header->kid ? &*header->kid : nullptr);
  using Outcome = Jwks::Selection::Outcome;
  switch (selection.outcome) {
    case Outcome::kFound:
      break;
    case Outcome::kUnknown:
      return Refuse("its signing key is unknown", Reason::kUnknownSigningKey);
    case Outcome::kAmbiguous:
      return Refuse("it names no signing key and the provider has several");
    case Outcome::kOtherType:
      return Refuse("its algorithm does not fit its signing key");
  }
  // Several keys only when the provider lists several of one type under one kid: any of them may sign.
  bool verified = false;
  for (const Jwks::Key* key : selection.keys) {
    if (cjose_jws_verify(jws.get(), key->jwk.get(), &err)) {
      verified = true;
      break;
    }
  }
  if (!verified) return Refuse("its signature does not verify");

  std::uint8_t* plaintext = nullptr;
  std::size_t plaintext_size = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &plaintext_size, &err)) {
    return Refuse("its payload is not a JSON object");
  }
  boost::system::error_code ec;
  boost::json::value payload =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(plaintext), plaintext_size), ec);
  if (ec || !payload.is_object()) return Refuse("its payload is not a JSON object");
  return CheckClaims(std::move(payload.get_object()), check);
}

}  // namespace taskshare::auth
