#pragma once
// OpenSSL helpers for the auth tests: keys made outside SigningKey, and RS256 signatures over
// arbitrary input, so tests can build tokens that SigningKey would never produce.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tr::auth::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

inline std::string PrivatePem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

inline std::string RsaPrivatePem(unsigned bits) {
  PkeyPtr key(EVP_RSA_gen(bits));
  return PrivatePem(key.get());
}

inline std::string EcPrivatePem() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  return PrivatePem(key.get());
}

inline PkeyPtr LoadPrivateKey(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// RSASSA-PKCS1-v1_5 with SHA-256 over `input`, raw bytes.
inline std::string Rs256Signature(EVP_PKEY* key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, data, input.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign");
  }
  std::string sig(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, data,
                     input.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign");
  }
  sig.resize(size);
  return sig;
}

}  // namespace tr::auth::testing
