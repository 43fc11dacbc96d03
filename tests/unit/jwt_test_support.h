// Test-only JOSE helpers for OpenID Connect sign-in (auth/id_token.h): RSA and EC keys made with
// OpenSSL, their public JWKs, and compact JWS signed here with OpenSSL's EVP calls rather than with
// cjose, so that the verifier is checked against a signer it shares no code with. Failures throw
// std::runtime_error (a test that cannot make its keys should stop). Header-only; a key may sign from
// several threads at once.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace taskshare::testing {

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

// `bytes` as unpadded base64url (RFC 7515, 2).
inline std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (bytes.size() - i == 1) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    for (int shift = 18; shift >= 6; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  return out;
}

inline void Require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("jwt_test_support: ") + what);
}

// A new RSA key of `bits` bits (exponent 65537).
inline PkeyPtr MakeRsaKey(unsigned bits = 2048) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
  Require(key != nullptr, "RSA keygen");
  return PkeyPtr(key, EVP_PKEY_free);
}

// A new EC key on `curve` ("P-256", "P-384", "P-521").
inline PkeyPtr MakeEcKey(const char* curve = "P-256") {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  Require(key != nullptr, "EC keygen");
  return PkeyPtr(key, EVP_PKEY_free);
}

// The big-endian bytes of the BIGNUM parameter `name` of `key`, left-padded with zeros to `size` bytes
// (0: no padding).
inline std::string BigNumParam(const EVP_PKEY* key, const char* name, int size = 0) {
  BIGNUM* bn = nullptr;
  Require(EVP_PKEY_get_bn_param(key, name, &bn) == 1, name);
  std::string out(size > 0 ? size : BN_num_bytes(bn), '\0');
  const int written = size > 0 ? BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size)
                               : BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  Require(written == static_cast<int>(out.size()), "BN_bn2bin");
  return out;
}

// The bytes of one coordinate or scalar of the EC key's curve.
inline int EcFieldBytes(const EVP_PKEY* key) { return (EVP_PKEY_get_bits(key) + 7) / 8; }

// The public JWK of `key` with "kid" `kid` (none if empty) and "use" "sig": kty/n/e for RSA,
// kty/crv/x/y for EC.
inline boost::json::object PublicJwk(const EVP_PKEY* key, std::string_view kid) {
  boost::json::object jwk;
  if (EVP_PKEY_is_a(key, "RSA")) {
    jwk["kty"] = "RSA";
    jwk["n"] = Base64Url(BigNumParam(key, OSSL_PKEY_PARAM_RSA_N));
    jwk["e"] = Base64Url(BigNumParam(key, OSSL_PKEY_PARAM_RSA_E));
  } else {
    char group[32] = {};
    Require(
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) == 1,
        "group name");
    const std::string_view name = group;
    jwk["kty"] = "EC";
    jwk["crv"] = name == "prime256v1" ? "P-256" : name == "secp384r1" ? "P-384" : "P-521";
    jwk["x"] = Base64Url(BigNumParam(key, OSSL_PKEY_PARAM_EC_PUB_X, EcFieldBytes(key)));
    jwk["y"] = Base64Url(BigNumParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, EcFieldBytes(key)));
  }
  if (!kid.empty()) jwk["kid"] = kid;
  jwk["use"] = "sig";
  return jwk;
}

// A JWKS document holding `keys`.
inline std::string JwksDocument(const std::vector<boost::json::object>& keys) {
  boost::json::array array;
  for (const auto& key : keys) array.push_back(key);
  return boost::json::serialize(boost::json::object{{"keys", std::move(array)}});
}

// The public key of `key` as SubjectPublicKeyInfo, DER or PEM: what an attacker who knows the
// provider's public key would use as an HMAC secret.
inline std::string PublicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  Require(size > 0, "i2d_PUBKEY");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}
inline std::string PublicKeyPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  Require(bio && PEM_write_bio_PUBKEY(bio.get(), key) == 1, "PEM_write_bio_PUBKEY");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// The HMAC-SHA-256 of `input` under `secret`.
inline std::string HmacSha256(std::string_view secret, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Require(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size) != nullptr,
          "HMAC");
  return std::string(reinterpret_cast<const char*>(mac), size);
}

// The JWS signature (RFC 7518, 3) of `input` under `alg` with `key`: RS256/384/512 (PKCS #1 v1.5),
// PS256/384/512 (PSS, salt as long as the hash), ES256/384/512 (R || S, each as long as the curve's
// field; the digest follows the alg, not the curve, so that an ES256 signature by a P-384 key can be
// made).
inline std::string Sign(std::string_view alg, EVP_PKEY* key, std::string_view input) {
  const std::string_view bits = alg.substr(2);
  const EVP_MD* md = bits == "256" ? EVP_sha256() : bits == "384" ? EVP_sha384() : EVP_sha512();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  Require(ctx && EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key) == 1, "EVP_DigestSignInit");
  if (alg.starts_with("PS")) {
    Require(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
            "PSS");
  }
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  Require(EVP_DigestSign(ctx.get(), nullptr, &size, data, input.size()) == 1, "EVP_DigestSign size");
  std::string sig(size, '\0');
  Require(
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, data, input.size()) == 1,
      "EVP_DigestSign");
  sig.resize(size);
  if (!alg.starts_with("ES")) return sig;

  // OpenSSL writes ECDSA-Sig-Value (DER); JWS wants the raw R || S.
  const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> ecdsa(d2i_ECDSA_SIG(nullptr, &der, sig.size()),
                                                              ECDSA_SIG_free);
  Require(ecdsa != nullptr, "d2i_ECDSA_SIG");
  const int n = EcFieldBytes(key);
  std::string raw(2 * n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  Require(BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa.get()), out, n) == n &&
              BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa.get()), out + n, n) == n,
          "BN_bn2binpad");
  return raw;
}

// The signing input of a JWS: base64url(header) "." base64url(payload).
inline std::string SigningInput(std::string_view header_json, std::string_view payload_json) {
  return Base64Url(header_json) + "." + Base64Url(payload_json);
}

// A compact JWS of `header` and `payload` signed with `key` under the header's "alg" (Sign), or with
// `key` null an HMAC under `hmac_secret` (HS256).
inline std::string SignJws(const boost::json::object& header, const boost::json::object& payload,
                           EVP_PKEY* key, std::string_view hmac_secret = {}) {
  const std::string input = SigningInput(boost::json::serialize(header), boost::json::serialize(payload));
  const std::string alg(header.at("alg").as_string());
  return input + "." + Base64Url(key ? Sign(alg, key, input) : HmacSha256(hmac_secret, input));
}

}  // namespace taskshare::testing
