#include "media/dtls/dtls_context.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <memory>

#include "common/log.h"
#include "media/dtls/dtls_certificate.h"
#include "media/dtls/openssl_library.h"

namespace tr::media {
namespace {

constexpr std::string_view kComponent = "dtls";

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};

// WebRTC peers present self-signed certificates; trust comes from the fingerprint, which
// DtlsTransport compares once the handshake is done (RFC 5763 §5). Accept here.
int AcceptAnyCertificate(int /*preverify_ok*/, X509_STORE_CTX* /*store*/) { return 1; }

std::unique_ptr<SSL_CTX, SslCtxFree> Build() {
  if (!OpenSslLibrary::Initialize()) return nullptr;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(DTLS_method()));
  if (!ctx) return nullptr;
  SSL_CTX* c = ctx.get();
  const DtlsCertificate& certificate = DtlsCertificate::Process();

  SSL_CTX_set_options(c, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU | SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &AcceptAnyCertificate);
  const bool ok = SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) == 1 &&
                  SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) == 1 &&
                  SSL_CTX_set_cipher_list(c, DtlsContext::kCipherList) == 1 &&
                  SSL_CTX_set1_groups_list(c, DtlsContext::kGroups) == 1 &&
                  // Note the inverted convention: 0 means success for this one.
                  SSL_CTX_set_tlsext_use_srtp(c, DtlsContext::kSrtpProfiles) == 0 &&
                  SSL_CTX_use_certificate(c, certificate.certificate()) == 1 &&
                  SSL_CTX_use_PrivateKey(c, certificate.private_key()) == 1 &&
                  SSL_CTX_check_private_key(c) == 1;
  if (!ok) return nullptr;
  return ctx;
}

}  // namespace

ssl_ctx_st* DtlsContext::Shared() {
  static const std::unique_ptr<SSL_CTX, SslCtxFree> ctx = [] {
    auto built = Build();
    if (!built) {
      log::Error(kComponent, "cannot create the DTLS SSL_CTX",
                 {{"openssl", OpenSslLibrary::DrainErrors()}});
      std::abort();
    }
    return built;
  }();
  return ctx.get();
}

}  // namespace tr::media
