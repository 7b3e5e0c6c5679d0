#pragma once
// Verifies bearer tokens for the API and signaling alike: tokens issued by this server
// (RS256, our key) and, when configured, tokens of an external Supabase project. Verified
// tokens are remembered until they expire so repeated requests skip the signature check.
// Thread-safe after construction.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/jwt.h"

namespace tr::auth {

struct TokenCheck {
  JwtError error = JwtError::kNone;
  bool external = false;  // accepted by the Supabase verifier
  Claims claims;
  bool Ok() const { return error == JwtError::kNone; }
};

class TokenVerifier {
 public:
  TokenVerifier(JwtVerifier internal, std::optional<JwtVerifier> external);
  TokenCheck Verify(const std::string& token, int64_t now_unix);

 private:
  static constexpr std::size_t kMaxCached = 50000;
  JwtVerifier internal_;
  std::optional<JwtVerifier> external_;
  std::mutex mutex_;
  std::unordered_map<std::string, TokenCheck> cache_;
};

}  // namespace tr::auth
