#pragma once
// The process-wide OpenSSL SSL_CTX that every DtlsTransport's SSL is created from.
// DOC: https://www.rfc-editor.org/rfc/rfc8827#section-6.5 (WebRTC DTLS requirements)
//
// DTLS 1.2 only; ECDHE with AES-GCM (then ChaCha20-Poly1305) suites;
// the process certificate; peer certificate required and accepted whatever its issuer
// (DtlsTransport checks it against the signaled fingerprint); use_srtp offering
// SRTP_AEAD_AES_128_GCM then SRTP_AES128_CM_SHA1_80 (the server's order wins, so GCM is
// chosen whenever the peer offers it); no session cache, no tickets, no renegotiation.
// SSL_CTX is thread-safe for SSL_new(); it is created once and never changed.
struct ssl_ctx_st;

namespace tr::media {

class DtlsContext {
 public:
  DtlsContext() = delete;

  // The shared context, created on first use (thread-safe). Aborts the process if OpenSSL
  // cannot build it (a broken installation, not a runtime condition).
  static ssl_ctx_st* Shared();

  // The use_srtp list the shared context offers, most preferred first.
  static constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
  // TLS 1.2 cipher suites, most preferred first: ECDHE (forward secrecy) with AEAD only.
  // Chrome, Firefox and Safari all offer ECDHE-ECDSA-AES128-GCM-SHA256. No CBC suites:
  // they are weaker, and DtlsTransport's record screening relies on the AEAD overheads
  // (dtls_record.h).
  static constexpr const char* kCipherList =
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
      "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";
  // Key exchange groups, most preferred first.
  static constexpr const char* kGroups = "X25519:P-256:P-384";
};

}  // namespace tr::media
