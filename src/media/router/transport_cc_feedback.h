#pragma once
// Receive side of transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): records the arrival time of every
// RTP packet a transport receives with the transport-wide sequence number extension, and
// reports them back to the sender in RTCP transport-feedback packets (RTPFB FMT 15), which
// drive the sender's delay-based bandwidth estimator (Chromium's GoogCC). Without them
// Chromium stays at its start bitrate and a simulcast camera never enables its upper
// layers.
//
// DOC: https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01
//
// Arrivals go into a fixed ring of kWindow slots indexed by the unwrapped transport
// sequence number. Feedback covers every number from the first one not yet reported up to
// the highest received: numbers that did not arrive are reported as lost, reordered
// packets fill their slot if it was not reported yet, duplicates keep the first arrival,
// packets older than the last report are ignored (libwebrtc's RemoteEstimatorProxy does
// the same). Feedback is sent when the owner's timer calls SendFeedback() (every 50-100
// ms) and at once when half the window is pending; a sequence jump beyond the window
// reports what is pending and restarts there.
//
// Fixed storage (allocated in the constructor); OnPacket/SendFeedback never allocate or
// throw. Threading: the router's worker thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "media/common/seq_num.h"
#include "media/rtcp/transport_feedback.h"

namespace tr::media {

class TransportCcFeedbackGenerator {
 public:
  static constexpr std::size_t kWindow = 1024;  // power of two
  static constexpr std::size_t kMaxPacketSize = 1200;

  class Listener {
   public:
    virtual ~Listener() = default;
    // One plain RTCP transport-feedback packet to send (protect and send it now).
    virtual void OnTransportCcFeedback(TransportCcFeedbackGenerator* generator,
                                       std::span<const uint8_t> packet) = 0;
  };

  struct Stats {
    uint64_t packets = 0;
    uint64_t duplicates = 0;
    uint64_t late = 0;  // arrived after their number was reported
    uint64_t feedback_packets = 0;
    uint64_t resets = 0;  // sequence jumps beyond the window
  };

  TransportCcFeedbackGenerator(Listener* listener, uint32_t sender_ssrc);
  TransportCcFeedbackGenerator(const TransportCcFeedbackGenerator&) = delete;
  TransportCcFeedbackGenerator& operator=(const TransportCcFeedbackGenerator&) = delete;

  // One received RTP packet: its transport-wide sequence number, arrival time (any
  // monotonic microsecond clock; the same clock for every call) and SSRC.
  void OnPacket(uint16_t transport_seq, int64_t arrival_us, uint32_t media_ssrc);

  // Reports everything pending (no-op when nothing arrived since the last report).
  void SendFeedback();

  bool HasPending() const { return pending_; }
  uint8_t feedback_packet_count() const { return feedback_count_; }
  const Stats& stats() const { return stats_; }

 private:
  int64_t& Slot(int64_t seq) { return arrivals_[static_cast<std::size_t>(seq) & (kWindow - 1)]; }

  Listener* const listener_;
  const uint32_t sender_ssrc_;
  SeqNumUnwrapper unwrapper_;
  bool started_ = false;
  bool pending_ = false;
  int64_t next_unreported_ = 0;  // first sequence number the next feedback starts at
  int64_t highest_ = 0;          // highest received (valid when pending_)
  uint32_t media_ssrc_ = 0;
  uint8_t feedback_count_ = 0;
  // Arrival time per slot, kNotReceived when empty. Invariant: only slots of
  // [next_unreported_, highest_] may hold a time.
  std::array<int64_t, kWindow> arrivals_;
  std::array<TransportFeedback::PacketResult, kWindow> scratch_;
  std::array<uint8_t, kMaxPacketSize> packet_{};
  Stats stats_;
};

}  // namespace tr::media
