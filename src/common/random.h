#pragma once
// Cryptographically secure randomness (OpenSSL's DRBG) for ids, tokens and keys.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tr {

void RandomBytes(uint8_t* out, std::size_t size);
// `bytes` random bytes, base64url without padding (for tokens shown to users).
std::string RandomToken(std::size_t bytes = 32);
// A prefixed opaque id: "org_" + 20 lowercase base32 characters (100 bits).
std::string NewId(std::string_view prefix);
// Random string over [a-z0-9] (ICE ufrag/password, CNAMEs).
std::string RandomAlnum(std::size_t length);

}  // namespace tr
