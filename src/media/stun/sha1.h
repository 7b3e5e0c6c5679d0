#pragma once
// SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104) for STUN MESSAGE-INTEGRITY (RFC 8489 §14.5).
//
// Why not OpenSSL: in OpenSSL 3 every EVP digest/MAC init or context copy allocates the
// provider context on the heap, and the STUN path must not allocate. These classes are
// plain values (no heap, trivially copyable) and are checked against OpenSSL in the unit
// tests. SHA-1 is used here only inside HMAC, where its collision weakness does not apply;
// do not use it for anything else.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tr::media {

class Sha1 {
 public:
  static constexpr std::size_t kDigestSize = 20;
  static constexpr std::size_t kBlockSize = 64;
  using Digest = std::array<uint8_t, kDigestSize>;

  Sha1() { Reset(); }
  void Reset();
  void Update(std::span<const uint8_t> data);
  // Finishes the hash; the object must be Reset() before reuse.
  Digest Final();

  static Digest Hash(std::span<const uint8_t> data);

 private:
  void Compress(const uint8_t* block);

  std::array<uint32_t, 5> state_{};
  uint64_t total_bytes_ = 0;
  std::array<uint8_t, kBlockSize> buffer_{};
  std::size_t buffered_ = 0;
};

// HMAC-SHA1 with the key schedule done once: construct it from a key (e.g. an ICE password
// when the transport is created), then copy it per message, Update, Final. Copying is a
// ~200-byte memcpy; each message then costs only the message blocks plus one block.
class HmacSha1 {
 public:
  explicit HmacSha1(std::span<const uint8_t> key);
  explicit HmacSha1(std::string_view key);

  void Update(std::span<const uint8_t> data) { inner_.Update(data); }
  Sha1::Digest Final();

  static Sha1::Digest Compute(std::span<const uint8_t> key, std::span<const uint8_t> data);

 private:
  Sha1 inner_;
  Sha1 outer_;
};

// Constant-time equality of two equally sized byte strings (MAC comparison).
bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace tr::media
