#include "media/dtls/dtls_certificate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/digest.h"

namespace tr::media {
namespace {

// Uppercase hex bytes separated by ':' (RFC 8122 §5, mediasoup's format).
bool IsFingerprintFormat(const std::string& value, std::size_t bytes) {
  if (value.size() != bytes * 3 - 1) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string Der(const DtlsCertificate& certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate.certificate(), &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::string PrivateKeyPem(const DtlsCertificate& certificate) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), certificate.private_key(), nullptr, nullptr, 0, nullptr,
                           nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

TEST(DtlsCertificate, ProcessCertificateIsOneInstanceAcrossThreads) {
  std::vector<const DtlsCertificate*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = &DtlsCertificate::Process(); });
  }
  for (auto& t : threads) t.join();
  for (const DtlsCertificate* c : seen) EXPECT_EQ(c, &DtlsCertificate::Process());
}

TEST(DtlsCertificate, Sha256FingerprintIsUppercaseHexOfTheDer) {
  const DtlsCertificate& certificate = DtlsCertificate::Process();
  const std::string fingerprint = certificate.Fingerprint("sha-256");
  EXPECT_TRUE(IsFingerprintFormat(fingerprint, 32)) << fingerprint;

  // Independent computation: SHA-256 over the DER encoding.
  const auto digest = Sha256(Der(certificate));
  std::string expected = ToHex(digest.data(), digest.size());
  std::string formatted;
  for (std::size_t i = 0; i < expected.size(); i += 2) {
    if (i != 0) formatted += ':';
    formatted += static_cast<char>(std::toupper(static_cast<unsigned char>(expected[i])));
    formatted += static_cast<char>(std::toupper(static_cast<unsigned char>(expected[i + 1])));
  }
  EXPECT_EQ(fingerprint, formatted);
  EXPECT_EQ(certificate.Fingerprint("SHA-256"), fingerprint) << "algorithm is case-insensitive";
}

TEST(DtlsCertificate, AllRfc8122Algorithms) {
  const DtlsCertificate& certificate = DtlsCertificate::Process();
  EXPECT_TRUE(IsFingerprintFormat(certificate.Fingerprint("sha-1"), 20));
  EXPECT_TRUE(IsFingerprintFormat(certificate.Fingerprint("sha-224"), 28));
  EXPECT_TRUE(IsFingerprintFormat(certificate.Fingerprint("sha-384"), 48));
  EXPECT_TRUE(IsFingerprintFormat(certificate.Fingerprint("sha-512"), 64));
  EXPECT_EQ(certificate.Fingerprint("md5"), "");
  EXPECT_EQ(certificate.Fingerprint(""), "");
  EXPECT_FALSE(DtlsCertificate::IsSupportedFingerprintAlgorithm("md5"));
  EXPECT_TRUE(DtlsCertificate::IsSupportedFingerprintAlgorithm("sha-256"));
}

TEST(DtlsCertificate, IsSelfSignedEcdsaP256WithExpectedValidity) {
  auto generated = DtlsCertificate::Generate();
  ASSERT_TRUE(generated);
  X509* x = generated->certificate();
  EVP_PKEY* key = generated->private_key();

  EXPECT_EQ(X509_get_version(x), X509_VERSION_3);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  char group[64] = {};
  std::size_t group_length = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key, group, sizeof group, &group_length), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_verify(x, key), 1) << "signed by its own key";
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);

  // notBefore ≈ now − 30 days, notAfter ≈ now + 365 days.
  const std::time_t now = std::time(nullptr);
  const std::time_t day = 24 * 60 * 60;
  std::time_t t = now - 29 * day;
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(x), &t), 0);
  t = now - 31 * day;
  EXPECT_GT(X509_cmp_time(X509_get0_notBefore(x), &t), 0);
  t = now + 364 * day;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(x), &t), 0);
  t = now + 366 * day;
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(x), &t), 0);

  const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
  uint64_t value = 0;
  ASSERT_EQ(ASN1_INTEGER_get_uint64(&value, serial), 1);
  EXPECT_NE(value, 0u);
}

TEST(DtlsCertificate, GeneratedCertificatesDiffer) {
  std::set<std::string> fingerprints;
  std::set<std::string> names;
  for (int i = 0; i < 4; ++i) {
    auto c = DtlsCertificate::Generate();
    ASSERT_TRUE(c);
    fingerprints.insert(c->Fingerprint("sha-256"));
    char name[256] = {};
    X509_NAME_oneline(X509_get_subject_name(c->certificate()), name, sizeof name);
    names.insert(name);
  }
  EXPECT_EQ(fingerprints.size(), 4u);
  EXPECT_EQ(names.size(), 4u) << "random CN";
}

TEST(DtlsCertificate, FromPemRoundTrip) {
  auto original = DtlsCertificate::Generate();
  ASSERT_TRUE(original);
  auto loaded = DtlsCertificate::FromPem(original->CertificatePem(), PrivateKeyPem(*original));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->Fingerprint("sha-256"), original->Fingerprint("sha-256"));

  auto other = DtlsCertificate::Generate();
  ASSERT_TRUE(other);
  EXPECT_FALSE(DtlsCertificate::FromPem(original->CertificatePem(), PrivateKeyPem(*other)))
      << "key does not belong to the certificate";
  EXPECT_FALSE(DtlsCertificate::FromPem("garbage", "garbage"));
  EXPECT_FALSE(DtlsCertificate::FromPem("", ""));
}

}  // namespace
}  // namespace tr::media
