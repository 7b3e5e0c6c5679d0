#include "media/transport/webrtc_transport.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "common/log.h"
#include "common/random.h"
#include "common/time.h"
#include "media/dtls/dtls_certificate.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/stun/stun_message.h"

namespace tr::media {

namespace {

constexpr std::string_view kComponent = "media.transport";
constexpr std::size_t kUfragLength = 16;
constexpr std::size_t kPasswordLength = 32;

const DtlsCertificate& CertificateOf(const WebRtcTransport::Options& options) {
  return options.certificate != nullptr ? *options.certificate : DtlsCertificate::Process();
}

DtlsTransport::Options DtlsOptionsFor(const WebRtcTransport::Options& options) {
  DtlsTransport::Options dtls;
  dtls.certificate = &CertificateOf(options);
  return dtls;
}

}  // namespace

WebRtcTransport::WebRtcTransport(Worker* worker, Listener* listener, std::string id,
                                 Options options)
    : worker_(worker),
      listener_(listener),
      id_(std::move(id)),
      options_(options),
      ice_(this, RandomAlnum(kUfragLength), RandomAlnum(kPasswordLength),
           options.consent_timeout_ms),
      dtls_(std::make_unique<DtlsTransport>(static_cast<DtlsTransport::Listener*>(this),
                                           DtlsOptionsFor(options))),
      dtls_timer_(&worker->loop(),
                  [this] {
                    if (dtls_) {
                      dtls_->OnTimer();
                      UpdateDtlsTimer();
                    }
                  }),
      periodic_timer_(&worker->loop(), [this] { OnPeriodic(); }) {
  if (!worker_->RegisterUfrag(ice_.ufrag(), this)) {
    // 16 random [a-z0-9] characters colliding is practically impossible; retry anyway.
    ice_.RestartIce(RandomAlnum(kUfragLength), RandomAlnum(kPasswordLength));
    if (!worker_->RegisterUfrag(ice_.ufrag(), this)) {
      throw std::runtime_error("transport: cannot register a unique ICE ufrag");
    }
  }
  periodic_timer_.Start(std::min<int64_t>(
      1000, options_.consent_timeout_ms > 0 ? std::max<int64_t>(options_.consent_timeout_ms / 4, 50)
                                            : 1000));
}

WebRtcTransport::~WebRtcTransport() { Close(); }

void WebRtcTransport::Close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  dtls_timer_.Stop();
  periodic_timer_.Stop();
  if (dtls_ && dtls_->state() == DtlsTransport::State::kConnected) {
    dtls_->Close();  // close_notify, while the tuple is still known
  }
  worker_->UnregisterUfrag(ice_.ufrag());
  if (!ice_.old_ufrag().empty()) {
    worker_->UnregisterUfrag(ice_.old_ufrag());
  }
  // Unregister every tuple (OnIceServerTupleRemoved); TCP connections close as well.
  ice_.RemoveAllTuples();
}

// ---------------------------------------------------------------- signaling

Json WebRtcTransport::IceParameters() const {
  return {{"usernameFragment", ice_.ufrag()}, {"password", ice_.password()}, {"iceLite", true}};
}

Json WebRtcTransport::IceCandidates() const {
  Json list = Json::array();
  for (const auto& c : MakeHostCandidates(worker_->announced_ip(), worker_->udp_port(),
                                          worker_->tcp_port(), options_.candidates)) {
    list.push_back(c.ToJson());
  }
  return list;
}

Json WebRtcTransport::DtlsParameters() const {
  return {{"role", "auto"},
          {"fingerprints",
           Json::array({{{"algorithm", "sha-256"},
                         {"value", CertificateOf(options_).Fingerprint("sha-256")}}})}};
}

std::optional<std::string> WebRtcTransport::Connect(const Json& dtls_parameters,
                                                    std::string* error) {
  if (connect_called_) {
    *error = "connect() already called";
    return std::nullopt;
  }
  if (!dtls_parameters.is_object() || !dtls_parameters.contains("fingerprints") ||
      !dtls_parameters["fingerprints"].is_array() || dtls_parameters["fingerprints"].empty()) {
    *error = "dtlsParameters.fingerprints missing";
    return std::nullopt;
  }
  // mediasoup uses the first fingerprint.
  const Json& fp = dtls_parameters["fingerprints"][0];
  if (!fp.is_object() || !fp.contains("algorithm") || !fp["algorithm"].is_string() ||
      !fp.contains("value") || !fp["value"].is_string()) {
    *error = "invalid fingerprint";
    return std::nullopt;
  }
  const std::string algorithm = fp["algorithm"].get<std::string>();
  if (!DtlsCertificate::IsSupportedFingerprintAlgorithm(algorithm)) {
    *error = "unsupported fingerprint algorithm";
    return std::nullopt;
  }
  std::string remote_role = "auto";
  if (dtls_parameters.contains("role")) {
    if (!dtls_parameters["role"].is_string()) {
      *error = "invalid dtlsParameters.role";
      return std::nullopt;
    }
    remote_role = dtls_parameters["role"].get<std::string>();
  }
  DtlsTransport::Role role;
  if (remote_role == "client") {
    role = DtlsTransport::Role::kServer;
  } else if (remote_role == "server" || remote_role == "auto") {
    role = DtlsTransport::Role::kClient;  // we are the ICE-controlled side (mediasoup)
  } else {
    *error = "invalid dtlsParameters.role";
    return std::nullopt;
  }
  if (dtls_->role().has_value() && *dtls_->role() != role) {
    // A ClientHello already made us DTLS server before `connect`.
    *error = "DTLS already running with the other role";
    return std::nullopt;
  }
  connect_called_ = true;
  local_role_ = role;
  remote_fingerprint_algorithm_ = algorithm;
  remote_fingerprint_value_ = fp["value"].get<std::string>();
  if (dtls_->role().has_value()) {
    dtls_->SetRemoteFingerprint(remote_fingerprint_algorithm_, remote_fingerprint_value_);
    UpdateDtlsTimer();
  } else {
    MayStartDtls();
  }
  return std::string(role == DtlsTransport::Role::kServer ? "server" : "client");
}

Json WebRtcTransport::RestartIce() {
  std::string ufrag = RandomAlnum(kUfragLength);
  while (!worker_->RegisterUfrag(ufrag, this)) {
    ufrag = RandomAlnum(kUfragLength);
  }
  ice_.RestartIce(std::move(ufrag), RandomAlnum(kPasswordLength));
  return IceParameters();
}

std::string_view WebRtcTransport::DtlsStateName() const {
  return DtlsTransport::StateName(dtls_->state());
}

std::optional<TransportTuple> WebRtcTransport::SelectedTuple() const {
  const TransportTuple* t = ice_.SelectedTuple();
  return t != nullptr ? std::optional<TransportTuple>(*t) : std::nullopt;
}

Json WebRtcTransport::StatsJson() const {
  Json j = {
      {"transportId", id_},
      {"iceState", IceStateName()},
      {"dtlsState", DtlsStateName()},
      {"bytesReceived", stats_.bytes_received},
      {"bytesSent", stats_.bytes_sent},
      {"packetsReceived", stats_.packets_received},
      {"packetsSent", stats_.packets_sent},
      {"rtpPacketsReceived", stats_.rtp_packets_received},
      {"rtpBytesReceived", stats_.rtp_bytes_received},
      {"rtpPacketsSent", stats_.rtp_packets_sent},
      {"rtpBytesSent", stats_.rtp_bytes_sent},
      {"rtcpPacketsReceived", stats_.rtcp_packets_received},
      {"rtcpPacketsSent", stats_.rtcp_packets_sent},
      {"droppedMalformed", stats_.dropped_malformed},
      {"droppedNotConnected", stats_.dropped_not_connected},
      {"droppedSrtp", stats_.dropped_srtp},
  };
  if (const auto t = SelectedTuple()) {
    j["iceSelectedTuple"] = t->ToString();
  }
  if (srtp_profile_) {
    j["srtpCipher"] = SrtpProfileCipherName(*srtp_profile_);
  }
  if (shaper_) {
    const auto& c = shaper_->config();
    const auto& st = shaper_->stats();
    j["testNetwork"] = {{"lossPercent", c.loss_fraction * 100},
                        {"downlinkKbps", c.rate_bps / 1000},
                        {"packetsIn", st.packets_in},
                        {"droppedRandom", st.dropped_random},
                        {"droppedQueue", st.dropped_queue}};
  }
  return j;
}

// ---------------------------------------------------------------- packets in

void WebRtcTransport::OnPacketReceived(const TransportTuple& tuple, uint8_t* data,
                                       std::size_t len) {
  if (closed_) {
    return;
  }
  ++stats_.packets_received;
  stats_.bytes_received += len;
  const std::span<const uint8_t> bytes(data, len);
  // RFC 7983 order: STUN, then RTCP before RTP (both 128..191), then DTLS.
  if (StunMessage::IsStun(bytes)) {
    HandleStun(tuple, data, len);
    return;
  }
  if (!ice_.IsValidTuple(tuple)) {
    ++stats_.dropped_not_connected;
    return;
  }
  if (RtcpPacket::IsRtcp(bytes)) {
    HandleRtcp(data, len);
  } else if (RtpPacket::IsRtp(bytes)) {
    HandleRtp(data, len);
  } else if (DtlsTransport::IsDtls(data, len)) {
    ice_.ForceSelectedTuple(tuple);
    HandleDtls(tuple, data, len);
  } else {
    ++stats_.dropped_malformed;
  }
}

void WebRtcTransport::OnTupleClosed(const TransportTuple& tuple) {
  if (closed_) {
    return;
  }
  ice_.RemoveTuple(tuple);
}

void WebRtcTransport::HandleStun(const TransportTuple& tuple, uint8_t* data, std::size_t len) {
  ++stats_.stun_packets_received;
  const auto message = StunMessage::Parse(std::span<const uint8_t>(data, len));
  if (!message) {
    ++stats_.dropped_malformed;
    return;
  }
  ice_.ProcessStunMessage(*message, tuple, worker_->loop().NowMs());
}

void WebRtcTransport::HandleDtls(const TransportTuple& /*tuple*/, const uint8_t* data,
                                 std::size_t len) {
  ++stats_.dtls_packets_received;
  if (!dtls_->role().has_value()) {
    // A ClientHello before `connect` (mediasoup runs as server then and checks the
    // fingerprint once it arrives).
    if (!dtls_->Start(DtlsTransport::Role::kServer, "", "")) {
      return;
    }
  }
  dtls_->HandleRecord(data, len);
  if (!closed_) {
    UpdateDtlsTimer();
  }
}

void WebRtcTransport::HandleRtp(uint8_t* data, std::size_t len) {
  if (!srtp_in_) {
    ++stats_.dropped_not_connected;
    return;
  }
  std::size_t plain_len = len;
  if (!srtp_in_->UnprotectRtp(data, &plain_len)) {
    ++stats_.dropped_srtp;
    return;
  }
  RtpPacket packet;
  if (!RtpPacket::Parse(std::span<uint8_t>(data, plain_len), packet)) {
    ++stats_.dropped_malformed;
    return;
  }
  ++stats_.rtp_packets_received;
  stats_.rtp_bytes_received += plain_len;
  listener_->OnTransportRtpPacket(this, packet);
}

void WebRtcTransport::HandleRtcp(uint8_t* data, std::size_t len) {
  if (!srtp_in_) {
    ++stats_.dropped_not_connected;
    return;
  }
  std::size_t plain_len = len;
  if (!srtp_in_->UnprotectRtcp(data, &plain_len)) {
    ++stats_.dropped_srtp;
    return;
  }
  const std::span<const uint8_t> compound(data, plain_len);
  if (!RtcpCompoundIterator::Validate(compound)) {
    ++stats_.dropped_malformed;
    return;
  }
  ++stats_.rtcp_packets_received;
  listener_->OnTransportRtcpPacket(this, compound);
}

// ---------------------------------------------------------------- packets out

bool WebRtcTransport::SendRtpPacket(const uint8_t* data, std::size_t len,
                                    int32_t probe_cluster) {
  const bool recorded = twcc_pending_;
  twcc_pending_ = false;
  if (!srtp_out_ || ice_.SelectedTuple() == nullptr || closed_) {
    ++stats_.dropped_not_connected;
    return false;
  }
  if (recorded) {
    if (!send_history_) {
      send_history_ = std::make_unique<SendHistory>();  // once per transport
    }
    send_history_->OnPacketSent(twcc_sequence_, static_cast<uint32_t>(len), MonotonicMicros(),
                                probe_cluster >= 0 ? probe_cluster : active_probe_cluster_);
  }
  if (shaper_ && shaper_->Active()) {
    shaper_->Send(data, len);  // as if on the wire: the emulated link may drop or delay it
    return true;
  }
  return ProtectAndSend(data, len, /*rtcp=*/false);
}

bool WebRtcTransport::ProtectAndSend(const uint8_t* data, std::size_t len, bool rtcp) {
  const TransportTuple* tuple = ice_.SelectedTuple();
  if (!srtp_out_ || tuple == nullptr || closed_) {
    ++stats_.dropped_not_connected;
    return false;
  }
  const std::span<uint8_t> slot = worker_->AcquireSendBuffer();
  std::size_t out_len = 0;
  const std::size_t trailer = rtcp ? SrtpSession::kRtcpTrailerRoom : SrtpSession::kRtpTrailerRoom;
  if (len + trailer > slot.size() ||
      !(rtcp ? srtp_out_->ProtectRtcp(data, len, slot.data(), slot.size(), &out_len)
             : srtp_out_->ProtectRtp(data, len, slot.data(), slot.size(), &out_len))) {
    ++stats_.dropped_srtp;
    return false;
  }
  worker_->CommitSend(*tuple, out_len);
  if (rtcp) {
    ++stats_.rtcp_packets_sent;
  } else {
    ++stats_.rtp_packets_sent;
    stats_.rtp_bytes_sent += out_len;
  }
  ++stats_.packets_sent;
  stats_.bytes_sent += out_len;
  return true;
}

void WebRtcTransport::SetEgressShaping(const EgressShaper::Config& config) {
  if (!shaper_) {
    shaper_ = std::make_unique<EgressShaper>(
        &worker_->loop(), [this](const uint8_t* data, std::size_t len) {
          ProtectAndSend(data, len, /*rtcp=*/false);
        });
  }
  shaper_->Configure(config);
}

bool WebRtcTransport::SendRtcpPacket(const uint8_t* data, std::size_t len) {
  return ProtectAndSend(data, len, /*rtcp=*/true);
}

// ---------------------------------------------------------------- ICE

void WebRtcTransport::OnIceServerSendStunPacket(IceServer* /*ice*/, const TransportTuple& tuple,
                                                const uint8_t* data, std::size_t len) {
  worker_->Send(tuple, data, len);
  ++stats_.packets_sent;
  stats_.bytes_sent += len;
}

void WebRtcTransport::OnIceServerTupleAdded(IceServer* /*ice*/, const TransportTuple& tuple) {
  worker_->RegisterTuple(tuple, this);
}

void WebRtcTransport::OnIceServerTupleRemoved(IceServer* /*ice*/, const TransportTuple& tuple) {
  worker_->UnregisterTuple(tuple);
  if (tuple.IsTcp()) {
    worker_->CloseTcpConnection(tuple.connection_id);
  }
}

void WebRtcTransport::OnIceServerSelectedTuple(IceServer* /*ice*/,
                                               const TransportTuple& /*tuple*/) {
  if (!closed_) {
    MayStartDtls();
  }
}

void WebRtcTransport::OnIceServerOldUfragRetired(IceServer* /*ice*/, std::string_view old_ufrag) {
  worker_->UnregisterUfrag(old_ufrag);
}

void WebRtcTransport::OnIceServerConsentExpired(IceServer* /*ice*/) { Fail("ice_timeout"); }

// ---------------------------------------------------------------- DTLS

void WebRtcTransport::MayStartDtls() {
  if (dtls_->role().has_value() || !local_role_ || ice_.SelectedTuple() == nullptr) {
    return;
  }
  if (!dtls_->Start(*local_role_, remote_fingerprint_algorithm_, remote_fingerprint_value_)) {
    Fail("dtls_failed");
    return;
  }
  UpdateDtlsTimer();
}

void WebRtcTransport::UpdateDtlsTimer() {
  const auto timeout = dtls_->NextTimeoutMs();
  if (timeout) {
    dtls_timer_.Start(static_cast<int64_t>(*timeout));
  } else {
    dtls_timer_.Stop();
  }
}

void WebRtcTransport::OnDtlsSendPacket(DtlsTransport* /*dtls*/, const uint8_t* data,
                                       std::size_t len) {
  const TransportTuple* tuple = ice_.SelectedTuple();
  if (tuple == nullptr) {
    return;
  }
  worker_->Send(*tuple, data, len);
  ++stats_.packets_sent;
  stats_.bytes_sent += len;
}

void WebRtcTransport::OnDtlsConnected(DtlsTransport* /*dtls*/, SrtpProfile profile,
                                      std::span<const uint8_t> local_master_key_and_salt,
                                      std::span<const uint8_t> remote_master_key_and_salt) {
  srtp_out_ = SrtpSession::CreateFromKeyAndSalt(SrtpSession::Direction::kOutbound, profile,
                                                local_master_key_and_salt);
  srtp_in_ = SrtpSession::CreateFromKeyAndSalt(SrtpSession::Direction::kInbound, profile,
                                               remote_master_key_and_salt);
  if (!srtp_out_ || !srtp_in_) {
    srtp_out_.reset();
    srtp_in_.reset();
    Fail("dtls_failed");
    return;
  }
  srtp_profile_ = profile;
  log::Debug(kComponent, "transport connected",
             {{"transport", id_}, {"srtp", SrtpProfileName(profile)}});
  listener_->OnTransportConnected(this);
}

void WebRtcTransport::OnDtlsFailed(DtlsTransport* /*dtls*/, DtlsTransport::Failure failure) {
  log::Info(kComponent, "DTLS failed",
            {{"transport", id_}, {"failure", DtlsTransport::FailureName(failure)}});
  Fail("dtls_failed");
}

void WebRtcTransport::OnDtlsClosed(DtlsTransport* /*dtls*/) { Fail("dtls_closed"); }

void WebRtcTransport::OnDtlsApplicationData(DtlsTransport* /*dtls*/, const uint8_t* /*data*/,
                                            std::size_t /*len*/) {
  // DataChannels (SCTP) are not supported yet; sctpParameters are never offered.
}

// ---------------------------------------------------------------- timers / failure

void WebRtcTransport::OnPeriodic() {
  if (closed_) {
    return;
  }
  ice_.CheckConsent(worker_->loop().NowMs());
  if (!closed_ && !failed_) {
    periodic_timer_.Start(std::min<int64_t>(
        1000, options_.consent_timeout_ms > 0
                  ? std::max<int64_t>(options_.consent_timeout_ms / 4, 50)
                  : 1000));
  }
}

void WebRtcTransport::Fail(std::string_view reason) {
  if (failed_ || closed_) {
    return;
  }
  failed_ = true;
  srtp_out_.reset();
  srtp_in_.reset();
  dtls_timer_.Stop();
  listener_->OnTransportFailed(this, reason);
}

}  // namespace tr::media
