#pragma once
// The DTLS certificate a WebRTC endpoint presents: self-signed, identified to the peer only
// by its fingerprint carried in signaling (`dtlsParameters.fingerprints`).
// DOC: https://www.rfc-editor.org/rfc/rfc8122#section-5 (fingerprint attribute)
// DOC: https://www.rfc-editor.org/rfc/rfc5763#section-5 (self-signed certificates)
//
// The process uses one certificate (Process()) for all its transports, like mediasoup's
// worker: an ECDSA P-256 key, a random 64-bit serial, a random CN, valid from 30 days ago
// to one year ahead, signed with SHA-256. Tests and tools can make more with Generate().
// Immutable after construction, so safe to share between threads.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct x509_st;
struct evp_pkey_st;

namespace tr::media {

class DtlsCertificate {
 public:
  // The process-wide certificate, generated on first use (thread-safe). Aborts the process
  // if OpenSSL cannot generate a key: nothing in the media plane works without one.
  static const DtlsCertificate& Process();

  // A fresh key pair and self-signed certificate; nullopt if OpenSSL fails.
  static std::optional<DtlsCertificate> Generate();

  // A configured certificate and private key in PEM; nullopt if they do not parse or do
  // not belong together.
  static std::optional<DtlsCertificate> FromPem(std::string_view certificate_pem,
                                                std::string_view private_key_pem);

  DtlsCertificate(DtlsCertificate&&) noexcept = default;
  DtlsCertificate& operator=(DtlsCertificate&&) noexcept = default;
  DtlsCertificate(const DtlsCertificate&) = delete;
  DtlsCertificate& operator=(const DtlsCertificate&) = delete;
  ~DtlsCertificate() = default;

  // Fingerprint of the DER certificate for `algorithm` ("sha-1", "sha-224", "sha-256",
  // "sha-384", "sha-512"; case-insensitive) in the mediasoup / SDP format: uppercase hex
  // bytes separated by ':' ("AB:CD:..."). Empty string for an unsupported algorithm.
  std::string Fingerprint(std::string_view algorithm) const;

  // The same for any certificate (the peer's, during the handshake).
  static std::string FingerprintOf(const x509_st* certificate, std::string_view algorithm);
  static bool IsSupportedFingerprintAlgorithm(std::string_view algorithm);

  // The certificate in PEM (for logs of tools and for FromPem round trips; no secrets).
  std::string CertificatePem() const;

  x509_st* certificate() const { return certificate_.get(); }
  evp_pkey_st* private_key() const { return private_key_.get(); }

 private:
  struct X509Free {
    void operator()(x509_st* certificate) const noexcept;
  };
  struct EvpPkeyFree {
    void operator()(evp_pkey_st* key) const noexcept;
  };

  DtlsCertificate(std::unique_ptr<x509_st, X509Free> certificate,
                  std::unique_ptr<evp_pkey_st, EvpPkeyFree> private_key);

  std::unique_ptr<x509_st, X509Free> certificate_;
  std::unique_ptr<evp_pkey_st, EvpPkeyFree> private_key_;
};

}  // namespace tr::media
