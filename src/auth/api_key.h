#pragma once
// Organization API keys: "trk_" + 43 base64url characters (256 random bits). Only the
// SHA-256 hash is stored; a slow hash is unnecessary for keys with this much entropy. The
// prefix is stored in clear so that users can tell their keys apart.
#include <string>
#include <string_view>

namespace tr::auth {

struct NewApiKey {
  std::string plaintext;  // shown to the user once
  std::string prefix;     // first 12 characters of plaintext
  std::string hash;       // lowercase hex SHA-256 of plaintext
};

NewApiKey GenerateApiKey();
std::string HashApiKey(std::string_view plaintext);
// True when a bearer token should be looked up as an API key rather than verified as a JWT.
bool LooksLikeApiKey(std::string_view token);

}  // namespace tr::auth
