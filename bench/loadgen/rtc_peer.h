#pragma once
// One synthetic WebRTC endpoint of the load generator, on its own UDP socket: ICE
// controlling agent (checks with USE-CANDIDATE, then consent checks), DTLS client,
// SRTP. Modes:
//   kSender  the host: protects and sends RTP/RTCP, decrypts the RTCP it gets back.
//   kCheap   viewer that completes ICE/DTLS/SRTP and counts packets/bytes by SSRC
//            (plaintext header) without decrypting: ≈ one recvmmsg slot per packet.
//   kFull    viewer that decrypts, keeps RFC 3550 receive statistics, sends RR every
//            second and NACKs for sequence gaps (retransmissions arrive as RTX).
//   kProbe   a full viewer that also reads the host's send-time marker at the tail of
//            each payload and the kernel receive time (SO_TIMESTAMPNS): forwarding delay.
// Receives are batched (recvmmsg, 32 per call) into per-thread buffers; nothing on the
// packet path allocates.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lg_loop.h"
#include "media/dtls/dtls_transport.h"
#include "media/srtp/srtp_session.h"

namespace tr::loadgen {

// What transport-created tells a client.
struct RemoteTransport {
  std::string ufrag;
  std::string password;
  std::string ip;
  uint16_t port = 0;
  std::string fingerprint_algorithm;
  std::string fingerprint;
};

enum class PeerMode { kSender, kCheap, kFull, kProbe };

// Payload tail marker written by the host: magic, send time (CLOCK_REALTIME ns), stream.
inline constexpr std::size_t kMarkerSize = 16;
inline constexpr uint32_t kMarkerMagic = 0x54524C47;  // "TRLG"

struct PeerCounters {
  uint64_t video_packets = 0;
  uint64_t video_bytes = 0;
  uint64_t audio_packets = 0;
  uint64_t audio_bytes = 0;
  // Extended highest RTP sequence number seen per stream (read from the plaintext header,
  // all modes): expected packets by sequence = its progress, as an RTCP RR counts.
  uint64_t video_ext_seq = 0;
  uint64_t audio_ext_seq = 0;
  uint64_t rtx_packets = 0;
  uint64_t other_rtp_packets = 0;  // an SSRC we did not expect
  uint64_t rtcp_packets = 0;
  uint64_t stun_responses = 0;
  uint64_t stun_errors = 0;
  uint64_t stun_requests_in = 0;
  uint64_t dtls_packets = 0;
  uint64_t srtp_failures = 0;
  // Full viewers.
  uint64_t nack_packets_sent = 0;
  uint64_t nacked_seqs = 0;
  uint64_t recovered = 0;  // a NACKed packet arrived (RTX or late)
  uint64_t unrecovered = 0;
  uint64_t rr_sent = 0;
  uint64_t sr_received = 0;
  uint64_t simulated_drops = 0;
};

class RtcPeer : public FdHandler, private media::DtlsTransport::Listener {
 public:
  struct Options {
    PeerMode mode = PeerMode::kCheap;
    int consent_interval_ms = 2500;  // jittered ±20 %
    int rcvbuf_bytes = 0;            // 0 = system default
    // Full viewers: discard this many per mille of received video packets before
    // processing (simulated loss, to exercise NACK → RTX).
    int drop_per_mille = 0;
  };

  explicit RtcPeer(Options options);
  ~RtcPeer() override;
  RtcPeer(const RtcPeer&) = delete;
  RtcPeer& operator=(const RtcPeer&) = delete;

  // Opens the UDP socket connected to the server's candidate and registers it.
  bool Open(const RemoteTransport& remote, EventLoop* loop);
  // Moves the socket to another loop (the host hands itself to its sender thread).
  void MoveToLoop(EventLoop* loop);
  void StartIce(int64_t now_ms);
  // ICE retransmissions, consent checks, DTLS timers, RR / NACK timers. Call every ~20 ms.
  void Tick(int64_t now_ms);

  // Viewer: the consumer SSRCs (from consumer-created), the RTX SSRC of the video one.
  void SetVideoSsrc(uint32_t ssrc, uint32_t rtx_ssrc);
  void SetAudioSsrc(uint32_t ssrc);

  static std::string LocalFingerprint();  // sha-256 of the certificate all peers share

  bool ice_connected() const { return ice_connected_; }
  bool dtls_connected() const { return srtp_out_.has_value(); }
  bool dtls_failed() const;
  const char* srtp_profile_name() const;
  int fd() const { return fd_; }
  PeerMode mode() const { return options_.mode; }
  const PeerCounters& counters() const { return c_; }

  // Sender: protects `plain` (len bytes, buffer capacity cap ≥ len + 148) in place and
  // sends it. False when not connected or on failure.
  bool SendRtp(uint8_t* buf, std::size_t len, std::size_t cap);
  bool SendRtcp(const uint8_t* plain, std::size_t len);
  // Sender: decrypted RTCP compound packets.
  std::function<void(const uint8_t* data, std::size_t len)> on_rtcp;

  // Probe: where forwarding delays (µs) go while recording.
  void SetLatencySink(std::vector<uint32_t>* sink) { latency_sink_ = sink; }
  void SetRecordLatency(bool on) { record_latency_ = on; }
  uint64_t markers_seen() const { return markers_seen_; }

  void OnFdEvent(uint32_t events) override;

 private:
  struct RecvStream {
    uint32_t ssrc = 0;
    uint32_t clock_rate = 90000;
    bool started = false;
    uint16_t max_seq = 0;
    uint32_t cycles = 0;
    uint32_t base_seq = 0;
    uint64_t received = 0;
    uint64_t expected_prior = 0;
    uint64_t received_prior = 0;
    double jitter = 0;
    int64_t last_transit = 0;
    bool have_transit = false;
    uint32_t last_sr = 0;  // compact NTP of the last SR
    int64_t last_sr_mono_ns = 0;
  };
  struct Missing {
    uint16_t seq = 0;
    uint8_t tries = 0;
    bool active = false;
    int64_t first_ms = 0;
    int64_t last_ms = 0;
  };

  void OnDtlsSendPacket(media::DtlsTransport* dtls, const uint8_t* data, std::size_t len) override;
  void OnDtlsConnected(media::DtlsTransport* dtls, media::SrtpProfile profile,
                       std::span<const uint8_t> local, std::span<const uint8_t> remote) override;
  void OnDtlsFailed(media::DtlsTransport* dtls, media::DtlsTransport::Failure failure) override;
  void OnDtlsClosed(media::DtlsTransport* dtls) override;
  void OnDtlsApplicationData(media::DtlsTransport* dtls, const uint8_t* data, std::size_t len) override;

  void SendBinding(bool use_candidate);
  void Write(const uint8_t* data, std::size_t len);
  static void TrackExtSeq(uint64_t& ext, bool& started, uint16_t seq);
  void HandleDatagram(uint8_t* data, std::size_t len, std::size_t real_len, int64_t rx_real_ns);
  void HandleStun(const uint8_t* data, std::size_t len);
  void HandleRtpDecrypted(uint8_t* data, std::size_t len, int64_t rx_real_ns);
  void HandleRtcpDecrypted(const uint8_t* data, std::size_t len);
  void TrackSeq(RecvStream& s, uint16_t seq, uint32_t rtp_ts, int64_t now_ns, bool video);
  void AddMissing(uint16_t seq, int64_t now_ms);
  void ResolveMissing(uint16_t seq);
  void SendNack(const uint16_t* seqs, std::size_t n);
  void SendReceiverReport(int64_t now_ms);
  void ProcessNackTimers(int64_t now_ms);

  Options options_;
  RemoteTransport remote_;
  EventLoop* loop_ = nullptr;
  int fd_ = -1;
  std::string local_ufrag_;
  uint64_t tie_breaker_ = 0;
  uint32_t local_ssrc_ = 0;  // sender SSRC of our RTCP (viewers)
  bool ice_connected_ = false;
  int64_t next_check_ms_ = 0;
  int64_t next_consent_ms_ = 0;
  int64_t dtls_deadline_ms_ = -1;
  std::unique_ptr<media::DtlsTransport> dtls_;
  std::optional<media::SrtpSession> srtp_in_;
  std::optional<media::SrtpSession> srtp_out_;
  uint64_t rng_;

  bool video_seq_started_ = false;
  bool audio_seq_started_ = false;
  uint32_t video_ssrc_ = 0;
  uint32_t video_rtx_ssrc_ = 0;
  uint32_t audio_ssrc_ = 0;
  RecvStream video_;
  RecvStream audio_;
  std::array<Missing, 256> missing_{};
  int64_t next_rr_ms_ = 0;

  std::vector<uint32_t>* latency_sink_ = nullptr;
  bool record_latency_ = false;
  uint64_t markers_seen_ = 0;

  PeerCounters c_;
};

}  // namespace tr::loadgen
