#pragma once
// Password storage with Argon2id (RFC 9106) through libsodium, at the OWASP minimum
// parameters (t=2, m=19 MiB, p=1). Hashes are PHC strings: "$argon2id$v=19$m=19456,t=2,p=1$...".
#include <string>
#include <string_view>

namespace tr::auth {

// Throws std::runtime_error only when the memory for hashing cannot be allocated.
std::string HashPassword(std::string_view password);

// False for a mismatch and for a malformed or unsupported hash; never throws.
bool VerifyPassword(std::string_view phc_hash, std::string_view password);

}  // namespace tr::auth
