#pragma once
// DTLS 1.2 endpoint of one WebRTC transport, keying DTLS-SRTP.
// DOC: https://www.rfc-editor.org/rfc/rfc6347 (DTLS 1.2; §4.2.4 retransmission timer)
// DOC: https://www.rfc-editor.org/rfc/rfc5763 (DTLS-SRTP framework: roles, fingerprints)
// DOC: https://www.rfc-editor.org/rfc/rfc5764#section-4.2 (SRTP keys from the handshake)
// DOC: https://www.rfc-editor.org/rfc/rfc7983#section-7 (demultiplexing: IsDtls)
//
// No sockets and no clock inside: the owner (the WebRTC transport on its media worker)
// feeds every received DTLS datagram to HandleRecord(), puts every datagram the transport
// emits through Listener::OnDtlsSendPacket() on the wire, and calls OnTimer() when
// NextTimeoutMs() elapses so lost flights are retransmitted.
//
// Typical server-side use (browser = DTLS client, see mediasoup-client-interop.md §7):
//   transport.Start(Role::kServer, "sha-256", "<browser fingerprint from connect>");
//   ... HandleRecord() for each DTLS datagram, OnTimer() when due ...
//   Listener::OnDtlsConnected(profile, local, remote):
//     outbound = SrtpSession::CreateFromKeyAndSalt(kOutbound, profile, local);
//     inbound  = SrtpSession::CreateFromKeyAndSalt(kInbound,  profile, remote);
//
// The peer's certificate is accepted whatever its issuer and then checked against the
// fingerprint from signaling once the handshake completes; a mismatch fails the transport
// and no keys are handed out. The fingerprint may arrive after Start() (mediasoup starts
// the server before `connect` when ICE completes first): then the transport waits in
// kConnecting with the handshake done until SetRemoteFingerprint().
//
// Threading: every call on one transport happens on its worker thread; listener methods
// are called on that thread, synchronously from inside the transport's methods. A listener
// may call SendApplicationData() and Close() from a callback, but must not destroy the
// transport there (post the destruction instead). Objects are neither copyable nor
// movable (OpenSSL keeps a pointer to them); own them through std::unique_ptr.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "media/srtp/srtp_profile.h"

struct ssl_st;
struct bio_st;

namespace tr::media {

class DtlsCertificate;

class DtlsTransport {
 public:
  enum class Role { kClient, kServer };
  enum class State { kNew, kConnecting, kConnected, kFailed, kClosed };
  enum class Failure {
    kNone,
    kHandshake,            // protocol error or fatal alert during the handshake
    kTimeout,              // the peer stopped answering (OpenSSL gave up retransmitting)
    kFingerprintMismatch,  // peer certificate does not match the signaled fingerprint
    kNoSrtpProfile,        // handshake completed without a use_srtp profile we support
    kKeyExport,            // SSL_export_keying_material failed
    kProtocol,             // fatal error or alert after the handshake
    kInternal,             // OpenSSL could not set up the connection
  };

  class Listener {
   public:
    virtual ~Listener() = default;
    // Send one datagram (one or more DTLS records) to the peer.
    virtual void OnDtlsSendPacket(DtlsTransport* transport, const uint8_t* data,
                                  std::size_t len) = 0;
    // Handshake done, the peer's certificate matches its fingerprint, and `profile` was
    // negotiated. `local_master_key_and_salt` keys the outbound SrtpSession (what we
    // protect), `remote_master_key_and_salt` the inbound one (what we unprotect); each is
    // master key ‖ master salt (SrtpMasterKeyAndSaltLength(profile) bytes), valid only
    // during the call and wiped afterwards.
    virtual void OnDtlsConnected(DtlsTransport* transport, SrtpProfile profile,
                                 std::span<const uint8_t> local_master_key_and_salt,
                                 std::span<const uint8_t> remote_master_key_and_salt) = 0;
    // The transport reached kFailed; it ignores everything afterwards.
    virtual void OnDtlsFailed(DtlsTransport* transport, Failure failure) = 0;
    // The peer closed the association with close_notify (state kClosed), possibly before
    // the handshake completed. Not called for a local Close().
    virtual void OnDtlsClosed(DtlsTransport* transport) = 0;
    // Decrypted application data (SCTP packets for DataChannels), only once connected.
    virtual void OnDtlsApplicationData(DtlsTransport* transport, const uint8_t* data,
                                       std::size_t len) = 0;
  };

  struct Options {
    // Certificate to present; nullptr means DtlsCertificate::Process(). Must outlive the
    // transport.
    const DtlsCertificate* certificate = nullptr;
    // SRTP profiles to offer (client) or accept (server), most preferred first; empty
    // means DtlsContext::kSrtpProfiles (AEAD_AES_128_GCM, then AES128_CM_SHA1_80).
    std::vector<SrtpProfile> srtp_profiles;
    // Largest datagram the transport emits (handshake flights are fragmented to fit).
    uint16_t mtu = 1200;
    // Retransmission timer: starts here and doubles up to the maximum; OpenSSL gives up
    // after 12 expiries in a row (≈ 30 s with these defaults). Clamped to 20 ms .. 60 s
    // (OpenSSL counts a timer with under 15 ms left as expired).
    uint32_t initial_retransmit_ms = 100;
    uint32_t max_retransmit_ms = 4000;
  };

  struct Stats {
    uint64_t datagrams_received = 0;        // passed to HandleRecord()
    uint64_t datagrams_ignored = 0;         // before Start(), after the end, or empty
    uint64_t datagrams_invalid = 0;         // dropped by IsPlausibleDtlsDatagram()
    uint64_t datagrams_sent = 0;            // OnDtlsSendPacket() calls
    uint64_t retransmit_timeouts = 0;       // OnTimer() calls that retransmitted a flight
    uint64_t application_data_dropped = 0;  // received before the fingerprint was checked
  };

  explicit DtlsTransport(Listener* listener);
  DtlsTransport(Listener* listener, Options options);
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;
  ~DtlsTransport();

  // RFC 7983 §7: a datagram whose first byte is 20..63 is DTLS (checked after STUN, before
  // anything else); 13 bytes is the DTLS record header.
  static bool IsDtls(const uint8_t* data, std::size_t len) {
    return len >= 13 && data[0] >= 20 && data[0] <= 63;
  }

  // Begins the association. A client sends its ClientHello at once (through the
  // listener); a server waits for one. The remote fingerprint may be empty (both strings)
  // and given later with SetRemoteFingerprint(). Returns false, doing nothing else, if
  // already started, if the algorithm is not supported, or if OpenSSL cannot create the
  // connection.
  bool Start(Role role, std::string remote_fingerprint_algorithm,
             std::string remote_fingerprint_value);

  // Sets the fingerprint signaled by the peer, if Start() did not. Returns false if one
  // is already set or the algorithm is unsupported.
  bool SetRemoteFingerprint(std::string algorithm, std::string value);

  // Feeds one received datagram (may hold several records). A datagram with an invalid
  // record is dropped whole (IsPlausibleDtlsDatagram(), RFC 6347 §4.1.2.7), so are
  // records OpenSSL cannot authenticate; a fatal protocol error fails the transport.
  void HandleRecord(const uint8_t* data, std::size_t len);

  // Milliseconds until OnTimer() should be called, or nullopt if no retransmission timer
  // runs. Re-read after every call into the transport.
  std::optional<uint64_t> NextTimeoutMs() const;

  // Retransmits the last flight if its timer expired (DTLSv1_handle_timeout); fails the
  // transport with kTimeout after too many expiries. Harmless if called early.
  // The retransmission timer runs on OpenSSL's clock, which cannot be injected in
  // OpenSSL 3.0: hence no `now` parameter.
  void OnTimer();

  // Encrypts and sends application data (SCTP) as one record in one datagram; only when
  // connected. The record adds 37 bytes (AES-GCM) that the MTU does not bound, so the
  // caller keeps each message within mtu - 37 (SCTP does, from its own path MTU).
  // Returns false if not connected, if len is 0 or above 16384, or if OpenSSL refuses.
  bool SendApplicationData(const uint8_t* data, std::size_t len);

  // Sends close_notify if the handshake is complete, then ignores everything (kClosed).
  void Close();

  State state() const { return state_; }
  std::optional<Role> role() const { return role_; }
  Failure failure() const { return failure_; }
  std::optional<SrtpProfile> srtp_profile() const { return srtp_profile_; }
  const Stats& stats() const { return stats_; }
  // Our certificate's fingerprint, for dtlsParameters.fingerprints.
  std::string LocalFingerprint(std::string_view algorithm) const;

  static std::string_view FailureName(Failure failure);
  static std::string_view StateName(State state);

 private:
  struct SslFree {
    void operator()(ssl_st* ssl) const noexcept;
  };
  struct Callbacks;  // OpenSSL BIO / timer callbacks (dtls_transport.cc)
  friend struct Callbacks;

  bool CreateSsl();
  void RunHandshake();
  void OnHandshakeDone();
  void VerifyAndConnect();
  void ReadApplicationData();
  void OnClosedByPeer();
  void Fail(Failure failure, std::string_view detail);
  void EmitDatagram(const uint8_t* data, std::size_t len);
  int ReadPendingDatagram(uint8_t* out, int capacity);
  std::size_t MinEncryptedFragment() const;

  Listener* const listener_;
  const Options options_;
  const DtlsCertificate* const certificate_;
  std::unique_ptr<ssl_st, SslFree> ssl_;
  std::unique_ptr<uint8_t[]> read_buffer_;  // one decrypted record (SSL_read target)

  State state_ = State::kNew;
  std::optional<Role> role_;
  Failure failure_ = Failure::kNone;
  std::optional<SrtpProfile> srtp_profile_;
  std::string remote_fingerprint_algorithm_;
  std::string remote_fingerprint_value_;
  bool handshake_done_ = false;

  // The datagram being fed by HandleRecord(), read once by the BIO.
  const uint8_t* pending_datagram_ = nullptr;
  std::size_t pending_datagram_len_ = 0;
  // SSL_read calls allowed per ReadApplicationData() (records left in OpenSSL's buffer
  // when no datagram is being handled, e.g. after SetRemoteFingerprint()).
  static constexpr int kIdleReadBudget = 64;
  int read_budget_ = kIdleReadBudget;

  Stats stats_;
};

}  // namespace tr::media
