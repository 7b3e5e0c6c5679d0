#pragma once
// This server's RS256 key (RFC 7518 section 3.3): signs the access tokens we issue and is
// published as a JWKS (RFC 7517) at /.well-known/jwks.json.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/json.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY; kept out of this header.

namespace tr::auth {

struct EvpPkeyDeleter {
  void operator()(evp_pkey_st* key) const noexcept;
};
using EvpPkeyPtr = std::unique_ptr<evp_pkey_st, EvpPkeyDeleter>;

// Immutable after construction, so Sign() and the getters may be called from any thread.
// A moved-from key may only be destroyed or assigned to.
class SigningKey {
 public:
  // Loads the PKCS#8 PEM private key at `pem_path`; on first start generates an RSA-2048 key
  // and writes it there with mode 0600 (parent directories are created). Throws
  // std::runtime_error when the file cannot be read or written or holds no RSA key of at
  // least 2048 bits.
  static SigningKey LoadOrCreate(const std::filesystem::path& pem_path);
  // A fresh RSA-2048 key that lives only in memory (tests, fuzzers).
  static SigningKey Generate();
  // Parses a PEM private key; throws std::runtime_error when it is not RSA >= 2048 bits.
  static SigningKey FromPem(std::string_view pem);

  SigningKey(SigningKey&&) noexcept = default;
  SigningKey& operator=(SigningKey&&) noexcept = default;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey() = default;

  // First 16 characters of base64url(SHA-256(DER SubjectPublicKeyInfo)).
  const std::string& KeyId() const { return kid_; }
  // Compact JWS (RFC 7515 section 7.1) with header {"alg":"RS256","typ":"JWT","kid":...}.
  // Throws std::runtime_error if OpenSSL fails, nlohmann::json's type_error on invalid UTF-8.
  std::string Sign(const Json& payload) const;
  // {"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid","n","e"}]}
  Json Jwks() const;
  // "-----BEGIN PUBLIC KEY-----" PEM of the public half.
  std::string PublicKeyPem() const;

 private:
  explicit SigningKey(EvpPkeyPtr key);

  EvpPkeyPtr key_;
  std::string kid_;
  Json jwk_;
};

}  // namespace tr::auth
