#include "auth/password_hasher.h"

#include <sodium.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace tr::auth {
namespace {

// OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimitBytes = 19u * 1024u * 1024u;

// A corrupted or hostile stored hash must not make one login cost seconds or gigabytes.
constexpr uint64_t kMaxVerifyMemKiB = 256u * 1024u;
constexpr uint64_t kMaxVerifyTime = 16;

void EnsureSodium() {
  // Function-local statics are initialised once, even with concurrent first calls.
  static const int kInit = sodium_init();
  if (kInit < 0) {
    std::abort();  // libsodium could not initialise its RNG: nothing safe can continue.
  }
}

// Reads the number after `key` (e.g. "m=") in the parameter section of a PHC string.
bool ReadParam(std::string_view phc, std::string_view key, uint64_t* out) {
  std::size_t pos = phc.find(key);
  if (pos == std::string_view::npos) {
    return false;
  }
  const char* begin = phc.data() + pos + key.size();
  const char* end = phc.data() + phc.size();
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr != begin;
}

bool CostIsSane(std::string_view phc) {
  uint64_t mem_kib = 0;
  uint64_t time = 0;
  if (!ReadParam(phc, "$m=", &mem_kib) || !ReadParam(phc, ",t=", &time)) {
    return false;
  }
  return mem_kib <= kMaxVerifyMemKiB && time <= kMaxVerifyTime;
}

}  // namespace

std::string HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimitBytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id: out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view phc_hash, std::string_view password) {
  EnsureSodium();
  if (phc_hash.size() >= crypto_pwhash_STRBYTES || !phc_hash.starts_with("$argon2id$") ||
      phc_hash.find('\0') != std::string_view::npos || !CostIsSane(phc_hash)) {
    return false;
  }
  // libsodium wants a NUL-terminated string.
  const std::string hash(phc_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace tr::auth
