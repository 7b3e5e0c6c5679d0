#include "webrtc_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/random.h"
#include "media/common/byte_io.h"
#include "media/dtls/dtls_certificate.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "media/stun/stun_builder.h"

namespace tr::media::test {

namespace {

const DtlsCertificate& SharedClientCertificate() {
  static const DtlsCertificate* certificate = [] {
    auto generated = DtlsCertificate::Generate();
    return new DtlsCertificate(std::move(*generated));  // lives for the process
  }();
  return *certificate;
}

constexpr std::size_t kMaxPacket = 2048;

}  // namespace

RemoteTransportInfo RemoteTransportInfo::FromReply(const Json& data) {
  RemoteTransportInfo info;
  info.ufrag = data.at("iceParameters").at("usernameFragment").get<std::string>();
  info.password = data.at("iceParameters").at("password").get<std::string>();
  for (const auto& c : data.at("iceCandidates")) {
    info.ip = c.at("address").get<std::string>();
    if (c.at("protocol") == "udp") {
      info.udp_port = c.at("port").get<uint16_t>();
    } else {
      info.tcp_port = c.at("port").get<uint16_t>();
    }
  }
  const auto& fps = data.at("dtlsParameters").at("fingerprints");
  info.fingerprint_algorithm = fps.back().at("algorithm").get<std::string>();
  info.fingerprint = fps.back().at("value").get<std::string>();
  return info;
}

WebRtcTestClient::WebRtcTestClient() : WebRtcTestClient(Options{}) {}

WebRtcTestClient::WebRtcTestClient(Options options) : options_(options) {
  local_ufrag_ = RandomAlnum(8);
  RandomBytes(reinterpret_cast<uint8_t*>(&tie_breaker_), sizeof(tie_breaker_));
  scratch_.resize(kMaxPacket + SrtpSession::kRtcpTrailerRoom);
  DtlsTransport::Options dtls_options;
  dtls_options.certificate =
      options_.certificate != nullptr ? options_.certificate : &SharedClientCertificate();
  dtls_ = std::make_unique<DtlsTransport>(static_cast<DtlsTransport::Listener*>(this),
                                          dtls_options);
}

WebRtcTestClient::~WebRtcTestClient() { Close(); }

void WebRtcTestClient::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

int64_t WebRtcTestClient::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool WebRtcTestClient::Open(const RemoteTransportInfo& remote) {
  remote_ = remote;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options_.use_tcp ? remote.tcp_port : remote.udp_port);
  if (inet_pton(AF_INET, remote.ip.c_str(), &addr.sin_addr) != 1) {
    return false;
  }
  fd_ = ::socket(AF_INET, (options_.use_tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    return false;
  }
  if (options_.use_tcp) {
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return false;
  }
  return true;
}

Json WebRtcTestClient::DtlsParameters() const {
  const DtlsCertificate& cert =
      options_.certificate != nullptr ? *options_.certificate : SharedClientCertificate();
  return {{"role", "client"},
          {"fingerprints",
           Json::array({{{"algorithm", "sha-256"}, {"value", cert.Fingerprint("sha-256")}}})}};
}

void WebRtcTestClient::Write(const uint8_t* data, std::size_t len) {
  if (fd_ < 0) {
    return;
  }
  if (options_.use_tcp) {
    uint8_t header[2];
    WriteU16(header, static_cast<uint16_t>(len));
    iovec iov[2] = {{header, 2}, {const_cast<uint8_t*>(data), len}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    (void)::sendmsg(fd_, &msg, MSG_NOSIGNAL);
  } else {
    (void)::send(fd_, data, len, MSG_NOSIGNAL);
  }
}

void WebRtcTestClient::SendRaw(std::span<const uint8_t> data) { Write(data.data(), data.size()); }

void WebRtcTestClient::SendBindingRequest(bool use_candidate, const std::string* password,
                                          bool controlled) {
  StunTransactionId txid;
  RandomBytes(txid.data(), txid.size());
  uint8_t buf[512];
  StunBuilder b(buf);
  b.Begin(kStunBindingRequest, txid);
  b.AddUsername(remote_.ufrag + ":" + local_ufrag_);
  // Priority of a peer-reflexive candidate as Chrome computes it (type preference 110).
  b.AddPriority((110u << 24) | (65535u << 8) | 255u);
  if (controlled) {
    b.AddIceControlled(tie_breaker_);
  } else {
    b.AddIceControlling(tie_breaker_);
  }
  if (use_candidate) {
    b.AddUseCandidate();
  }
  b.AddMessageIntegrity(password != nullptr ? *password : remote_.password);
  b.AddFingerprint();
  const std::size_t n = b.Finish();
  Write(buf, n);
  next_retry_ms_ = NowMs() + 200;
}

void WebRtcTestClient::HandleStun(const StunMessage& message) {
  if (message.Class() == StunClass::kSuccessResponse) {
    if (!message.CheckIntegrity(remote_.password) || !message.CheckFingerprint()) {
      ++stats_.stun_errors;
      return;
    }
    ++stats_.stun_success;
    if (!ice_connected_) {
      ice_connected_ = true;
      next_consent_ms_ = NowMs() + options_.consent_interval_ms;
      dtls_->Start(DtlsTransport::Role::kClient, remote_.fingerprint_algorithm,
                   remote_.fingerprint);
      if (const auto t = dtls_->NextTimeoutMs()) {
        dtls_deadline_ms_ = NowMs() + static_cast<int64_t>(*t);
      }
    }
  } else if (message.Class() == StunClass::kErrorResponse) {
    ++stats_.stun_errors;
    if (const auto e = message.ErrorCode()) {
      stats_.last_stun_error = e->code;
    }
  }
}

void WebRtcTestClient::HandlePacket(uint8_t* data, std::size_t len) {
  stats_.bytes_received += len;
  const std::span<const uint8_t> bytes(data, len);
  if (StunMessage::IsStun(bytes)) {
    if (const auto message = StunMessage::Parse(bytes)) {
      HandleStun(*message);
    }
    return;
  }
  if (RtcpPacket::IsRtcp(bytes)) {
    ++stats_.rtcp_received;
    if (!options_.decrypt || !srtp_in_) {
      return;
    }
    std::size_t n = len;
    if (!srtp_in_->UnprotectRtcp(data, &n)) {
      ++stats_.srtp_failures;
      return;
    }
    rtcp_.emplace_back(data, data + n);
    return;
  }
  if (RtpPacket::IsRtp(bytes)) {
    ++stats_.rtp_received;
    if (!options_.decrypt || !srtp_in_) {
      return;
    }
    std::size_t n = len;
    if (!srtp_in_->UnprotectRtp(data, &n)) {
      ++stats_.srtp_failures;
      return;
    }
    rtp_.emplace_back(data, data + n);
    return;
  }
  if (DtlsTransport::IsDtls(data, len)) {
    dtls_->HandleRecord(data, len);
    const auto t = dtls_->NextTimeoutMs();
    dtls_deadline_ms_ = t ? NowMs() + static_cast<int64_t>(*t) : -1;
  }
}

void WebRtcTestClient::RunTimers() {
  const int64_t now = NowMs();
  if (!ice_connected_ && next_retry_ms_ != 0 && now >= next_retry_ms_) {
    SendBindingRequest(options_.use_candidate);  // retransmit the check
  }
  if (ice_connected_ && consent_enabled_ && options_.consent_interval_ms > 0 &&
      now >= next_consent_ms_) {
    SendBindingRequest(false);
    next_consent_ms_ = now + options_.consent_interval_ms;
  }
  if (dtls_deadline_ms_ >= 0 && now >= dtls_deadline_ms_) {
    dtls_->OnTimer();
    const auto t = dtls_->NextTimeoutMs();
    dtls_deadline_ms_ = t ? NowMs() + static_cast<int64_t>(*t) : -1;
  }
}

void WebRtcTestClient::Poll(int timeout_ms) {
  if (fd_ < 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    return;
  }
  pollfd pfd{fd_, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, timeout_ms);
  if (ready > 0) {
    uint8_t buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (n == 0 && options_.use_tcp) {
        Close();
        break;
      }
      if (n <= 0) {
        break;
      }
      if (!options_.use_tcp) {
        HandlePacket(buf, static_cast<std::size_t>(n));
        continue;
      }
      tcp_buffer_.insert(tcp_buffer_.end(), buf, buf + n);
      std::size_t pos = 0;
      while (tcp_buffer_.size() - pos >= 2) {
        const std::size_t frame = ReadU16(tcp_buffer_.data() + pos);
        if (tcp_buffer_.size() - pos - 2 < frame) {
          break;
        }
        std::memcpy(scratch_.data(), tcp_buffer_.data() + pos + 2,
                    std::min(frame, scratch_.size()));
        HandlePacket(scratch_.data(), std::min(frame, scratch_.size()));
        pos += 2 + frame;
      }
      tcp_buffer_.erase(tcp_buffer_.begin(), tcp_buffer_.begin() + static_cast<long>(pos));
    }
  }
  RunTimers();
}

bool WebRtcTestClient::RunUntil(const std::function<bool()>& done, int timeout_ms) {
  const int64_t deadline = NowMs() + timeout_ms;
  while (!done()) {
    const int64_t left = deadline - NowMs();
    if (left <= 0) {
      return done();
    }
    Poll(static_cast<int>(std::min<int64_t>(left, 20)));
  }
  return true;
}

bool WebRtcTestClient::SendRtp(std::span<const uint8_t> plain) {
  if (!srtp_out_ || plain.size() > kMaxPacket) {
    return false;
  }
  std::size_t out = 0;
  if (!srtp_out_->ProtectRtp(plain.data(), plain.size(), scratch_.data(), scratch_.size(), &out)) {
    return false;
  }
  Write(scratch_.data(), out);
  return true;
}

std::size_t WebRtcTestClient::ProtectRtp(std::span<const uint8_t> plain, uint8_t* out,
                                         std::size_t capacity) {
  std::size_t n = 0;
  if (!srtp_out_ || !srtp_out_->ProtectRtp(plain.data(), plain.size(), out, capacity, &n)) {
    return 0;
  }
  return n;
}

bool WebRtcTestClient::SendRtcp(std::span<const uint8_t> plain) {
  if (!srtp_out_ || plain.size() > kMaxPacket) {
    return false;
  }
  std::size_t out = 0;
  if (!srtp_out_->ProtectRtcp(plain.data(), plain.size(), scratch_.data(), scratch_.size(),
                              &out)) {
    return false;
  }
  Write(scratch_.data(), out);
  return true;
}

void WebRtcTestClient::OnDtlsSendPacket(DtlsTransport* /*dtls*/, const uint8_t* data,
                                        std::size_t len) {
  Write(data, len);
}

void WebRtcTestClient::OnDtlsConnected(DtlsTransport* /*dtls*/, SrtpProfile profile,
                                       std::span<const uint8_t> local_master_key_and_salt,
                                       std::span<const uint8_t> remote_master_key_and_salt) {
  srtp_out_ = SrtpSession::CreateFromKeyAndSalt(SrtpSession::Direction::kOutbound, profile,
                                                local_master_key_and_salt);
  srtp_in_ = SrtpSession::CreateFromKeyAndSalt(SrtpSession::Direction::kInbound, profile,
                                               remote_master_key_and_salt);
}

void WebRtcTestClient::OnDtlsFailed(DtlsTransport* /*dtls*/, DtlsTransport::Failure /*f*/) {}
void WebRtcTestClient::OnDtlsClosed(DtlsTransport* /*dtls*/) {}
void WebRtcTestClient::OnDtlsApplicationData(DtlsTransport* /*dtls*/, const uint8_t* /*data*/,
                                             std::size_t /*len*/) {}

}  // namespace tr::media::test
