#include "auth/api_key.h"

#include "common/digest.h"
#include "common/random.h"

namespace tr::auth {
namespace {

constexpr std::string_view kApiKeyPrefix = "trk_";
constexpr std::size_t kRandomBytes = 32;
constexpr std::size_t kDisplayPrefixLength = 12;

}  // namespace

NewApiKey GenerateApiKey() {
  NewApiKey key;
  key.plaintext = std::string(kApiKeyPrefix) + RandomToken(kRandomBytes);
  key.prefix = key.plaintext.substr(0, kDisplayPrefixLength);
  key.hash = HashApiKey(key.plaintext);
  return key;
}

std::string HashApiKey(std::string_view plaintext) { return Sha256Hex(plaintext); }

bool LooksLikeApiKey(std::string_view token) { return token.starts_with(kApiKeyPrefix); }

}  // namespace tr::auth
