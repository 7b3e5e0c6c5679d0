#pragma once
// A WebRTC transport as mediasoup-client expects one (mediasoup-client-interop.md §1.1,
// §6, §7): ICE-lite server with host candidates on the worker's UDP and TCP ports, DTLS
// 1.2 (role from `connect`: remote "client" → we are server, "server"/"auto" → client),
// then SRTP/SRTCP in both directions keyed from the DTLS exporter. One 5-tuple at a time
// carries media (BUNDLE + rtcp-mux).
//
// DOC: https://www.rfc-editor.org/rfc/rfc7983 (demultiplexing STUN / DTLS / RTP / RTCP)
//      https://www.rfc-editor.org/rfc/rfc5764 (DTLS-SRTP)
//
// Packet path (OnPacketReceived → SRTP unprotect in place → parse → Listener, and
// SendRtpPacket → SRTP protect straight into the worker's send batch) allocates nothing,
// locks nothing and throws nothing; malformed or undecryptable packets are counted and
// dropped.
//
// Threading: created, used and destroyed on its worker's thread. Listener methods are
// called synchronously on that thread; a listener must not destroy the transport from
// inside a callback (defer it, e.g. with a Timer).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/json.h"
#include "media/bwe/send_history.h"
#include "media/dtls/dtls_transport.h"
#include "media/ice/ice_candidate.h"
#include "media/ice/ice_server.h"
#include "media/rtp/rtp_packet.h"
#include "media/srtp/srtp_session.h"
#include "media/transport/egress_shaper.h"
#include "media/worker/event_loop.h"
#include "media/worker/worker.h"

namespace tr::media {

class DtlsCertificate;

class WebRtcTransport : public PacketReceiver,
                        private IceServer::Listener,
                        private DtlsTransport::Listener {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // DTLS completed and SRTP is keyed: media can flow.
    virtual void OnTransportConnected(WebRtcTransport* transport) = 0;
    // The transport cannot continue: "ice_timeout" (consent expired), "dtls_failed",
    // "dtls_closed" (peer sent close_notify). The owner should close it (deferred).
    virtual void OnTransportFailed(WebRtcTransport* transport, std::string_view reason) = 0;
    // A decrypted, parsed RTP packet (the buffer may be rewritten in place by the
    // listener; valid only during the call).
    virtual void OnTransportRtpPacket(WebRtcTransport* transport, RtpPacket& packet) = 0;
    // A decrypted RTCP compound packet that passed RtcpCompoundIterator::Validate.
    virtual void OnTransportRtcpPacket(WebRtcTransport* transport,
                                       std::span<const uint8_t> compound) = 0;
  };

  struct Options {
    IceCandidateOptions candidates;
    // ICE consent freshness (RFC 7675): close after this long without a valid check once
    // connected. 0 disables it.
    int64_t consent_timeout_ms = 30'000;
    // nullptr = DtlsCertificate::Process().
    const DtlsCertificate* certificate = nullptr;
  };

  struct Stats {
    uint64_t packets_received = 0;  // every datagram / TCP frame handed to us
    uint64_t bytes_received = 0;
    uint64_t packets_sent = 0;
    uint64_t bytes_sent = 0;
    uint64_t rtp_packets_received = 0;
    uint64_t rtp_bytes_received = 0;  // decrypted size
    uint64_t rtcp_packets_received = 0;
    uint64_t rtp_packets_sent = 0;
    uint64_t rtp_bytes_sent = 0;  // protected size
    uint64_t rtcp_packets_sent = 0;
    uint64_t stun_packets_received = 0;
    uint64_t dtls_packets_received = 0;
    uint64_t dropped_malformed = 0;      // no protocol matched / did not parse
    uint64_t dropped_not_connected = 0;  // RTP/RTCP before SRTP, or no valid tuple
    uint64_t dropped_srtp = 0;           // unprotect / protect failed
  };

  // Generates random ICE credentials (unique on the worker) and registers them. Throws
  // std::runtime_error only if no unique ufrag can be found (control path).
  WebRtcTransport(Worker* worker, Listener* listener, std::string id, Options options);
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;
  ~WebRtcTransport() override;

  // Unregisters from the worker, sends DTLS close_notify if connected, stops timers. No
  // listener calls afterwards. Idempotent.
  void Close();

  const std::string& id() const { return id_; }
  Worker* worker() const { return worker_; }

  // ---- Signaling (mediasoup JSON shapes) ----
  Json IceParameters() const;  // {usernameFragment, password, iceLite: true}
  Json IceCandidates() const;
  Json DtlsParameters() const;  // {role: "auto", fingerprints: [{algorithm, value}]}
  // `transport.connect`: the remote DTLS parameters. Returns the local role ("client" or
  // "server"), or nullopt with `*error` set (second connect, bad fingerprint, ...).
  std::optional<std::string> Connect(const Json& dtls_parameters, std::string* error);
  // New ICE credentials (the old ones stay valid until the peer uses the new ones).
  Json RestartIce();

  // ---- Media out (packet path) ----
  // Protects `len` bytes of plain RTP (RTCP) into the worker's send batch and sends them
  // to the selected tuple. False (counted) if not connected or protection failed. An RTP
  // packet that took a transport-wide sequence number (NextTransportSequenceNumber) since
  // the last send is recorded in the send history, with `probe_cluster` for padding probes.
  bool SendRtpPacket(const uint8_t* data, std::size_t len, int32_t probe_cluster = -1);
  bool SendRtcpPacket(const uint8_t* data, std::size_t len);

  // Transport-wide sequence number for the next RTP packet sent (draft-holmer TWCC: one
  // counter per transport across all SSRCs).
  uint16_t NextTransportSequenceNumber() {
    twcc_pending_ = true;
    return ++twcc_sequence_;
  }
  // What was sent with transport-wide sequence numbers (null before the first one): the
  // owner joins the endpoint's transport-cc feedback against it.
  const SendHistory* send_history() const { return send_history_.get(); }

  // While a bandwidth probe runs, every RTP packet sent is recorded as part of its cluster
  // (-1 = none).
  void SetActiveProbeCluster(int32_t cluster) { active_probe_cluster_ = cluster; }

  // Test hook (--test-hooks): emulate a bottleneck on what we send (egress_shaper.h).
  void SetEgressShaping(const EgressShaper::Config& config);

  bool IsConnected() const { return srtp_out_.has_value() && ice_.SelectedTuple() != nullptr; }
  // "new" | "connecting" | "connected" | "failed" | "closed"
  std::string_view DtlsStateName() const;
  std::string_view IceStateName() const { return IceServer::StateName(ice_.state()); }
  std::optional<TransportTuple> SelectedTuple() const;
  const Stats& stats() const { return stats_; }
  const IceServer& ice() const { return ice_; }
  std::optional<SrtpProfile> srtp_profile() const { return srtp_profile_; }
  Json StatsJson() const;

  // PacketReceiver
  void OnPacketReceived(const TransportTuple& tuple, uint8_t* data, std::size_t len) override;
  void OnTupleClosed(const TransportTuple& tuple) override;

 private:
  // IceServer::Listener
  void OnIceServerSendStunPacket(IceServer* ice, const TransportTuple& tuple,
                                 const uint8_t* data, std::size_t len) override;
  void OnIceServerTupleAdded(IceServer* ice, const TransportTuple& tuple) override;
  void OnIceServerTupleRemoved(IceServer* ice, const TransportTuple& tuple) override;
  void OnIceServerSelectedTuple(IceServer* ice, const TransportTuple& tuple) override;
  void OnIceServerOldUfragRetired(IceServer* ice, std::string_view old_ufrag) override;
  void OnIceServerConsentExpired(IceServer* ice) override;
  // DtlsTransport::Listener
  void OnDtlsSendPacket(DtlsTransport* dtls, const uint8_t* data, std::size_t len) override;
  void OnDtlsConnected(DtlsTransport* dtls, SrtpProfile profile,
                       std::span<const uint8_t> local_master_key_and_salt,
                       std::span<const uint8_t> remote_master_key_and_salt) override;
  void OnDtlsFailed(DtlsTransport* dtls, DtlsTransport::Failure failure) override;
  void OnDtlsClosed(DtlsTransport* dtls) override;
  void OnDtlsApplicationData(DtlsTransport* dtls, const uint8_t* data, std::size_t len) override;

  void HandleStun(const TransportTuple& tuple, uint8_t* data, std::size_t len);
  void HandleDtls(const TransportTuple& tuple, const uint8_t* data, std::size_t len);
  void HandleRtp(uint8_t* data, std::size_t len);
  void HandleRtcp(uint8_t* data, std::size_t len);
  // SRTP/SRTCP-protects into the worker's send batch towards the selected tuple.
  bool ProtectAndSend(const uint8_t* data, std::size_t len, bool rtcp);
  void MayStartDtls();
  void UpdateDtlsTimer();
  void OnPeriodic();
  void Fail(std::string_view reason);

  Worker* const worker_;
  Listener* const listener_;
  const std::string id_;
  const Options options_;
  IceServer ice_;
  std::unique_ptr<DtlsTransport> dtls_;
  std::optional<DtlsTransport::Role> local_role_;  // set by Connect()
  bool connect_called_ = false;
  std::string remote_fingerprint_algorithm_;
  std::string remote_fingerprint_value_;
  std::optional<SrtpSession> srtp_in_;
  std::optional<SrtpSession> srtp_out_;
  std::optional<SrtpProfile> srtp_profile_;
  Timer dtls_timer_;
  Timer periodic_timer_;
  bool closed_ = false;
  bool failed_ = false;
  uint16_t twcc_sequence_ = 0;
  bool twcc_pending_ = false;
  int32_t active_probe_cluster_ = -1;
  std::unique_ptr<SendHistory> send_history_;
  std::unique_ptr<EgressShaper> shaper_;  // test hook only
  Stats stats_;
};

}  // namespace tr::media
