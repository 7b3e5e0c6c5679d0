#include "media/dtls/dtls_certificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cstdlib>
#include <utility>

#include "common/log.h"
#include "common/random.h"
#include "media/dtls/openssl_library.h"

namespace tr::media {
namespace {

constexpr std::string_view kComponent = "dtls";
constexpr long kSecondsPerDay = 24 * 60 * 60;
constexpr long kValidBeforeNow = 30 * kSecondsPerDay;
constexpr long kValidAfterNow = 365 * kSecondsPerDay;

struct BioFree {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 8122 §5 hash function names (the IANA "Hash Function Textual Names" registry).
const EVP_MD* DigestFor(std::string_view algorithm) {
  if (EqualsIgnoreCase(algorithm, "sha-256")) return EVP_sha256();
  if (EqualsIgnoreCase(algorithm, "sha-1")) return EVP_sha1();
  if (EqualsIgnoreCase(algorithm, "sha-224")) return EVP_sha224();
  if (EqualsIgnoreCase(algorithm, "sha-384")) return EVP_sha384();
  if (EqualsIgnoreCase(algorithm, "sha-512")) return EVP_sha512();
  return nullptr;
}

}  // namespace

void DtlsCertificate::X509Free::operator()(x509_st* certificate) const noexcept {
  X509_free(certificate);
}

void DtlsCertificate::EvpPkeyFree::operator()(evp_pkey_st* key) const noexcept {
  EVP_PKEY_free(key);
}

DtlsCertificate::DtlsCertificate(std::unique_ptr<x509_st, X509Free> certificate,
                                 std::unique_ptr<evp_pkey_st, EvpPkeyFree> private_key)
    : certificate_(std::move(certificate)), private_key_(std::move(private_key)) {}

const DtlsCertificate& DtlsCertificate::Process() {
  static const DtlsCertificate certificate = [] {
    std::optional<DtlsCertificate> generated = Generate();
    if (!generated) {
      log::Error(kComponent, "cannot generate the process DTLS certificate",
                 {{"openssl", OpenSslLibrary::DrainErrors()}});
      std::abort();
    }
    log::Info(kComponent, "generated DTLS certificate",
              {{"sha-256", generated->Fingerprint("sha-256")}});
    return std::move(*generated);
  }();
  return certificate;
}

std::optional<DtlsCertificate> DtlsCertificate::Generate() {
  if (!OpenSslLibrary::Initialize()) return std::nullopt;
  std::unique_ptr<evp_pkey_st, EvpPkeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<x509_st, X509Free> certificate(X509_new());
  if (!key || !certificate) return std::nullopt;

  // Random positive, non-zero 63-bit serial number.
  uint64_t serial = 0;
  while (serial == 0) {
    std::array<uint8_t, 8> bytes{};
    RandomBytes(bytes.data(), bytes.size());
    for (uint8_t b : bytes) serial = (serial << 8) | b;
    serial &= 0x7fffffffffffffffULL;
  }
  const std::string common_name = RandomAlnum(16);

  X509* x = certificate.get();
  X509_NAME* name = X509_get_subject_name(x);
  const bool ok =
      X509_set_version(x, X509_VERSION_3) == 1 &&
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(x), -kValidBeforeNow) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(x), kValidAfterNow) != nullptr &&
      X509_set_pubkey(x, key.get()) == 1 && name != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) == 1 &&
      X509_set_issuer_name(x, name) == 1 && X509_sign(x, key.get(), EVP_sha256()) > 0;
  if (!ok) return std::nullopt;
  return DtlsCertificate(std::move(certificate), std::move(key));
}

std::optional<DtlsCertificate> DtlsCertificate::FromPem(std::string_view certificate_pem,
                                                        std::string_view private_key_pem) {
  if (!OpenSslLibrary::Initialize()) return std::nullopt;
  BioPtr cert_bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  if (!cert_bio || !key_bio) return std::nullopt;
  std::unique_ptr<x509_st, X509Free> certificate(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  std::unique_ptr<evp_pkey_st, EvpPkeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!certificate || !key || X509_check_private_key(certificate.get(), key.get()) != 1) {
    OpenSslLibrary::ClearErrors();
    return std::nullopt;
  }
  return DtlsCertificate(std::move(certificate), std::move(key));
}

bool DtlsCertificate::IsSupportedFingerprintAlgorithm(std::string_view algorithm) {
  return DigestFor(algorithm) != nullptr;
}

std::string DtlsCertificate::Fingerprint(std::string_view algorithm) const {
  return FingerprintOf(certificate_.get(), algorithm);
}

std::string DtlsCertificate::FingerprintOf(const x509_st* certificate, std::string_view algorithm) {
  const EVP_MD* digest = DigestFor(algorithm);
  if (digest == nullptr || certificate == nullptr) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int length = 0;
  if (X509_digest(certificate, digest, hash.data(), &length) != 1) {
    OpenSslLibrary::ClearErrors();
    return {};
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[hash[i] >> 4]);
    out.push_back(kHex[hash[i] & 0x0f]);
  }
  return out;
}

std::string DtlsCertificate::CertificatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate_.get()) != 1) return {};
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace tr::media
