#include "host_sender.h"

#include <sys/timerfd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common/random.h"
#include "media/common/byte_io.h"
#include "media/common/ntp_time.h"
#include "media/rtcp/fir.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/receiver_report.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/sender_report.h"
#include "media/srtp/srtp_session.h"

namespace tr::loadgen {

using media::WriteU16;
using media::WriteU24;
using media::WriteU32;
using media::WriteU64;

namespace {

constexpr std::size_t kVp8DescriptorSize = 6;
constexpr std::size_t kSrtpTagRoom = 16;  // AES-GCM tag (HMAC-SHA1-80 needs 10)
constexpr std::size_t kBufCap = 1500 + media::SrtpSession::kRtpTrailerRoom;
constexpr int64_t kVideoPeriodNs = 1'000'000'000 / 30;
constexpr int64_t kAudioPeriodNs = 20'000'000;

uint32_t Rand32() {
  uint32_t v;
  RandomBytes(reinterpret_cast<uint8_t*>(&v), sizeof(v));
  return v | 1u;
}

class TimerFd : public FdHandler {
 public:
  TimerFd() : fd_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {}
  ~TimerFd() override { ::close(fd_); }
  void ArmAbsolute(int64_t mono_ns) {
    itimerspec its{};
    its.it_value.tv_sec = mono_ns / 1'000'000'000;
    its.it_value.tv_nsec = mono_ns % 1'000'000'000;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
    timerfd_settime(fd_, TFD_TIMER_ABSTIME, &its, nullptr);
  }
  void OnFdEvent(uint32_t /*events*/) override {
    uint64_t n;
    (void)!::read(fd_, &n, sizeof(n));
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

HostSender::HostSender(RtcPeer* peer, HostMediaConfig config) : peer_(peer), cfg_(std::move(config)) {
  const char* rids[3] = {"r0", "r1", "r2"};
  const uint16_t widths[3] = {320, 640, 1280};
  const uint16_t heights[3] = {180, 360, 720};
  for (std::size_t l = 0; l < 3; ++l) {
    Layer& L = layers_[l];
    L.ssrc = Rand32();
    L.rtx_ssrc = Rand32();
    L.seq = static_cast<uint16_t>(Rand32());
    L.rtx_seq = static_cast<uint16_t>(Rand32());
    L.picture_id = static_cast<uint16_t>(Rand32() & 0x7FFF);
    L.rid = rids[l];
    L.width = widths[l];
    L.height = heights[l];
    // Bytes per key interval = frames × delta + (factor − 1) × delta.
    const int64_t frames = int64_t{cfg_.fps[l]} * cfg_.key_interval_ms / 1000;
    const int64_t interval_bytes = int64_t{cfg_.bitrate_bps[l]} / 8 * cfg_.key_interval_ms / 1000;
    L.delta_bytes = static_cast<int>(interval_bytes / std::max<int64_t>(1, frames - 1 + cfg_.key_frame_factor));
  }
  audio_ssrc_ = Rand32();
  audio_seq_ = static_cast<uint16_t>(Rand32());
  video_ts_base_ = Rand32();
  audio_ts_base_ = Rand32();
  history_.resize(3 * kHistory);
  if (cfg_.pacing_factor > 0) {
    const double sum_bps = static_cast<double>(cfg_.bitrate_bps[0]) + cfg_.bitrate_bps[1] + cfg_.bitrate_bps[2];
    pacing_rate_Bps_ = cfg_.pacing_factor * sum_bps / 8;
    pacer_burst_bytes_ = pacing_rate_Bps_ * std::max(0, cfg_.pacing_burst_us) / 1e6;
    pacer_.resize(kPacerSlots);
  }
  peer_->on_rtcp = [this](const uint8_t* d, std::size_t n) { OnRtcp(d, n); };
}

HostSender::~HostSender() { Stop(); }

void HostSender::Start() {
  loop_ = std::make_unique<EventLoop>();
  peer_->MoveToLoop(loop_.get());
  thread_ = std::thread([this] { Run(); });
}

void HostSender::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::size_t HostSender::WriteHeader(uint8_t* p, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                                    bool marker, const std::string& mid, const std::string* rid,
                                    bool audio) {
  p[0] = 0x80;
  p[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (pt & 0x7F));
  WriteU16(p + 2, seq);
  WriteU32(p + 4, ts);
  WriteU32(p + 8, ssrc);
  uint8_t* e = p + 16;
  std::size_t n = 0;
  auto add = [&](uint8_t id, const uint8_t* v, std::size_t len) {
    if (id == 0 || id > 14 || len == 0 || len > 16) return;
    e[n++] = static_cast<uint8_t>((id << 4) | (len - 1));
    std::memcpy(e + n, v, len);
    n += len;
  };
  // Fixed order: MID first, then RID (Retransmit() finds the RID element at p[16 + 1 + |mid|]).
  add(cfg_.ext_mid, reinterpret_cast<const uint8_t*>(mid.data()), mid.size());
  if (rid) add(cfg_.ext_rid, reinterpret_cast<const uint8_t*>(rid->data()), rid->size());
  // abs-send-time and the transport-wide sequence number: written by StampSendTime()
  // when the packet leaves (after the pacer, as libwebrtc does).
  const uint8_t zeros[3] = {0, 0, 0};
  add(cfg_.ext_abs_send_time, zeros, 3);
  add(cfg_.ext_twcc, zeros, 2);
  if (audio) {
    const uint8_t level = 0x80 | 30;  // voice activity, −30 dBov
    add(cfg_.ext_audio_level, &level, 1);
  }
  if (n == 0) return 12;
  while (n % 4 != 0) e[n++] = 0;
  p[0] |= 0x10;
  WriteU16(p + 12, 0xBEDE);
  WriteU16(p + 14, static_cast<uint16_t>(n / 4));
  return 16 + n;
}

void HostSender::StampSendTime(uint8_t* buf, std::size_t len) {
  if ((buf[0] & 0x10) == 0 || len < 16 || media::ReadU16(buf + 12) != 0xBEDE) return;
  const std::size_t end = std::min<std::size_t>(len, 16 + 4u * media::ReadU16(buf + 14));
  std::size_t i = 16;
  while (i < end) {
    const uint8_t b = buf[i];
    if (b == 0) {  // padding
      ++i;
      continue;
    }
    const uint8_t id = b >> 4;
    const std::size_t n = (b & 0x0F) + 1u;
    if (id == 15 || i + 1 + n > end) return;
    uint8_t* v = buf + i + 1;
    if (id == cfg_.ext_abs_send_time && n == 3) {
      const int64_t now_ns = MonoNs();
      WriteU24(v, static_cast<uint32_t>(((now_ns / 1000) * 262144 / 1'000'000) & 0xFFFFFF));
    } else if (id == cfg_.ext_twcc && n == 2) {
      WriteU16(v, ++twcc_seq_);
    }
    i += 1 + n;
  }
}

bool HostSender::Emit(int stream, uint8_t* buf, std::size_t len) {
  StampSendTime(buf, len);
  // Marker: the last 16 bytes of the payload, stamped right before protection (after the
  // pacer: the time the packet actually leaves).
  uint8_t* m = buf + len - kMarkerSize;
  WriteU32(m, kMarkerMagic);
  WriteU64(m + 4, static_cast<uint64_t>(RealNs()));
  m[12] = static_cast<uint8_t>(stream);
  m[13] = m[14] = m[15] = 0;
  if (stream < 3) {
    HistorySlot& h = history_[static_cast<std::size_t>(stream) * kHistory + (media::ReadU16(buf + 2) % kHistory)];
    h.seq = media::ReadU16(buf + 2);
    h.len = static_cast<uint16_t>(len);
    h.used = true;
    std::memcpy(h.data, buf, len);
  }
  const std::size_t plain_len = len;
  if (!peer_->SendRtp(buf, len, kBufCap)) {
    send_failures.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  auto& s = streams[stream];
  s.packets.fetch_add(1, std::memory_order_relaxed);
  s.bytes.fetch_add(plain_len + kSrtpTagRoom, std::memory_order_relaxed);
  return true;
}

void HostSender::SendVideoPacket(int stream, const uint8_t* buf, std::size_t len) {
  if (!pacing() || pacer_count_ == kPacerSlots || len > sizeof(PacedSlot::data)) {
    if (pacing()) {
      pacer_overflows.fetch_add(1, std::memory_order_relaxed);
      DecayDebt(MonoNs());
      pacer_debt_ += static_cast<double>(len + kSrtpTagRoom);
    }
    alignas(16) uint8_t out[kBufCap];
    std::memcpy(out, buf, len);
    Emit(stream, out, len);
    return;
  }
  PacedSlot& s = pacer_[(pacer_head_ + pacer_count_) % kPacerSlots];
  s.enqueued_ns = MonoNs();
  s.len = static_cast<uint16_t>(len);
  s.stream = static_cast<uint8_t>(stream);
  std::memcpy(s.data, buf, len);
  ++pacer_count_;
  pacer_queued.store(static_cast<uint32_t>(pacer_count_), std::memory_order_relaxed);
  if (pacer_count_ > pacer_max_queue.load(std::memory_order_relaxed)) {
    pacer_max_queue.store(static_cast<uint32_t>(pacer_count_), std::memory_order_relaxed);
  }
}

void HostSender::DecayDebt(int64_t now_ns) {
  if (now_ns > pacer_last_ns_) {
    pacer_debt_ = std::max(0.0, pacer_debt_ - pacing_rate_Bps_ * static_cast<double>(now_ns - pacer_last_ns_) / 1e9);
    pacer_last_ns_ = now_ns;
  }
}

int64_t HostSender::ProcessPacer(int64_t now_ns) {
  if (!pacing()) return INT64_MAX;
  DecayDebt(now_ns);
  // libwebrtc: a packet may leave while the debt drains in no more than the burst
  // interval (drain_time <= send_burst_interval); each packet sent adds its size.
  while (pacer_count_ > 0 && pacer_debt_ <= pacer_burst_bytes_) {
    PacedSlot& s = pacer_[pacer_head_];
    alignas(16) uint8_t out[kBufCap];
    std::memcpy(out, s.data, s.len);
    const int64_t t = MonoNs();
    const uint64_t wait_us = static_cast<uint64_t>(std::max<int64_t>(0, t - s.enqueued_ns) / 1000);
    Emit(s.stream, out, s.len);
    pacer_debt_ += static_cast<double>(s.len + kSrtpTagRoom);
    pacer_head_ = (pacer_head_ + 1) % kPacerSlots;
    --pacer_count_;
    paced_packets.fetch_add(1, std::memory_order_relaxed);
    pacer_wait_us_sum.fetch_add(wait_us, std::memory_order_relaxed);
    if (wait_us > pacer_max_wait_us.load(std::memory_order_relaxed)) {
      pacer_max_wait_us.store(wait_us, std::memory_order_relaxed);
    }
  }
  pacer_queued.store(static_cast<uint32_t>(pacer_count_), std::memory_order_relaxed);
  if (pacer_count_ == 0) return INT64_MAX;
  // Next send when the debt has drained down to the allowance.
  const double excess = pacer_debt_ - pacer_burst_bytes_;
  return pacer_last_ns_ + static_cast<int64_t>(excess / pacing_rate_Bps_ * 1e9) + 1;
}

void HostSender::SendVideoFrame(int layer, uint32_t rtp_ts, int64_t now_ms) {
  Layer& L = layers_[static_cast<std::size_t>(layer)];
  bool key = L.key_pending.exchange(false) || now_ms - L.last_key_ms >= cfg_.key_interval_ms;
  if (key) {
    L.last_key_ms = now_ms;
    L.frame_index = 0;
  }
  static constexpr uint8_t kTidPattern[4] = {0, 2, 1, 2};
  const uint8_t tid = kTidPattern[L.frame_index % 4];
  if (tid == 0) ++L.tl0_pic_idx;
  L.picture_id = static_cast<uint16_t>((L.picture_id + 1) & 0x7FFF);
  const int frame_bytes = key ? L.delta_bytes * cfg_.key_frame_factor : L.delta_bytes;
  // Header: 12 + extension block (at most 4 + 16 for MID, RID, abs-send-time, TWCC).
  alignas(16) uint8_t buf[kBufCap];
  // Header size of this layer's packets (written again per packet below).
  const std::size_t probe_header = WriteHeader(buf, cfg_.video_pt, 0, 0, 0, false, cfg_.video_mid, &L.rid, false);
  const std::size_t max_data =
      static_cast<std::size_t>(cfg_.max_packet_bytes) - probe_header - kVp8DescriptorSize - kSrtpTagRoom;
  const std::size_t packets = (static_cast<std::size_t>(frame_bytes) + max_data - 1) / max_data;
  const std::size_t base = static_cast<std::size_t>(frame_bytes) / packets;
  std::size_t extra = static_cast<std::size_t>(frame_bytes) % packets;
  for (std::size_t i = 0; i < packets; ++i) {
    const bool last = i + 1 == packets;
    const std::size_t h = WriteHeader(buf, cfg_.video_pt, L.seq++, rtp_ts, L.ssrc, last, cfg_.video_mid, &L.rid, false);
    uint8_t* d = buf + h;
    d[0] = static_cast<uint8_t>(0x80 | (i == 0 ? 0x10 : 0));  // X, S on the first packet, PID 0
    d[1] = 0xE0;                                              // I, L, T
    d[2] = static_cast<uint8_t>(0x80 | (L.picture_id >> 8));  // M: 15-bit picture id
    d[3] = static_cast<uint8_t>(L.picture_id);
    d[4] = L.tl0_pic_idx;
    d[5] = static_cast<uint8_t>((tid << 6) | (key || tid == 0 ? 0x20 : 0));  // TID, Y
    uint8_t* payload = d + kVp8DescriptorSize;
    std::size_t size = base + (extra > 0 ? 1 : 0);
    if (extra > 0) --extra;
    size = std::max(size, kMarkerSize + 10);
    std::memset(payload, 0xA5, size);
    if (i == 0) {
      if (key) {
        const uint8_t tag[10] = {0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a,
                                 static_cast<uint8_t>(L.width), static_cast<uint8_t>(L.width >> 8),
                                 static_cast<uint8_t>(L.height), static_cast<uint8_t>(L.height >> 8)};
        std::memcpy(payload, tag, sizeof(tag));
      } else {
        const uint8_t tag[3] = {0x31, 0x42, 0x00};
        std::memcpy(payload, tag, sizeof(tag));
      }
    }
    SendVideoPacket(layer, buf, h + kVp8DescriptorSize + size);
  }
  ++L.frame_index;
  streams[layer].frames.fetch_add(1, std::memory_order_relaxed);
  if (key) streams[layer].key_frames.fetch_add(1, std::memory_order_relaxed);
}

void HostSender::SendAudioPacket(uint32_t rtp_ts) {
  alignas(16) uint8_t buf[kBufCap];
  const std::size_t h = WriteHeader(buf, cfg_.audio_pt, audio_seq_++, rtp_ts, audio_ssrc_, false, cfg_.audio_mid,
                                    nullptr, true);
  const std::size_t size = std::max<std::size_t>(static_cast<std::size_t>(cfg_.audio_payload_bytes), kMarkerSize + 1);
  std::memset(buf + h, 0x5A, size);
  buf[h] = 0x78;  // Opus TOC: CELT FB 20 ms, mono, one frame
  Emit(kAudio, buf, h + size);
  streams[kAudio].frames.fetch_add(1, std::memory_order_relaxed);
}

void HostSender::SendSenderReports(int64_t now_ms) {
  const int64_t elapsed_ms = now_ms - start_ns_ / 1'000'000;
  const int64_t unix_us = RealNs() / 1000;
  uint8_t buf[64];
  for (int s = 0; s < kStreams; ++s) {
    media::SenderInfo info;
    info.sender_ssrc = s == kAudio ? audio_ssrc_ : layers_[static_cast<std::size_t>(s)].ssrc;
    info.ntp = media::NtpFromUnixMicros(unix_us);
    info.rtp_timestamp = s == kAudio ? audio_ts_base_ + static_cast<uint32_t>(elapsed_ms * 48)
                                     : video_ts_base_ + static_cast<uint32_t>(elapsed_ms * 90);
    info.packet_count = static_cast<uint32_t>(streams[s].packets.load(std::memory_order_relaxed));
    info.octet_count = static_cast<uint32_t>(streams[s].bytes.load(std::memory_order_relaxed));
    const std::size_t n = media::SenderReport::Build(std::span<uint8_t>(buf, sizeof(buf)), info);
    if (n > 0) peer_->SendRtcp(buf, n);
  }
}

void HostSender::OnRtcp(const uint8_t* data, std::size_t len) {
  media::RtcpCompoundIterator it(std::span<const uint8_t>(data, len));
  media::RtcpPacket packet;
  auto layer_of = [this](uint32_t ssrc) {
    for (int l = 0; l < 3; ++l) {
      if (layers_[static_cast<std::size_t>(l)].ssrc == ssrc) return l;
    }
    return -1;
  };
  while (it.Next(&packet)) {
    if (packet.Type() == media::rtcp_type::kPayloadFeedback && packet.Fmt() == media::Pli::kFmt) {
      if (const auto pli = media::Pli::Parse(packet)) {
        plis.fetch_add(1, std::memory_order_relaxed);
        if (const int l = layer_of(pli->MediaSsrc()); l >= 0) layers_[static_cast<std::size_t>(l)].key_pending = true;
      }
    } else if (packet.Type() == media::rtcp_type::kPayloadFeedback && packet.Fmt() == media::Fir::kFmt) {
      if (const auto fir = media::Fir::Parse(packet)) {
        firs.fetch_add(1, std::memory_order_relaxed);
        for (std::size_t i = 0; i < fir->EntryCount(); ++i) {
          if (const int l = layer_of(fir->Entry(i).ssrc); l >= 0) layers_[static_cast<std::size_t>(l)].key_pending = true;
        }
      }
    } else if (packet.Type() == media::GenericNack::kPacketType && packet.Fmt() == media::GenericNack::kFmt) {
      if (const auto nack = media::GenericNack::Parse(packet)) {
        nack_packets.fetch_add(1, std::memory_order_relaxed);
        const int l = layer_of(nack->MediaSsrc());
        nack->ForEachLost([&](uint16_t seq) {
          nacked_seqs.fetch_add(1, std::memory_order_relaxed);
          if (l >= 0) Retransmit(l, seq);
        });
      }
    } else if (packet.Type() == media::ReceiverReport::kPacketType) {
      receiver_reports.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void HostSender::Retransmit(int layer, uint16_t seq) {
  if (cfg_.ext_rrid == 0 || cfg_.ext_rid == 0 || cfg_.ext_mid == 0) return;
  const HistorySlot& h = history_[static_cast<std::size_t>(layer) * kHistory + (seq % kHistory)];
  if (!h.used || h.seq != seq) return;
  Layer& L = layers_[static_cast<std::size_t>(layer)];
  alignas(16) uint8_t buf[kBufCap];
  std::memcpy(buf, h.data, h.len);
  // RTX (RFC 4588): RTX payload type, SSRC and sequence; OSN before the payload; the RID
  // element becomes a repaired-RID element (same value).
  buf[1] = static_cast<uint8_t>((buf[1] & 0x80) | cfg_.rtx_pt);
  WriteU16(buf + 2, L.rtx_seq++);
  WriteU32(buf + 8, L.rtx_ssrc);
  const std::size_t rid_at = 16 + 1 + cfg_.video_mid.size();
  buf[rid_at] = static_cast<uint8_t>((cfg_.ext_rrid << 4) | (buf[rid_at] & 0x0F));
  const std::size_t header = 16 + 4u * media::ReadU16(buf + 14);
  std::memmove(buf + header + 2, buf + header, h.len - header);
  WriteU16(buf + header, seq);
  StampSendTime(buf, h.len + 2u);
  if (pacing()) {  // not queued (answered at once), but it uses the pacer's budget
    DecayDebt(MonoNs());
    pacer_debt_ += static_cast<double>(h.len + 2u + kSrtpTagRoom);
  }
  if (peer_->SendRtp(buf, h.len + 2u, kBufCap)) rtx_sent.fetch_add(1, std::memory_order_relaxed);
}

void HostSender::Run() {
  TimerFd timer;
  loop_->Add(timer.fd(), &timer, EPOLLIN);
  start_ns_ = MonoNs();
  pacer_last_ns_ = start_ns_;
  int64_t next_video = start_ns_;
  int64_t next_audio = start_ns_;
  int64_t next_sr = start_ns_ + 500'000'000;
  int64_t next_tick = start_ns_;
  uint64_t video_tick = 0;
  for (int l = 0; l < 3; ++l) layers_[static_cast<std::size_t>(l)].last_key_ms = start_ns_ / 1'000'000;
  while (!stop_.load(std::memory_order_relaxed)) {
    const int64_t now = MonoNs();
    const bool paused = paused_.load(std::memory_order_relaxed);
    if (now - next_video > 200'000'000) next_video = now;  // far behind: do not burst
    if (now - next_audio > 200'000'000) next_audio = now;
    if (now >= next_video + 5'000'000 || now >= next_audio + 5'000'000) late_ticks.fetch_add(1, std::memory_order_relaxed);
    while (now >= next_video) {
      const uint32_t ts = video_ts_base_ + static_cast<uint32_t>((next_video - start_ns_) / 1000 * 90 / 1000);
      if (!paused) {
        const int64_t now_ms = now / 1'000'000;
        if (video_tick % 2 == 0 || cfg_.fps[0] >= 30) SendVideoFrame(0, ts, now_ms);
        SendVideoFrame(1, ts, now_ms);
        SendVideoFrame(2, ts, now_ms);
      }
      ++video_tick;
      next_video += kVideoPeriodNs;
    }
    while (now >= next_audio) {
      const uint32_t ts = audio_ts_base_ + static_cast<uint32_t>((next_audio - start_ns_) / 1000 * 48 / 1000);
      if (!paused) SendAudioPacket(ts);
      next_audio += kAudioPeriodNs;
    }
    // Paused or not, the queue drains (the window's quiescing waits for it).
    const int64_t next_pace = ProcessPacer(MonoNs());
    if (now >= next_sr) {
      SendSenderReports(now / 1'000'000);
      next_sr = now + 1'000'000'000;
    }
    if (now >= next_tick) {
      peer_->Tick(now / 1'000'000);
      next_tick = now + 20'000'000;
    }
    const int64_t next = std::min({next_video, next_audio, next_sr, next_tick, next_pace});
    timer.ArmAbsolute(next);
    loop_->RunOnce(100);
  }
  loop_->Del(timer.fd());
}

}  // namespace tr::loadgen
