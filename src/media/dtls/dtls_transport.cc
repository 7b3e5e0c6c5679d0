#include "media/dtls/dtls_transport.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "common/log.h"
#include "media/dtls/dtls_certificate.h"
#include "media/dtls/dtls_context.h"
#include "media/dtls/dtls_record.h"
#include "media/dtls/openssl_library.h"

namespace tr::media {
namespace {

constexpr std::string_view kComponent = "dtls";

// RFC 5764 §4.2 exporter label, without context.
constexpr char kSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";

// Largest plaintext of one record (TLS 1.2 max fragment); SSL_read returns at most this.
constexpr int kReadBufferSize = 16384;
// Largest datagram accepted by HandleRecord (a UDP payload).
constexpr std::size_t kMaxDatagramSize = 65535;

// Overwrites key material in a way the optimiser may not drop.
void Wipe(void* data, std::size_t size) { OPENSSL_cleanse(data, size); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// SSL_get_error() code and OpenSSL's error queue, for the failure log line.
std::string SslErrorDetail(int ssl_error) {
  std::string detail = "ssl_error=" + std::to_string(ssl_error);
  const std::string queue = OpenSslLibrary::DrainErrors();
  if (!queue.empty()) detail += " " + queue;
  return detail;
}

std::string_view RoleName(DtlsTransport::Role role) {
  return role == DtlsTransport::Role::kClient ? "client" : "server";
}

}  // namespace

// The OpenSSL side of the transport: a custom BIO method (reads hand out the one datagram
// being handled, writes go to the listener) and the retransmission timer callback. OpenSSL's own
// write buffering (the handshake "bbio") packs the records of a flight into datagrams of at most
// the MTU, so each BIO write is exactly one datagram.
struct DtlsTransport::Callbacks {
  static DtlsTransport* FromBio(BIO* bio) { return static_cast<DtlsTransport*>(BIO_get_data(bio)); }

  static int Write(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* transport = FromBio(bio);
    if (transport == nullptr || len < 0) return -1;
    transport->EmitDatagram(reinterpret_cast<const uint8_t*>(data), static_cast<std::size_t>(len));
    return len;
  }

  static int Read(BIO* bio, char* out, int capacity) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* transport = FromBio(bio);
    const int n = transport != nullptr
                      ? transport->ReadPendingDatagram(reinterpret_cast<uint8_t*>(out), capacity)
                      : 0;
    if (n <= 0) {
      BIO_set_retry_read(bio);
      return -1;
    }
    return n;
  }

  static long Ctrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
    switch (cmd) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_DGRAM_QUERY_MTU:
      case BIO_CTRL_DGRAM_GET_FALLBACK_MTU: {
        DtlsTransport* transport = FromBio(bio);
        return transport != nullptr ? transport->options_.mtu : 0;
      }
      case BIO_CTRL_WPENDING:
      case BIO_CTRL_PENDING:
      default:
        return 0;
    }
  }

  static int Create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  static int Destroy(BIO* bio) {
    BIO_set_data(bio, nullptr);
    return 1;
  }

  static BIO_METHOD* Method() {
    static BIO_METHOD* const method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tr-dtls-datagram");
      if (m != nullptr) {
        BIO_meth_set_write(m, &Write);
        BIO_meth_set_read(m, &Read);
        BIO_meth_set_ctrl(m, &Ctrl);
        BIO_meth_set_create(m, &Create);
        BIO_meth_set_destroy(m, &Destroy);
      }
      return m;
    }();
    return method;
  }

  // RFC 6347 §4.2.4.1: start at initial_retransmit_ms and double on every expiry.
  // OpenSSL treats a timer with less than 15 ms left as expired, and retransmits inline
  // whenever a read finds it so: shorter timers would make it resend in a loop.
  static unsigned int Timer(SSL* ssl, unsigned int previous_us) {
    constexpr uint32_t kMinMs = 20;
    constexpr uint32_t kMaxMs = 60000;  // RFC 6347 §4.2.4.1 upper bound
    const auto* transport = static_cast<const DtlsTransport*>(SSL_get_app_data(ssl));
    const uint32_t initial_ms = std::clamp(
        transport != nullptr ? transport->options_.initial_retransmit_ms : 100u, kMinMs, kMaxMs);
    const uint32_t max_ms = std::clamp(
        transport != nullptr ? transport->options_.max_retransmit_ms : 4000u, initial_ms, kMaxMs);
    if (previous_us == 0) return initial_ms * 1000u;
    return previous_us >= max_ms * 500u ? max_ms * 1000u : previous_us * 2;
  }
};

void DtlsTransport::SslFree::operator()(ssl_st* ssl) const noexcept { SSL_free(ssl); }

DtlsTransport::DtlsTransport(Listener* listener) : DtlsTransport(listener, Options{}) {}

DtlsTransport::DtlsTransport(Listener* listener, Options options)
    : listener_(listener),
      options_(std::move(options)),
      certificate_(options_.certificate != nullptr ? options_.certificate
                                                   : &DtlsCertificate::Process()) {}

DtlsTransport::~DtlsTransport() = default;

std::string DtlsTransport::LocalFingerprint(std::string_view algorithm) const {
  return certificate_->Fingerprint(algorithm);
}

bool DtlsTransport::Start(Role role, std::string remote_fingerprint_algorithm,
                          std::string remote_fingerprint_value) {
  if (state_ != State::kNew) return false;
  const bool has_fingerprint = !remote_fingerprint_value.empty();
  if (has_fingerprint &&
      !DtlsCertificate::IsSupportedFingerprintAlgorithm(remote_fingerprint_algorithm)) {
    return false;
  }
  if (!CreateSsl()) {
    log::Warn(kComponent, "cannot create DTLS connection",
              {{"openssl", OpenSslLibrary::DrainErrors()}});
    ssl_.reset();
    return false;
  }
  if (has_fingerprint) {
    remote_fingerprint_algorithm_ = std::move(remote_fingerprint_algorithm);
    remote_fingerprint_value_ = std::move(remote_fingerprint_value);
  }
  role_ = role;
  state_ = State::kConnecting;
  if (role == Role::kClient) {
    SSL_set_connect_state(ssl_.get());
    RunHandshake();  // sends the ClientHello
  } else {
    SSL_set_accept_state(ssl_.get());
  }
  return true;
}

bool DtlsTransport::CreateSsl() {
  SSL_CTX* ctx = DtlsContext::Shared();
  ssl_.reset(SSL_new(ctx));
  if (!ssl_) return false;
  SSL* ssl = ssl_.get();
  if (SSL_set_app_data(ssl, this) != 1) return false;

  // Separate BIOs for the two directions: a write during a read (an alert, a
  // retransmission) must not clear the read BIO's retry flags, or SSL_get_error() would
  // report SSL_ERROR_SYSCALL instead of SSL_ERROR_WANT_READ.
  BIO* rbio = BIO_new(Callbacks::Method());
  BIO* wbio = BIO_new(Callbacks::Method());
  if (rbio == nullptr || wbio == nullptr) {
    BIO_free(rbio);
    BIO_free(wbio);
    return false;
  }
  BIO_set_data(rbio, this);
  BIO_set_data(wbio, this);
  SSL_set_bio(ssl, rbio, wbio);  // the SSL owns both now

  // MTU after the BIO: OpenSSL checks it against the BIO's overhead. Returns the MTU set,
  // 0 if it is below DTLS's minimum.
  if (SSL_set_mtu(ssl, options_.mtu) <= 0) return false;
  DTLS_set_timer_cb(ssl, &Callbacks::Timer);

  if (certificate_ != &DtlsCertificate::Process()) {
    if (SSL_use_certificate(ssl, certificate_->certificate()) != 1 ||
        SSL_use_PrivateKey(ssl, certificate_->private_key()) != 1) {
      return false;
    }
  }
  if (!options_.srtp_profiles.empty()) {
    std::string profiles;
    for (SrtpProfile profile : options_.srtp_profiles) {
      if (!profiles.empty()) profiles += ':';
      profiles += SrtpProfileName(profile);
    }
    if (SSL_set_tlsext_use_srtp(ssl, profiles.c_str()) != 0) return false;  // 0 = success
  }
  read_buffer_ = std::make_unique<uint8_t[]>(kReadBufferSize);
  return true;
}

bool DtlsTransport::SetRemoteFingerprint(std::string algorithm, std::string value) {
  if (!remote_fingerprint_value_.empty() || value.empty() ||
      !DtlsCertificate::IsSupportedFingerprintAlgorithm(algorithm)) {
    return false;
  }
  remote_fingerprint_algorithm_ = std::move(algorithm);
  remote_fingerprint_value_ = std::move(value);
  if (state_ == State::kConnecting && handshake_done_) VerifyAndConnect();
  return true;
}

void DtlsTransport::HandleRecord(const uint8_t* data, std::size_t len) {
  ++stats_.datagrams_received;
  if ((state_ != State::kConnecting && state_ != State::kConnected) || data == nullptr ||
      len == 0 || len > kMaxDatagramSize) {
    ++stats_.datagrams_ignored;
    return;
  }
  if (!IsPlausibleDtlsDatagram(std::span<const uint8_t>(data, len), MinEncryptedFragment())) {
    ++stats_.datagrams_invalid;
    return;
  }
  pending_datagram_ = data;
  pending_datagram_len_ = len;
  // Each record takes at least a header: bounds the SSL_read loop for this datagram.
  read_budget_ = static_cast<int>(len / DtlsRecordHeader::kSize) + 2;
  if (!handshake_done_) {
    RunHandshake();
  } else {
    ReadApplicationData();
  }
  // OpenSSL reads the whole datagram at once; never let a later call see stale bytes.
  pending_datagram_ = nullptr;
  pending_datagram_len_ = 0;
  read_budget_ = kIdleReadBudget;
}

std::size_t DtlsTransport::MinEncryptedFragment() const {
  // The negotiated suite once ServerHello is through; until then the strictest bound (a
  // legitimate encrypted record before that point is a Finished: 40 bytes or more).
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_.get());
  if (cipher == nullptr) cipher = SSL_get_pending_cipher(ssl_.get());
  if (cipher != nullptr && SSL_CIPHER_get_cipher_nid(cipher) == NID_chacha20_poly1305) {
    return kMinChaChaFragment;
  }
  return kMinGcmFragment;
}

int DtlsTransport::ReadPendingDatagram(uint8_t* out, int capacity) {
  if (pending_datagram_ == nullptr || capacity <= 0) return 0;
  // A datagram larger than OpenSSL's buffer is cut, as a datagram socket would.
  const std::size_t n = std::min(pending_datagram_len_, static_cast<std::size_t>(capacity));
  std::memcpy(out, pending_datagram_, n);
  pending_datagram_ = nullptr;
  pending_datagram_len_ = 0;
  return static_cast<int>(n);
}

void DtlsTransport::EmitDatagram(const uint8_t* data, std::size_t len) {
  ++stats_.datagrams_sent;
  listener_->OnDtlsSendPacket(this, data, len);
}

void DtlsTransport::RunHandshake() {
  OpenSslLibrary::ClearErrors();
  const int ret = SSL_do_handshake(ssl_.get());
  if (ret == 1) {
    OnHandshakeDone();
    return;
  }
  const int error = SSL_get_error(ssl_.get(), ret);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    OpenSslLibrary::ClearErrors();
    return;
  }
  if (error == SSL_ERROR_ZERO_RETURN) {  // the peer gave up with close_notify
    OnClosedByPeer();
    return;
  }
  Fail(Failure::kHandshake, SslErrorDetail(error));
}

void DtlsTransport::OnClosedByPeer() {
  state_ = State::kClosed;
  OpenSslLibrary::ClearErrors();
  if (SSL_is_init_finished(ssl_.get())) SSL_shutdown(ssl_.get());  // answer with close_notify
  OpenSslLibrary::ClearErrors();
  log::Debug(kComponent, "closed by peer", {{"role", std::string(RoleName(*role_))}});
  listener_->OnDtlsClosed(this);
}

void DtlsTransport::OnHandshakeDone() {
  handshake_done_ = true;
  if (remote_fingerprint_value_.empty()) {
    log::Debug(kComponent, "handshake done, waiting for the remote fingerprint",
               {{"role", std::string(RoleName(*role_))}});
  } else {
    VerifyAndConnect();
  }
  // Records that followed the handshake in the same datagram.
  if (state_ == State::kConnected || state_ == State::kConnecting) ReadApplicationData();
}

void DtlsTransport::VerifyAndConnect() {
  SSL* ssl = ssl_.get();

  // RFC 5763 §5 / RFC 8122 §5: the certificate must match the signaled fingerprint.
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) {
    Fail(Failure::kFingerprintMismatch, "no peer certificate");
    return;
  }
  const std::string actual = DtlsCertificate::FingerprintOf(peer, remote_fingerprint_algorithm_);
  if (actual.empty() || !EqualsIgnoreCase(actual, remote_fingerprint_value_)) {
    Fail(Failure::kFingerprintMismatch, remote_fingerprint_algorithm_);
    return;
  }

  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl);
  const std::optional<SrtpProfile> profile =
      selected != nullptr ? SrtpProfileFromId(static_cast<uint16_t>(selected->id)) : std::nullopt;
  if (!profile) {
    Fail(Failure::kNoSrtpProfile, selected != nullptr ? selected->name : "none");
    return;
  }

  // RFC 5764 §4.2: client_write_key ‖ server_write_key ‖ client_write_salt ‖
  // server_write_salt.
  const std::size_t key_length = SrtpMasterKeyLength(*profile);
  const std::size_t salt_length = SrtpMasterSaltLength(*profile);
  std::array<uint8_t, 2 * kSrtpMaxMasterKeyAndSaltLength> material{};
  const std::size_t material_length = 2 * (key_length + salt_length);
  OpenSslLibrary::ClearErrors();
  if (SSL_export_keying_material(ssl, material.data(), material_length, kSrtpExporterLabel,
                                 sizeof kSrtpExporterLabel - 1, nullptr, 0, 0) != 1) {
    Fail(Failure::kKeyExport, OpenSslLibrary::DrainErrors());
    return;
  }
  const uint8_t* client_key = material.data();
  const uint8_t* server_key = client_key + key_length;
  const uint8_t* client_salt = server_key + key_length;
  const uint8_t* server_salt = client_salt + salt_length;

  std::array<uint8_t, kSrtpMaxMasterKeyAndSaltLength> local{};
  std::array<uint8_t, kSrtpMaxMasterKeyAndSaltLength> remote{};
  const bool client = *role_ == Role::kClient;
  std::memcpy(local.data(), client ? client_key : server_key, key_length);
  std::memcpy(local.data() + key_length, client ? client_salt : server_salt, salt_length);
  std::memcpy(remote.data(), client ? server_key : client_key, key_length);
  std::memcpy(remote.data() + key_length, client ? server_salt : client_salt, salt_length);
  Wipe(material.data(), material.size());

  state_ = State::kConnected;
  srtp_profile_ = profile;
  log::Debug(kComponent, "connected",
             {{"role", std::string(RoleName(*role_))},
              {"srtp_profile", std::string(SrtpProfileName(*profile))},
              {"cipher", SSL_get_cipher_name(ssl)}});
  const std::size_t length = key_length + salt_length;
  listener_->OnDtlsConnected(this, *profile, std::span<const uint8_t>(local.data(), length),
                             std::span<const uint8_t>(remote.data(), length));
  Wipe(local.data(), local.size());
  Wipe(remote.data(), remote.size());
}

void DtlsTransport::ReadApplicationData() {
  // The bound only guards against a library that would keep reporting empty reads.
  for (int reads = 0; reads < read_budget_; ++reads) {
    if (state_ != State::kConnected && state_ != State::kConnecting) return;
    OpenSslLibrary::ClearErrors();
    // SSL_read_ex, not SSL_read: OpenSSL (up to 3.5) reports a discarded or empty
    // application data record as a successful 0-byte read, which SSL_read turns into a
    // spurious SSL_ERROR_SYSCALL (openssl/openssl#27316).
    std::size_t n = 0;
    const int ret = SSL_read_ex(ssl_.get(), read_buffer_.get(), kReadBufferSize, &n);
    if (ret == 1) {
      if (n == 0) continue;
      if (state_ == State::kConnected) {
        listener_->OnDtlsApplicationData(this, read_buffer_.get(), n);
      } else {
        ++stats_.application_data_dropped;  // fingerprint not verified yet
      }
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), ret);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      OpenSslLibrary::ClearErrors();
      return;
    }
    if (error == SSL_ERROR_ZERO_RETURN) {  // close_notify from the peer
      OnClosedByPeer();
      return;
    }
    if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 &&
        (!handshake_done_ || SSL_is_init_finished(ssl_.get()))) {
      // Our BIOs never fail: OpenSSL 3.0 reports some silently discarded records this
      // way. Not an error while its state machine is intact; read on.
      continue;
    }
    Fail(Failure::kProtocol, SslErrorDetail(error));
    return;
  }
}

std::optional<uint64_t> DtlsTransport::NextTimeoutMs() const {
  if (!ssl_ || (state_ != State::kConnecting && state_ != State::kConnected)) return std::nullopt;
  timeval remaining{};
  if (DTLSv1_get_timeout(ssl_.get(), &remaining) != 1) return std::nullopt;
  const uint64_t ms = static_cast<uint64_t>(remaining.tv_sec) * 1000 +
                      (static_cast<uint64_t>(remaining.tv_usec) + 999) / 1000;
  return ms;
}

void DtlsTransport::OnTimer() {
  if (!ssl_ || (state_ != State::kConnecting && state_ != State::kConnected)) return;
  OpenSslLibrary::ClearErrors();
  const long ret = DTLSv1_handle_timeout(ssl_.get());
  if (ret > 0) {
    ++stats_.retransmit_timeouts;
  } else if (ret < 0) {
    Fail(Failure::kTimeout, OpenSslLibrary::DrainErrors());
  }
}

bool DtlsTransport::SendApplicationData(const uint8_t* data, std::size_t len) {
  if (state_ != State::kConnected || data == nullptr || len == 0 ||
      len > static_cast<std::size_t>(kReadBufferSize)) {
    return false;
  }
  OpenSslLibrary::ClearErrors();
  const int n = SSL_write(ssl_.get(), data, static_cast<int>(len));
  if (n <= 0) {
    OpenSslLibrary::ClearErrors();
    return false;
  }
  return static_cast<std::size_t>(n) == len;
}

void DtlsTransport::Close() {
  if (state_ != State::kConnecting && state_ != State::kConnected) {
    if (state_ == State::kNew) state_ = State::kClosed;
    return;
  }
  state_ = State::kClosed;
  if (ssl_ && SSL_is_init_finished(ssl_.get())) {
    OpenSslLibrary::ClearErrors();
    SSL_shutdown(ssl_.get());  // close_notify
  }
  OpenSslLibrary::ClearErrors();
}

void DtlsTransport::Fail(Failure failure, std::string_view detail) {
  if (state_ == State::kFailed || state_ == State::kClosed) return;
  const bool handshake_finished = ssl_ && SSL_is_init_finished(ssl_.get());
  state_ = State::kFailed;
  failure_ = failure;
  log::Warn(kComponent, "DTLS failed",
            {{"reason", std::string(FailureName(failure))},
             {"role", role_ ? std::string(RoleName(*role_)) : std::string("none")},
             {"detail", std::string(detail)}});
  if (handshake_finished) {
    // Tell the peer rather than leave it waiting (OpenSSL already sent an alert for
    // protocol errors during the handshake).
    OpenSslLibrary::ClearErrors();
    SSL_shutdown(ssl_.get());
    OpenSslLibrary::ClearErrors();
  }
  listener_->OnDtlsFailed(this, failure);
}

std::string_view DtlsTransport::FailureName(Failure failure) {
  switch (failure) {
    case Failure::kNone:
      return "none";
    case Failure::kHandshake:
      return "handshake";
    case Failure::kTimeout:
      return "timeout";
    case Failure::kFingerprintMismatch:
      return "fingerprint_mismatch";
    case Failure::kNoSrtpProfile:
      return "no_srtp_profile";
    case Failure::kKeyExport:
      return "key_export";
    case Failure::kProtocol:
      return "protocol";
    case Failure::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string_view DtlsTransport::StateName(State state) {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kFailed:
      return "failed";
    case State::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace tr::media
