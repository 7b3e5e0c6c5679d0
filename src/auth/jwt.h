#pragma once
// JWT (RFC 7519) verification for access tokens: RS256 tokens of this server or of a JWKS
// (RFC 7517), and HS256 tokens of a Supabase project's shared secret. Follows the JWT Best
// Current Practices (RFC 8725): the algorithm is chosen by the key, never by the token.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/signing_key.h"
#include "common/json.h"

namespace tr::auth {

// The blueprint's claims (section 6); organization_* come from `app_metadata`.
struct Claims {
  std::string sub, email, role, organization_id, organization_role, iss, aud;
  int64_t exp = 0, iat = 0, nbf = 0;
  Json payload;  // the whole verified payload
};

enum class JwtError {
  kNone,
  kMalformed,
  kUnsupportedAlgorithm,
  kUnknownKey,
  kBadSignature,
  kExpired,
  kNotYetValid,
  kWrongIssuer,
  kWrongAudience,
  kMissingClaim,
};

// "none", "malformed", "unsupported_algorithm", ... (for logs and metrics).
const char* JwtErrorName(JwtError error);

struct JwtResult {
  JwtError error = JwtError::kNone;
  Claims claims;
  bool Ok() const { return error == JwtError::kNone; }
};

// Declared outside JwtVerifier only so that `JwtVerifier(Options options = {})` compiles: a
// nested struct's default member initializers are not usable inside the enclosing class.
struct JwtVerifierOptions {
  std::string issuer;    // empty = not checked
  std::string audience;  // empty = not checked
  int64_t leeway_seconds = 30;
};

// Configure (Add*/Set*) before sharing; afterwards Verify() may run on any number of threads.
class JwtVerifier {
 public:
  using Options = JwtVerifierOptions;

  explicit JwtVerifier(Options options = {});

  // Trusts our own key for RS256 (only its public half is kept).
  void AddRsaKey(const SigningKey& key);
  // Trusts the RSA keys of a JWKS document for RS256; keys of other types, or marked for
  // another use or algorithm, are skipped. A key whose kid is already known replaces it.
  // Throws std::invalid_argument when the document or an RSA key in it is malformed (then
  // nothing is added).
  void AddJwks(const Json& jwks);
  // Supabase's shared secret for HS256, used as raw bytes; empty disables HS256.
  void SetHs256Secret(std::string secret);

  // Never throws. Requires `exp` and a non-empty `sub`; honours `nbf`; checks `iss` and `aud`
  // when configured. Tokens longer than 8 KiB are kMalformed.
  JwtResult Verify(std::string_view token, int64_t now_unix) const;

 private:
  struct RsaKey {
    std::string kid;
    EvpPkeyPtr key;
  };

  JwtResult VerifyOrThrow(std::string_view token, int64_t now_unix) const;
  const RsaKey* FindRsaKey(const Json& header, JwtError* error) const;

  Options options_;
  std::vector<RsaKey> rsa_keys_;
  std::string hs256_secret_;
};

// {sub, email, role, app_metadata: {organization_id, organization_role}, iss, aud, iat, exp};
// iss/aud and the app_metadata members are left out when empty.
Json ClaimsToPayload(const Claims& claims);

}  // namespace tr::auth
