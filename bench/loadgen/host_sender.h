#pragma once
// The synthetic host's media: a VP8 simulcast producer (three RID encodings with real
// frame timing, L1T3 VP8 descriptors, key frames every key_interval_ms or on PLI/FIR,
// RTX answers to NACK from a packet history) and an Opus producer (20 ms packets), on
// one RtcPeer, from a dedicated thread with its own epoll loop and a timerfd.
//
// Every RTP payload ends with a 16-byte marker (magic, CLOCK_REALTIME send time in ns,
// stream index) written just before SRTP protection: the latency probe reads it.
//
// Pacing (config.pacing_factor > 0): a frame's packets go into a fixed ring (no
// allocation; bounded, kPacerSlots) and leave at pacing_factor × the layers' summed
// target bitrate, as libwebrtc's pacer does: a packet may be sent while the media debt
// (bytes sent minus rate × elapsed) is at most rate × pacing_burst_us, so a short burst
// leaves at once and the rest one packet per size / rate. The send-time marker,
// abs-send-time and the transport-wide sequence number are written when a packet
// actually leaves the pacer, so the pacing wait is not part of the measured delay.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "rtc_peer.h"

namespace tr::loadgen {

struct HostMediaConfig {
  uint8_t video_pt = 96;
  uint8_t rtx_pt = 97;
  uint8_t audio_pt = 111;
  // Header extension ids (router capabilities); 0 = not sent.
  uint8_t ext_mid = 0;
  uint8_t ext_rid = 0;
  uint8_t ext_rrid = 0;
  uint8_t ext_abs_send_time = 0;
  uint8_t ext_twcc = 0;
  uint8_t ext_audio_level = 0;
  std::string video_mid = "0";
  std::string audio_mid = "1";
  std::array<int, 3> bitrate_bps = {300'000, 1'000'000, 2'500'000};
  std::array<int, 3> fps = {15, 30, 30};  // r0 takes every other 30 fps capture
  int key_interval_ms = 2000;
  int key_frame_factor = 4;  // key frame size / delta frame size
  int audio_payload_bytes = 120;
  int max_packet_bytes = 1200;  // SRTP packet on the wire
  // Pacer (modelled on libwebrtc's PacingController): video packets leave at
  // pacing_factor × (sum of bitrate_bps) with a debt ("burst") allowance of
  // pacing_burst_us worth of that rate; audio and RTX are not queued. 0 = whole frames
  // as one burst (no pacer).
  double pacing_factor = 2.5;
  int pacing_burst_us = 5000;
};

class HostSender {
 public:
  static constexpr int kStreams = 4;  // r0, r1, r2, audio
  static constexpr int kAudio = 3;

  struct StreamCounters {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};  // SRTP bytes on the wire
    std::atomic<uint64_t> frames{0};
    std::atomic<uint64_t> key_frames{0};
  };

  HostSender(RtcPeer* peer, HostMediaConfig config);
  ~HostSender();
  HostSender(const HostSender&) = delete;
  HostSender& operator=(const HostSender&) = delete;

  uint32_t video_ssrc(int layer) const { return layers_[static_cast<std::size_t>(layer)].ssrc; }
  uint32_t audio_ssrc() const { return audio_ssrc_; }
  const HostMediaConfig& config() const { return cfg_; }

  // Moves the peer's socket to the sender thread's loop and starts sending. Call from the
  // main thread between two EventLoop::RunOnce() calls.
  void Start();
  void Stop();

  // While paused no media is sent (RTP timestamps keep following the clock).
  void SetPaused(bool paused) { paused_.store(paused, std::memory_order_relaxed); }

  StreamCounters streams[kStreams];
  std::atomic<uint64_t> plis{0};
  std::atomic<uint64_t> firs{0};
  std::atomic<uint64_t> nack_packets{0};
  std::atomic<uint64_t> nacked_seqs{0};
  std::atomic<uint64_t> rtx_sent{0};
  std::atomic<uint64_t> receiver_reports{0};
  std::atomic<uint64_t> send_failures{0};
  std::atomic<uint64_t> late_ticks{0};  // the thread woke > 5 ms after a frame was due
  // Pacer: packets that went through the queue, packets sent at once because the ring was
  // full, and (reset by ResetPacerMax()) the longest queue and wait seen.
  std::atomic<uint64_t> paced_packets{0};
  std::atomic<uint64_t> pacer_overflows{0};
  std::atomic<uint32_t> pacer_queued{0};  // packets in the queue now
  std::atomic<uint32_t> pacer_max_queue{0};
  std::atomic<uint64_t> pacer_max_wait_us{0};
  std::atomic<uint64_t> pacer_wait_us_sum{0};  // over paced_packets
  void ResetPacerMax() {
    pacer_max_queue.store(0, std::memory_order_relaxed);
    pacer_max_wait_us.store(0, std::memory_order_relaxed);
  }
  bool pacing() const { return pacing_rate_Bps_ > 0; }
  double pacing_rate_bps() const { return pacing_rate_Bps_ * 8; }

 private:
  struct Layer {
    uint32_t ssrc = 0;
    uint32_t rtx_ssrc = 0;
    uint16_t seq = 0;
    uint16_t rtx_seq = 0;
    uint16_t picture_id = 0;
    uint8_t tl0_pic_idx = 0;
    uint32_t frame_index = 0;  // since the last key frame
    std::atomic<bool> key_pending{true};
    int64_t last_key_ms = 0;
    int delta_bytes = 0;
    uint16_t width = 0;
    uint16_t height = 0;
    std::string rid;
  };
  struct HistorySlot {
    uint16_t seq = 0;
    uint16_t len = 0;
    bool used = false;
    uint8_t data[1500];
  };
  static constexpr std::size_t kHistory = 512;
  // Pacer queue slot: a plaintext RTP packet, not yet stamped (marker, abs-send-time,
  // transport-wide sequence number) nor protected.
  struct PacedSlot {
    int64_t enqueued_ns = 0;
    uint16_t len = 0;
    uint8_t stream = 0;
    alignas(16) uint8_t data[1500];
  };
  static constexpr std::size_t kPacerSlots = 1024;  // ≈ 1.2 MB of video: > 1 s at 2.5 × 3.8 Mbit/s

  void Run();
  void SendVideoFrame(int layer, uint32_t rtp_ts, int64_t now_ms);
  void SendAudioPacket(uint32_t rtp_ts);
  std::size_t WriteHeader(uint8_t* p, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc, bool marker,
                          const std::string& mid, const std::string* rid, bool audio);
  bool Emit(int stream, uint8_t* buf, std::size_t len);
  // Video: into the pacer queue (or Emit() at once when not pacing / the ring is full).
  void SendVideoPacket(int stream, const uint8_t* buf, std::size_t len);
  // Sends what the pacer allows at now_ns; returns when it wants to run next (INT64_MAX:
  // queue empty).
  int64_t ProcessPacer(int64_t now_ns);
  void DecayDebt(int64_t now_ns);
  // Rewrites abs-send-time and the transport-wide sequence number in place (send time).
  void StampSendTime(uint8_t* buf, std::size_t len);
  void SendSenderReports(int64_t now_ms);
  void OnRtcp(const uint8_t* data, std::size_t len);
  void Retransmit(int layer, uint16_t seq);

  RtcPeer* peer_;
  HostMediaConfig cfg_;
  std::array<Layer, 3> layers_;
  uint32_t audio_ssrc_ = 0;
  uint16_t audio_seq_ = 0;
  uint32_t video_ts_base_ = 0;
  uint32_t audio_ts_base_ = 0;
  uint16_t twcc_seq_ = 0;
  int64_t start_ns_ = 0;
  std::vector<HistorySlot> history_;  // 3 × kHistory
  // Pacer (media thread only).
  double pacing_rate_Bps_ = 0;    // bytes per second; 0 = no pacing
  double pacer_burst_bytes_ = 0;  // debt allowance
  double pacer_debt_ = 0;         // bytes
  int64_t pacer_last_ns_ = 0;
  std::vector<PacedSlot> pacer_;  // ring of kPacerSlots, allocated once
  std::size_t pacer_head_ = 0;
  std::size_t pacer_count_ = 0;
  std::atomic<bool> paused_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::unique_ptr<EventLoop> loop_;
};

}  // namespace tr::loadgen
