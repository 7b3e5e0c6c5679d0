#include "rtc_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "common/random.h"
#include "media/common/byte_io.h"
#include "media/common/ntp_time.h"
#include "media/dtls/dtls_certificate.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/receiver_report.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/sender_report.h"
#include "media/stun/stun_builder.h"
#include "media/stun/stun_message.h"

namespace tr::loadgen {

using media::ReadU16;
using media::ReadU32;
using media::ReadU64;

namespace {

constexpr int kBatch = 32;
constexpr std::size_t kBufSize = 2048;
// Cheap viewers, once connected, read only this much of each datagram (MSG_TRUNC gives
// the real length): the RTP header and a whole STUN consent response fit.
constexpr std::size_t kCheapReadSize = 96;

struct RecvBatch {
  alignas(16) uint8_t bufs[kBatch][kBufSize];
  alignas(8) uint8_t ctrl[kBatch][64];
  iovec iov[kBatch];
  mmsghdr msgs[kBatch];
};

RecvBatch& Batch() {
  thread_local RecvBatch* batch = new RecvBatch();  // one per thread, for the process
  return *batch;
}

uint64_t NextRand(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

std::size_t RtpHeaderSize(const uint8_t* d, std::size_t len) {
  if (len < 12) return 0;
  std::size_t h = 12 + 4u * (d[0] & 0x0F);
  if (d[0] & 0x10) {
    if (len < h + 4) return 0;
    h += 4 + 4u * ReadU16(d + h + 2);
  }
  return h <= len ? h : 0;
}

}  // namespace

RtcPeer::RtcPeer(Options options) : options_(options) {
  local_ufrag_ = RandomAlnum(8);
  RandomBytes(reinterpret_cast<uint8_t*>(&tie_breaker_), sizeof(tie_breaker_));
  RandomBytes(reinterpret_cast<uint8_t*>(&rng_), sizeof(rng_));
  rng_ |= 1;
  local_ssrc_ = static_cast<uint32_t>(NextRand(rng_)) | 1u;
  dtls_ = std::make_unique<media::DtlsTransport>(static_cast<media::DtlsTransport::Listener*>(this));
}

RtcPeer::~RtcPeer() {
  if (fd_ >= 0) {
    if (loop_) loop_->Del(fd_);
    ::close(fd_);
  }
}

std::string RtcPeer::LocalFingerprint() {
  return media::DtlsCertificate::Process().Fingerprint("sha-256");
}

bool RtcPeer::dtls_failed() const {
  return dtls_->state() == media::DtlsTransport::State::kFailed;
}

const char* RtcPeer::srtp_profile_name() const {
  const auto p = dtls_->srtp_profile();
  if (!p) return "";
  return *p == media::SrtpProfile::kAeadAes128Gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
}

bool RtcPeer::Open(const RemoteTransport& remote, EventLoop* loop) {
  remote_ = remote;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(remote.port);
  if (inet_pton(AF_INET, remote.ip.c_str(), &addr.sin_addr) != 1) return false;
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (options_.rcvbuf_bytes > 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options_.rcvbuf_bytes, sizeof(options_.rcvbuf_bytes));
  }
  if (options_.mode == PeerMode::kProbe) {
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  loop_ = loop;
  loop_->Add(fd_, this, EPOLLIN);
  return true;
}

void RtcPeer::MoveToLoop(EventLoop* loop) {
  if (fd_ < 0) return;
  loop_->Del(fd_);
  loop_ = loop;
  loop_->Add(fd_, this, EPOLLIN);
}

void RtcPeer::SetVideoSsrc(uint32_t ssrc, uint32_t rtx_ssrc) {
  video_ssrc_ = ssrc;
  video_rtx_ssrc_ = rtx_ssrc;
  video_.ssrc = ssrc;
  video_.clock_rate = 90000;
}

void RtcPeer::SetAudioSsrc(uint32_t ssrc) {
  audio_ssrc_ = ssrc;
  audio_.ssrc = ssrc;
  audio_.clock_rate = 48000;
}

void RtcPeer::Write(const uint8_t* data, std::size_t len) {
  if (fd_ >= 0) (void)::send(fd_, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

void RtcPeer::SendBinding(bool use_candidate) {
  media::StunTransactionId txid;
  for (std::size_t i = 0; i < txid.size(); ++i) txid[i] = static_cast<uint8_t>(NextRand(rng_));
  uint8_t buf[512];
  media::StunBuilder b(buf);
  b.Begin(media::kStunBindingRequest, txid);
  b.AddUsername(remote_.ufrag + ":" + local_ufrag_);
  b.AddPriority((110u << 24) | (65535u << 8) | 255u);  // peer-reflexive, as Chrome
  b.AddIceControlling(tie_breaker_);
  if (use_candidate) b.AddUseCandidate();
  b.AddMessageIntegrity(remote_.password);
  b.AddFingerprint();
  if (const std::size_t n = b.Finish()) Write(buf, n);
}

void RtcPeer::StartIce(int64_t now_ms) {
  SendBinding(true);
  next_check_ms_ = now_ms + 200;
}

void RtcPeer::Tick(int64_t now_ms) {
  if (fd_ < 0) return;
  if (!ice_connected_) {
    if (next_check_ms_ != 0 && now_ms >= next_check_ms_) {
      SendBinding(true);
      next_check_ms_ = now_ms + 200;
    }
    return;
  }
  if (options_.consent_interval_ms > 0 && now_ms >= next_consent_ms_) {
    SendBinding(false);
    const int64_t j = options_.consent_interval_ms / 5;
    next_consent_ms_ = now_ms + options_.consent_interval_ms - j +
                       static_cast<int64_t>(NextRand(rng_) % static_cast<uint64_t>(2 * j + 1));
  }
  if (dtls_deadline_ms_ >= 0 && now_ms >= dtls_deadline_ms_) {
    dtls_->OnTimer();
    const auto t = dtls_->NextTimeoutMs();
    dtls_deadline_ms_ = t ? now_ms + static_cast<int64_t>(*t) : -1;
  }
  if ((options_.mode == PeerMode::kFull || options_.mode == PeerMode::kProbe) && srtp_out_) {
    ProcessNackTimers(now_ms);
    if (now_ms >= next_rr_ms_) {
      SendReceiverReport(now_ms);
      next_rr_ms_ = now_ms + 1000;
    }
  }
}

void RtcPeer::OnFdEvent(uint32_t /*events*/) {
  RecvBatch& b = Batch();
  const bool cheap_fast = options_.mode == PeerMode::kCheap && srtp_out_.has_value();
  const bool probe = options_.mode == PeerMode::kProbe;
  const std::size_t read_size = cheap_fast ? kCheapReadSize : kBufSize;
  for (int i = 0; i < kBatch; ++i) {
    b.iov[i].iov_base = b.bufs[i];
    b.iov[i].iov_len = read_size;
    std::memset(&b.msgs[i].msg_hdr, 0, sizeof(b.msgs[i].msg_hdr));
    b.msgs[i].msg_hdr.msg_iov = &b.iov[i];
    b.msgs[i].msg_hdr.msg_iovlen = 1;
    if (probe) {
      b.msgs[i].msg_hdr.msg_control = b.ctrl[i];
      b.msgs[i].msg_hdr.msg_controllen = sizeof(b.ctrl[i]);
    }
  }
  const int n = ::recvmmsg(fd_, b.msgs, kBatch, MSG_DONTWAIT | (cheap_fast ? MSG_TRUNC : 0), nullptr);
  if (n <= 0) return;
  int64_t rx_ns = 0;
  for (int i = 0; i < n; ++i) {
    const std::size_t real_len = b.msgs[i].msg_len;
    const std::size_t len = std::min(real_len, read_size);
    if (probe) {
      rx_ns = 0;
      for (cmsghdr* cm = CMSG_FIRSTHDR(&b.msgs[i].msg_hdr); cm != nullptr;
           cm = CMSG_NXTHDR(&b.msgs[i].msg_hdr, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
          timespec ts;
          std::memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
          rx_ns = static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
        }
      }
      if (rx_ns == 0) rx_ns = RealNs();
    }
    HandleDatagram(b.bufs[i], len, real_len, rx_ns);
  }
}

void RtcPeer::HandleDatagram(uint8_t* data, std::size_t len, std::size_t real_len, int64_t rx_real_ns) {
  if (len == 0) return;
  const uint8_t b0 = data[0];
  if (b0 < 4) {
    if (len == real_len) HandleStun(data, len);
    return;
  }
  if (b0 >= 20 && b0 <= 63) {
    ++c_.dtls_packets;
    if (len == real_len) {
      dtls_->HandleRecord(data, len);
      const auto t = dtls_->NextTimeoutMs();
      dtls_deadline_ms_ = t ? MonoMs() + static_cast<int64_t>(*t) : -1;
    }
    return;
  }
  if (b0 < 128 || b0 > 191 || len < 12) return;
  const uint8_t pt = data[1];
  if (pt >= 192 && pt <= 223) {
    ++c_.rtcp_packets;
    if (options_.mode != PeerMode::kCheap && srtp_in_ && len == real_len) {
      std::size_t n = len;
      if (!srtp_in_->UnprotectRtcp(data, &n)) {
        ++c_.srtp_failures;
        return;
      }
      HandleRtcpDecrypted(data, n);
    }
    return;
  }
  const uint32_t ssrc = ReadU32(data + 8);
  if (options_.drop_per_mille > 0 && options_.mode != PeerMode::kCheap && ssrc == video_ssrc_ &&
      NextRand(rng_) % 1000 < static_cast<uint64_t>(options_.drop_per_mille)) {
    ++c_.simulated_drops;
    return;
  }
  if (ssrc == video_ssrc_) {
    ++c_.video_packets;
    c_.video_bytes += real_len;
    TrackExtSeq(c_.video_ext_seq, video_seq_started_, ReadU16(data + 2));
  } else if (ssrc == audio_ssrc_) {
    ++c_.audio_packets;
    c_.audio_bytes += real_len;
    TrackExtSeq(c_.audio_ext_seq, audio_seq_started_, ReadU16(data + 2));
  } else if (ssrc == video_rtx_ssrc_ && ssrc != 0) {
    ++c_.rtx_packets;
  } else {
    ++c_.other_rtp_packets;
  }
  if ((options_.mode == PeerMode::kFull || options_.mode == PeerMode::kProbe) && srtp_in_ &&
      len == real_len) {
    std::size_t n = len;
    if (!srtp_in_->UnprotectRtp(data, &n)) {
      ++c_.srtp_failures;
      return;
    }
    HandleRtpDecrypted(data, n, rx_real_ns);
  }
}

void RtcPeer::TrackExtSeq(uint64_t& ext, bool& started, uint16_t seq) {
  if (!started) {
    started = true;
    ext = (uint64_t{1} << 32) + seq;  // room below for early reordering
    return;
  }
  const int16_t delta = static_cast<int16_t>(seq - static_cast<uint16_t>(ext));
  if (delta > 0) ext += static_cast<uint64_t>(delta);
}

void RtcPeer::HandleStun(const uint8_t* data, std::size_t len) {
  const auto msg = media::StunMessage::Parse(std::span<const uint8_t>(data, len));
  if (!msg) return;
  if (msg->Class() == media::StunClass::kRequest) {
    ++c_.stun_requests_in;  // an ICE-lite server does not check; counted as evidence
    return;
  }
  if (msg->Class() == media::StunClass::kErrorResponse) {
    ++c_.stun_errors;
    return;
  }
  if (msg->Class() != media::StunClass::kSuccessResponse) return;
  if (!ice_connected_) {
    if (!msg->CheckIntegrity(remote_.password) || !msg->CheckFingerprint()) {
      ++c_.stun_errors;
      return;
    }
    ++c_.stun_responses;
    ice_connected_ = true;
    const int64_t now = MonoMs();
    next_consent_ms_ = now + options_.consent_interval_ms;
    dtls_->Start(media::DtlsTransport::Role::kClient, remote_.fingerprint_algorithm, remote_.fingerprint);
    const auto t = dtls_->NextTimeoutMs();
    dtls_deadline_ms_ = t ? now + static_cast<int64_t>(*t) : -1;
    return;
  }
  ++c_.stun_responses;
}

void RtcPeer::HandleRtpDecrypted(uint8_t* data, std::size_t len, int64_t rx_real_ns) {
  const std::size_t h = RtpHeaderSize(data, len);
  if (h == 0) return;
  std::size_t end = len;
  if ((data[0] & 0x20) && end > h) {
    const std::size_t pad = data[end - 1];
    end = pad <= end - h ? end - pad : h;
  }
  const uint32_t ssrc = ReadU32(data + 8);
  const uint16_t seq = ReadU16(data + 2);
  const uint32_t ts = ReadU32(data + 4);
  const int64_t now_ns = MonoNs();
  if (ssrc == video_rtx_ssrc_ && video_rtx_ssrc_ != 0) {
    if (end >= h + 2) {
      const uint16_t osn = ReadU16(data + h);
      ResolveMissing(osn);
    }
    return;
  }
  if (ssrc == video_ssrc_) {
    TrackSeq(video_, seq, ts, now_ns, true);
  } else if (ssrc == audio_ssrc_) {
    TrackSeq(audio_, seq, ts, now_ns, false);
  } else {
    return;
  }
  if (options_.mode == PeerMode::kProbe && end >= h + kMarkerSize) {
    const uint8_t* m = data + end - kMarkerSize;
    if (ReadU32(m) == kMarkerMagic) {
      ++markers_seen_;
      const int64_t sent = static_cast<int64_t>(ReadU64(m + 4));
      if (record_latency_ && latency_sink_ && latency_sink_->size() < latency_sink_->capacity()) {
        const int64_t d_us = (rx_real_ns - sent) / 1000;
        latency_sink_->push_back(static_cast<uint32_t>(std::clamp<int64_t>(d_us, 0, 0xFFFFFFFF)));
      }
    }
  }
}

void RtcPeer::TrackSeq(RecvStream& s, uint16_t seq, uint32_t rtp_ts, int64_t now_ns, bool video) {
  // Jitter (RFC 3550 A.8) in RTP units.
  const int64_t arrival = now_ns / 1000 * s.clock_rate / 1'000'000;
  const int64_t transit = arrival - static_cast<int64_t>(rtp_ts);
  if (s.have_transit) {
    const double d = std::fabs(static_cast<double>(transit - s.last_transit));
    s.jitter += (d - s.jitter) / 16.0;
  }
  s.last_transit = transit;
  s.have_transit = true;
  if (!s.started) {
    s.started = true;
    s.base_seq = seq;
    s.max_seq = seq;
    s.received = 1;
    return;
  }
  const uint16_t udelta = static_cast<uint16_t>(seq - s.max_seq);
  if (udelta == 0) {
    return;  // duplicate
  }
  if (udelta < 3000) {
    if (seq < s.max_seq) s.cycles += 65536;
    if (udelta > 1 && video) {
      uint16_t lost[64];
      std::size_t n = 0;
      const int64_t now_ms = now_ns / 1'000'000;
      for (uint16_t k = 1; k < udelta && n < 64; ++k) {
        const uint16_t m = static_cast<uint16_t>(s.max_seq + k);
        AddMissing(m, now_ms);
        lost[n++] = m;
      }
      SendNack(lost, n);
    }
    s.max_seq = seq;
  } else if (udelta > 65536 - 3000) {
    if (video) ResolveMissing(seq);  // late or reordered
  } else {
    // A jump: treat as a restart of the sequence.
    s.base_seq = seq;
    s.max_seq = seq;
    s.cycles = 0;
    s.received = 0;
    s.expected_prior = 0;
    s.received_prior = 0;
  }
  ++s.received;
}

void RtcPeer::AddMissing(uint16_t seq, int64_t now_ms) {
  for (auto& m : missing_) {
    if (!m.active) {
      m = {seq, 1, true, now_ms, now_ms};
      ++c_.nacked_seqs;
      return;
    }
  }
  ++c_.unrecovered;  // table full
}

void RtcPeer::ResolveMissing(uint16_t seq) {
  for (auto& m : missing_) {
    if (m.active && m.seq == seq) {
      m.active = false;
      ++c_.recovered;
      return;
    }
  }
}

void RtcPeer::ProcessNackTimers(int64_t now_ms) {
  uint16_t again[64];
  std::size_t n = 0;
  for (auto& m : missing_) {
    if (!m.active || now_ms - m.last_ms < 100) continue;
    if (m.tries >= 3 || now_ms - m.first_ms > 1000) {
      m.active = false;
      ++c_.unrecovered;
      continue;
    }
    ++m.tries;
    m.last_ms = now_ms;
    if (n < 64) again[n++] = m.seq;
  }
  if (n > 0) {
    const uint16_t ref = static_cast<uint16_t>(video_.max_seq + 1);  // oldest first
    std::sort(again, again + n, [ref](uint16_t a, uint16_t b) {
      return static_cast<uint16_t>(a - ref) < static_cast<uint16_t>(b - ref);
    });
    SendNack(again, n);
  }
}

void RtcPeer::SendNack(const uint16_t* seqs, std::size_t n) {
  if (n == 0 || !srtp_out_ || video_ssrc_ == 0) return;
  uint8_t buf[512];
  // Compound: empty RR first (RFC 3550 §6.1), then the NACK.
  std::size_t len = media::ReceiverReport::Build(std::span<uint8_t>(buf, sizeof(buf)), local_ssrc_);
  const std::size_t nack = media::GenericNack::Build(
      std::span<uint8_t>(buf + len, 256), local_ssrc_, video_ssrc_, std::span<const uint16_t>(seqs, n));
  if (nack == 0) return;
  len += nack;
  if (SendRtcp(buf, len)) {
    ++c_.nack_packets_sent;
  }
}

void RtcPeer::SendReceiverReport(int64_t now_ms) {
  media::ReportBlock blocks[2];
  std::size_t count = 0;
  const int64_t now_ns = now_ms * 1'000'000;
  for (RecvStream* s : {&video_, &audio_}) {
    if (!s->started) continue;
    const uint64_t ext_max = uint64_t{s->cycles} + s->max_seq;
    const uint64_t expected = ext_max - s->base_seq + 1;
    const uint64_t expected_interval = expected - s->expected_prior;
    const uint64_t received_interval = s->received - s->received_prior;
    s->expected_prior = expected;
    s->received_prior = s->received;
    const int64_t lost_interval = static_cast<int64_t>(expected_interval) - static_cast<int64_t>(received_interval);
    media::ReportBlock& b = blocks[count++];
    b.ssrc = s->ssrc;
    b.fraction_lost = (expected_interval == 0 || lost_interval <= 0)
                          ? 0
                          : static_cast<uint8_t>((lost_interval << 8) / static_cast<int64_t>(expected_interval));
    b.cumulative_lost = static_cast<int32_t>(
        std::clamp<int64_t>(static_cast<int64_t>(expected) - static_cast<int64_t>(s->received),
                            media::ReportBlock::kMinCumulativeLost, media::ReportBlock::kMaxCumulativeLost));
    b.extended_highest_sequence = static_cast<uint32_t>(ext_max);
    b.jitter = static_cast<uint32_t>(s->jitter);
    b.last_sr = s->last_sr;
    b.delay_since_last_sr =
        s->last_sr == 0 ? 0
                        : static_cast<uint32_t>((now_ns - s->last_sr_mono_ns) / 1000 * 65536 / 1'000'000);
  }
  uint8_t buf[128];
  const std::size_t len = media::ReceiverReport::Build(std::span<uint8_t>(buf, sizeof(buf)), local_ssrc_,
                                                       std::span<const media::ReportBlock>(blocks, count));
  if (len > 0 && SendRtcp(buf, len)) ++c_.rr_sent;
}

void RtcPeer::HandleRtcpDecrypted(const uint8_t* data, std::size_t len) {
  if (options_.mode == PeerMode::kSender) {
    if (on_rtcp) on_rtcp(data, len);
    return;
  }
  media::RtcpCompoundIterator it(std::span<const uint8_t>(data, len));
  media::RtcpPacket packet;
  while (it.Next(&packet)) {
    if (packet.Type() != media::SenderReport::kPacketType) continue;
    const auto sr = media::SenderReport::Parse(packet);
    if (!sr) continue;
    ++c_.sr_received;
    RecvStream* s = sr->SenderSsrc() == video_ssrc_ ? &video_
                    : sr->SenderSsrc() == audio_ssrc_ ? &audio_
                                                      : nullptr;
    if (s) {
      s->last_sr = sr->Info().ntp.ToCompact();
      s->last_sr_mono_ns = MonoNs();
    }
  }
}

bool RtcPeer::SendRtp(uint8_t* buf, std::size_t len, std::size_t cap) {
  std::size_t out = 0;
  if (!srtp_out_ || !srtp_out_->ProtectRtp(buf, len, buf, cap, &out)) return false;
  Write(buf, out);
  return true;
}

bool RtcPeer::SendRtcp(const uint8_t* plain, std::size_t len) {
  alignas(16) uint8_t buf[1500 + media::SrtpSession::kRtcpTrailerRoom];
  if (!srtp_out_ || len > 1500) return false;
  std::size_t out = 0;
  if (!srtp_out_->ProtectRtcp(plain, len, buf, sizeof(buf), &out)) return false;
  Write(buf, out);
  return true;
}

void RtcPeer::OnDtlsSendPacket(media::DtlsTransport* /*dtls*/, const uint8_t* data, std::size_t len) {
  Write(data, len);
}

void RtcPeer::OnDtlsConnected(media::DtlsTransport* /*dtls*/, media::SrtpProfile profile,
                              std::span<const uint8_t> local, std::span<const uint8_t> remote) {
  srtp_out_ = media::SrtpSession::CreateFromKeyAndSalt(media::SrtpSession::Direction::kOutbound, profile, local);
  if (options_.mode != PeerMode::kCheap) {
    srtp_in_ = media::SrtpSession::CreateFromKeyAndSalt(media::SrtpSession::Direction::kInbound, profile, remote);
  }
  next_rr_ms_ = MonoMs() + 1000;
}

void RtcPeer::OnDtlsFailed(media::DtlsTransport* /*dtls*/, media::DtlsTransport::Failure failure) {
  LG_LOG("DTLS failed: %s", std::string(media::DtlsTransport::FailureName(failure)).c_str());
}
void RtcPeer::OnDtlsClosed(media::DtlsTransport* /*dtls*/) {}
void RtcPeer::OnDtlsApplicationData(media::DtlsTransport* /*dtls*/, const uint8_t* /*data*/,
                                    std::size_t /*len*/) {}

}  // namespace tr::loadgen
