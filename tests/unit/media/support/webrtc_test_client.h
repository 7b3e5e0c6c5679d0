#pragma once
// A small WebRTC endpoint for tests and load generation, playing Chromium's role against
// the SFU: full ICE controlling agent (Binding requests with USERNAME, PRIORITY,
// ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT; periodic consent
// checks), DTLS client (tr::media::DtlsTransport), SRTP both ways, over UDP or ICE-TCP
// (RFC 4571 framing). Single-threaded: the owner drives it with Poll()/RunUntil().
//
// Cheap by design: one non-blocking socket, fixed buffers, optional decryption
// (Options::decrypt = false makes a viewer that only counts packets).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/json.h"
#include "media/dtls/dtls_transport.h"
#include "media/srtp/srtp_session.h"
#include "media/stun/stun_message.h"

namespace tr::media {
class DtlsCertificate;
}

namespace tr::media::test {

// What a `transport.create` reply tells a client.
struct RemoteTransportInfo {
  std::string ufrag;
  std::string password;
  std::string ip;
  uint16_t udp_port = 0;
  uint16_t tcp_port = 0;
  std::string fingerprint_algorithm;
  std::string fingerprint;

  static RemoteTransportInfo FromReply(const Json& data);
};

class WebRtcTestClient : private DtlsTransport::Listener {
 public:
  struct Options {
    bool use_tcp = false;
    // Put USE-CANDIDATE in the checks (aggressive nomination, as Chrome with ice-lite).
    bool use_candidate = true;
    // Binding requests after connecting (consent / keep-alive); 0 = never.
    int consent_interval_ms = 1000;
    // Decrypt and store received RTP/RTCP (false: only count them).
    bool decrypt = true;
    // nullptr = one certificate shared by all test clients of the process.
    const DtlsCertificate* certificate = nullptr;
  };

  struct Stats {
    uint64_t stun_success = 0;
    uint64_t stun_errors = 0;
    uint16_t last_stun_error = 0;
    uint64_t rtp_received = 0;
    uint64_t rtcp_received = 0;
    uint64_t srtp_failures = 0;
    uint64_t bytes_received = 0;
  };

  WebRtcTestClient();
  explicit WebRtcTestClient(Options options);
  WebRtcTestClient(const WebRtcTestClient&) = delete;
  WebRtcTestClient& operator=(const WebRtcTestClient&) = delete;
  ~WebRtcTestClient() override;

  // Creates the socket (UDP, or a TCP connection to the TCP candidate). False on failure.
  bool Open(const RemoteTransportInfo& remote);
  // {role: "client", fingerprints: [{algorithm: "sha-256", value}]} for transport.connect.
  Json DtlsParameters() const;

  // Sends a Binding request now. `password` overrides the remote password (401 tests),
  // `controlled` sends ICE-CONTROLLED instead of ICE-CONTROLLING (487 tests).
  void SendBindingRequest(bool use_candidate, const std::string* password = nullptr,
                          bool controlled = false);
  // Starts connectivity checks; DTLS starts when the first check succeeds.
  void StartIce() { SendBindingRequest(options_.use_candidate); }
  // Stop answering consent (the server should then time us out).
  void SetConsentEnabled(bool enabled) { consent_enabled_ = enabled; }

  // Receives and processes whatever is pending, runs DTLS/consent timers; waits at most
  // `timeout_ms` for the first packet.
  void Poll(int timeout_ms);
  // Polls until `done()` or the timeout; returns done().
  bool RunUntil(const std::function<bool()>& done, int timeout_ms);

  bool ice_connected() const { return ice_connected_; }
  bool dtls_connected() const { return srtp_out_.has_value(); }
  bool dtls_failed() const { return dtls_ && dtls_->state() == DtlsTransport::State::kFailed; }
  bool socket_closed() const { return fd_ < 0; }

  // Encrypts and sends one plain RTP / RTCP packet.
  bool SendRtp(std::span<const uint8_t> plain);
  bool SendRtcp(std::span<const uint8_t> plain);
  // Protects one plain RTP packet into `out` without sending it (load generators and
  // benchmarks that inject packets themselves). Returns the SRTP size, 0 on failure.
  std::size_t ProtectRtp(std::span<const uint8_t> plain, uint8_t* out, std::size_t capacity);
  // Sends bytes as they are (framed on TCP): garbage tests.
  void SendRaw(std::span<const uint8_t> data);

  // Decrypted packets received so far (when Options::decrypt).
  std::vector<std::vector<uint8_t>>& rtp() { return rtp_; }
  std::vector<std::vector<uint8_t>>& rtcp() { return rtcp_; }
  const Stats& stats() const { return stats_; }

  void Close();

 private:
  void OnDtlsSendPacket(DtlsTransport* dtls, const uint8_t* data, std::size_t len) override;
  void OnDtlsConnected(DtlsTransport* dtls, SrtpProfile profile,
                       std::span<const uint8_t> local_master_key_and_salt,
                       std::span<const uint8_t> remote_master_key_and_salt) override;
  void OnDtlsFailed(DtlsTransport* dtls, DtlsTransport::Failure failure) override;
  void OnDtlsClosed(DtlsTransport* dtls) override;
  void OnDtlsApplicationData(DtlsTransport* dtls, const uint8_t* data, std::size_t len) override;

  void Write(const uint8_t* data, std::size_t len);
  void HandlePacket(uint8_t* data, std::size_t len);
  void HandleStun(const StunMessage& message);
  void RunTimers();
  static int64_t NowMs();

  Options options_;
  RemoteTransportInfo remote_;
  int fd_ = -1;
  std::string local_ufrag_;
  uint64_t tie_breaker_ = 0;
  bool ice_connected_ = false;
  bool consent_enabled_ = true;
  int64_t next_consent_ms_ = 0;
  int64_t next_retry_ms_ = 0;
  std::unique_ptr<DtlsTransport> dtls_;
  int64_t dtls_deadline_ms_ = -1;
  std::optional<SrtpSession> srtp_in_;
  std::optional<SrtpSession> srtp_out_;
  std::vector<uint8_t> tcp_buffer_;
  std::vector<uint8_t> scratch_;
  std::vector<std::vector<uint8_t>> rtp_;
  std::vector<std::vector<uint8_t>> rtcp_;
  Stats stats_;
};

}  // namespace tr::media::test
