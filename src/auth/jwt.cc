#include "auth/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "common/base64.h"
#include "common/digest.h"

namespace tr::auth {
namespace {

constexpr std::size_t kMaxTokenBytes = 8 * 1024;
// RFC 7518 section 3.3 asks for >= 2048 bits; the upper bound caps verification cost.
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;

struct BnDeleter {
  void operator()(BIGNUM* bn) const noexcept { BN_free(bn); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const noexcept { OSSL_PARAM_BLD_free(bld); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const noexcept { OSSL_PARAM_free(params); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

JwtResult Fail(JwtError error) {
  JwtResult result;
  result.error = error;
  return result;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

enum class Field { kAbsent, kOk, kInvalid };

// NumericDate (RFC 7519 section 2): seconds, possibly fractional; clamped into int64.
Field ReadNumericDate(const Json& object, const char* name, int64_t* out) {
  auto it = object.find(name);
  if (it == object.end()) {
    return Field::kAbsent;
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    *out = v > static_cast<uint64_t>(kMax) ? kMax : static_cast<int64_t>(v);
  } else if (it->is_number_integer()) {
    *out = it->get<int64_t>();
  } else if (it->is_number_float()) {
    double v = it->get<double>();
    if (std::isnan(v)) {
      return Field::kInvalid;
    }
    // 2^63 is exactly representable; casting anything outside (-2^63, 2^63) would be UB.
    constexpr double kLimit = 9223372036854775808.0;
    *out = v >= kLimit ? kMax : v <= -kLimit ? kMin : static_cast<int64_t>(v);
  } else {
    return Field::kInvalid;
  }
  return Field::kOk;
}

// A claim we interpret must have the right type when present.
bool ReadString(const Json& object, const char* name, std::string* out) {
  auto it = object.find(name);
  if (it == object.end()) {
    return true;
  }
  if (!it->is_string()) {
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

std::optional<Json> ParseObject(std::string_view base64url) {
  std::optional<std::string> text = Base64UrlDecode(base64url);
  if (!text) {
    return std::nullopt;
  }
  Json value = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    return std::nullopt;
  }
  return value;
}

bool RsaVerify(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  // RSASSA-PKCS1-v1_5 signatures are exactly the modulus size (RFC 8017 section 8.2.2).
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  ERR_clear_error();  // A failed verification leaves entries in the thread's error queue.
  return ok;
}

BnPtr DecodeBigNum(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    throw std::invalid_argument(std::string("JWK: missing \"") + name + "\"");
  }
  std::optional<std::string> bytes = Base64UrlDecode(it->get_ref<const std::string&>());
  if (!bytes || bytes->empty()) {
    throw std::invalid_argument(std::string("JWK: \"") + name + "\" is not base64url");
  }
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                     static_cast<int>(bytes->size()), nullptr));
  if (!bn) {
    throw std::bad_alloc();
  }
  return bn;
}

// An RSA public key from a JWK (RFC 7518 section 6.3.1).
EvpPkeyPtr RsaKeyFromJwk(const Json& jwk) {
  BnPtr n = DecodeBigNum(jwk, "n");
  BnPtr e = DecodeBigNum(jwk, "e");
  int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    throw std::invalid_argument("JWK: RSA modulus must have 2048..8192 bits");
  }
  if (!BN_is_odd(e.get()) || BN_is_one(e.get()) || BN_num_bits(e.get()) > 64) {
    throw std::invalid_argument("JWK: bad RSA exponent");
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("JWK: cannot build RSA key");
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("JWK: cannot build RSA key");
  }
  return EvpPkeyPtr(raw);
}

// Members that, when present, must be strings (RFC 7517 section 4).
std::optional<std::string> OptionalJwkString(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    throw std::invalid_argument(std::string("JWK: \"") + name + "\" must be a string");
  }
  return it->get<std::string>();
}

}  // namespace

const char* JwtErrorName(JwtError error) {
  switch (error) {
    case JwtError::kNone:
      return "none";
    case JwtError::kMalformed:
      return "malformed";
    case JwtError::kUnsupportedAlgorithm:
      return "unsupported_algorithm";
    case JwtError::kUnknownKey:
      return "unknown_key";
    case JwtError::kBadSignature:
      return "bad_signature";
    case JwtError::kExpired:
      return "expired";
    case JwtError::kNotYetValid:
      return "not_yet_valid";
    case JwtError::kWrongIssuer:
      return "wrong_issuer";
    case JwtError::kWrongAudience:
      return "wrong_audience";
    case JwtError::kMissingClaim:
      return "missing_claim";
  }
  return "unknown";
}

JwtVerifier::JwtVerifier(Options options) : options_(std::move(options)) {
  if (options_.leeway_seconds < 0) {
    options_.leeway_seconds = 0;
  }
}

void JwtVerifier::AddRsaKey(const SigningKey& key) { AddJwks(key.Jwks()); }

void JwtVerifier::AddJwks(const Json& jwks) {
  if (!jwks.is_object()) {
    throw std::invalid_argument("JWKS must be an object");
  }
  auto keys = jwks.find("keys");
  if (keys == jwks.end() || !keys->is_array()) {
    throw std::invalid_argument("JWKS needs a \"keys\" array");
  }
  std::vector<RsaKey> parsed;
  for (const Json& jwk : *keys) {
    if (!jwk.is_object()) {
      throw std::invalid_argument("JWK must be an object");
    }
    std::optional<std::string> kty = OptionalJwkString(jwk, "kty");
    if (!kty) {
      throw std::invalid_argument("JWK: missing \"kty\"");
    }
    std::optional<std::string> use = OptionalJwkString(jwk, "use");
    std::optional<std::string> alg = OptionalJwkString(jwk, "alg");
    std::optional<std::string> kid = OptionalJwkString(jwk, "kid");
    // Supabase's JWKS may also list EC keys; those are not ours to use.
    if (*kty != "RSA" || (use && *use != "sig") || (alg && *alg != "RS256")) {
      continue;
    }
    parsed.push_back(RsaKey{kid.value_or(""), RsaKeyFromJwk(jwk)});
  }
  for (RsaKey& key : parsed) {
    bool replaced = false;
    for (RsaKey& existing : rsa_keys_) {
      if (!key.kid.empty() && existing.kid == key.kid) {
        existing.key = std::move(key.key);
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      rsa_keys_.push_back(std::move(key));
    }
  }
}

void JwtVerifier::SetHs256Secret(std::string secret) { hs256_secret_ = std::move(secret); }

JwtResult JwtVerifier::Verify(std::string_view token, int64_t now_unix) const {
  // The contract is "never throws on any input". Nothing below should throw except on
  // out-of-memory; if it does, the token is rejected rather than the request crashing.
  try {
    return VerifyOrThrow(token, now_unix);
  } catch (...) {
    ERR_clear_error();
    return Fail(JwtError::kMalformed);
  }
}

const JwtVerifier::RsaKey* JwtVerifier::FindRsaKey(const Json& header, JwtError* error) const {
  auto kid = header.find("kid");
  if (kid != header.end()) {
    if (!kid->is_string()) {
      *error = JwtError::kMalformed;
      return nullptr;
    }
    const std::string& wanted = kid->get_ref<const std::string&>();
    for (const RsaKey& key : rsa_keys_) {
      if (!key.kid.empty() && key.kid == wanted) {
        return &key;
      }
    }
    *error = JwtError::kUnknownKey;
    return nullptr;
  }
  // Without a kid only an unambiguous key is acceptable.
  if (rsa_keys_.size() == 1) {
    return &rsa_keys_.front();
  }
  *error = JwtError::kUnknownKey;
  return nullptr;
}

JwtResult JwtVerifier::VerifyOrThrow(std::string_view token, int64_t now_unix) const {
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Fail(JwtError::kMalformed);
  }
  // JWS compact serialization: exactly three parts (RFC 7515 section 7.1); five would be JWE.
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos ||
      dot1 == 0 || dot2 == dot1 + 1) {
    return Fail(JwtError::kMalformed);
  }
  const std::string_view signing_input = token.substr(0, dot2);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);

  std::optional<Json> header = ParseObject(token.substr(0, dot1));
  std::optional<std::string> signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header || !signature) {
    return Fail(JwtError::kMalformed);
  }
  auto alg = header->find("alg");
  // We understand no critical extensions, so any "crit" must be rejected (RFC 7515 4.1.11).
  if (alg == header->end() || !alg->is_string() || header->contains("crit")) {
    return Fail(JwtError::kMalformed);
  }

  // The key decides the algorithm (RFC 8725 section 3.1): HS256 only ever uses the shared
  // secret and RS256 only RSA public keys, so a public key can never become an HMAC secret.
  const std::string& alg_name = alg->get_ref<const std::string&>();
  if (alg_name == "HS256") {
    if (hs256_secret_.empty()) {
      return Fail(JwtError::kUnsupportedAlgorithm);
    }
    auto mac = HmacSha256(hs256_secret_, signing_input);
    if (!ConstantTimeEquals(*signature,
                            std::string_view(reinterpret_cast<const char*>(mac.data()),
                                             mac.size()))) {
      return Fail(JwtError::kBadSignature);
    }
  } else if (alg_name == "RS256") {
    if (rsa_keys_.empty()) {
      return Fail(JwtError::kUnsupportedAlgorithm);
    }
    JwtError key_error = JwtError::kNone;
    const RsaKey* key = FindRsaKey(*header, &key_error);
    if (key == nullptr) {
      return Fail(key_error);
    }
    if (!RsaVerify(key->key.get(), signing_input, *signature)) {
      return Fail(JwtError::kBadSignature);
    }
  } else {
    return Fail(JwtError::kUnsupportedAlgorithm);  // "none", HS384, ES256, ...
  }

  // Only now, with the signature checked, is the payload worth parsing.
  std::optional<Json> payload = ParseObject(payload_part);
  if (!payload) {
    return Fail(JwtError::kMalformed);
  }
  JwtResult result;
  Claims& claims = result.claims;
  if (!ReadString(*payload, "sub", &claims.sub) || !ReadString(*payload, "email", &claims.email) ||
      !ReadString(*payload, "role", &claims.role) || !ReadString(*payload, "iss", &claims.iss)) {
    return Fail(JwtError::kMalformed);
  }
  Field exp = ReadNumericDate(*payload, "exp", &claims.exp);
  Field nbf = ReadNumericDate(*payload, "nbf", &claims.nbf);
  Field iat = ReadNumericDate(*payload, "iat", &claims.iat);
  if (exp == Field::kInvalid || nbf == Field::kInvalid || iat == Field::kInvalid) {
    return Fail(JwtError::kMalformed);
  }

  // "aud" is a string or an array of strings (RFC 7519 section 4.1.3).
  bool audience_ok = options_.audience.empty();
  if (auto aud = payload->find("aud"); aud != payload->end()) {
    if (aud->is_string()) {
      claims.aud = aud->get<std::string>();
      audience_ok = audience_ok || claims.aud == options_.audience;
    } else if (aud->is_array()) {
      for (const Json& entry : *aud) {
        if (!entry.is_string()) {
          return Fail(JwtError::kMalformed);
        }
        const std::string& value = entry.get_ref<const std::string&>();
        if (claims.aud.empty()) {
          claims.aud = value;  // the first one, unless a later one is the one we want
        }
        if (!options_.audience.empty() && value == options_.audience) {
          claims.aud = value;
          audience_ok = true;
        }
      }
    } else {
      return Fail(JwtError::kMalformed);
    }
  }

  if (auto meta = payload->find("app_metadata"); meta != payload->end() && meta->is_object()) {
    auto org_id = meta->find("organization_id");
    if (org_id != meta->end() && org_id->is_string()) {
      claims.organization_id = org_id->get<std::string>();
    }
    auto org_role = meta->find("organization_role");
    if (org_role != meta->end() && org_role->is_string()) {
      claims.organization_role = org_role->get<std::string>();
    }
  }

  // A token without a subject (e.g. Supabase's public anon key, which is signed with the
  // same secret) must not authenticate anyone.
  if (exp == Field::kAbsent || claims.sub.empty()) {
    return Fail(JwtError::kMissingClaim);
  }
  if (now_unix >= SaturatingAdd(claims.exp, options_.leeway_seconds)) {
    return Fail(JwtError::kExpired);
  }
  if (nbf == Field::kOk && claims.nbf > SaturatingAdd(now_unix, options_.leeway_seconds)) {
    return Fail(JwtError::kNotYetValid);
  }
  if (!options_.issuer.empty() && claims.iss != options_.issuer) {
    return Fail(JwtError::kWrongIssuer);
  }
  if (!audience_ok) {
    return Fail(JwtError::kWrongAudience);
  }
  claims.payload = std::move(*payload);
  return result;
}

Json ClaimsToPayload(const Claims& claims) {
  Json metadata = Json::object();
  if (!claims.organization_id.empty()) {
    metadata["organization_id"] = claims.organization_id;
  }
  if (!claims.organization_role.empty()) {
    metadata["organization_role"] = claims.organization_role;
  }
  Json payload = {{"sub", claims.sub},   {"email", claims.email},  {"role", claims.role},
                  {"app_metadata", metadata}, {"iat", claims.iat}, {"exp", claims.exp}};
  if (!claims.iss.empty()) {
    payload["iss"] = claims.iss;
  }
  if (!claims.aud.empty()) {
    payload["aud"] = claims.aud;
  }
  return payload;
}

}  // namespace tr::auth
