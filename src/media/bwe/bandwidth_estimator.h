#pragma once
// Send-side bandwidth estimation for one SFU -> viewer transport, fed by the viewer's
// transport-wide congestion control feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01) joined with our SendHistory.
// In the spirit of Google Congestion Control (draft-ietf-rmcat-gcc-02):
//
//   estimate = clamp(min(delay-based, loss-based), min, max)
//
// Delay-based (gcc-02 §5): InterArrival groups packets into 5 ms send bursts,
// TrendlineDetector turns the inter-group delay variation into overusing / normal /
// underusing (see delay_detector.h), AimdRateControl turns that into a rate
// (aimd_rate_control.h): 0.85 * acked on overuse, hold on underuse, +8 %/s far from the
// last congestion point and ~one packet per RTT near it, never more than
// max(1.5 * acked + 10 kbps, last probe result).
//
// Acked bitrate: bytes of the packets received within the last kAckedWindowUs of receive
// time, over the span they cover (the receiver's clock: what the path delivered). Unknown
// until it spans 100 ms.
//
// Loss-based (gcc-02 §6): the loss fraction over the feedback of the last second (packets
// sent before the last loss-based decrease are left out: their loss was already answered;
// so are probe clusters: a probe that fills the path loses its own excess, see below).
// With at least 20 packets in the window: > 10 % => estimate * (1 - loss / 2) but not
// below 0.85 * acked (a loss burst must not sink the estimate far below what the path
// delivers), at most
// once per 300 ms + RTT; < 2 % => the loss-based rate grows by 8 %/s, up to the
// delay-based rate (it only limits after a loss decrease); in between: hold.
//
// Probing: the router sends clusters of packets (media or padding, marked with a cluster id
// >= 0 in SendHistory) at a target rate above the estimate. A cluster is judged once, when
// it is complete: the feedback has reported a packet sent after the cluster's last one
// (feedback runs in transport sequence order, so every packet of the cluster has been
// reported, received or lost, by then). Judging a partial cluster would measure only its
// head, which a bottleneck's burst allowance (or a receiver that timestamps in batches)
// lets through faster than the path's rate. With >= 5 received packets and >= 20 ms of
// sending, its delivered rate is min(send rate, receive rate) over the cluster's packets.
//  - Saturated: received at < 0.9 x its send rate and stretched in time (received over
//    more than 1 / 0.9 of its send span: a queue, not random loss). The receive rate is
//    the path's capacity and the estimate becomes 0.95 x that, up or down (loss and delay
//    are expected then and do not void it).
//  - Otherwise, if the delay detector is not overusing and the cluster lost < 10 %, both
//    rates are raised to max(rate, 0.95 * probe) (the increase cap follows the probe, too).
//    A probe only raises the loss-based rate if the path's smoothed loss (all packets,
//    ~1 s time constant) is <= 10 %.
// A probe into a full path builds a queue and the detector reports overuse. While a
// cluster is still being reported (< 1 s old), and within 500 ms of measuring a probe that
// delivered at least the delay-based estimate, the controller holds instead of cutting:
// the queue is the probe's excess, not the media's, so periodic probing at capacity does
// not ratchet the estimate down. The latest kProbeClusters clusters are tracked.
//
// Feedback timeout: Tick() halves the estimate when no feedback arrived for more than 1 s
// (counted from the first Tick() if none ever arrived), at most once per second.
//
// Garbage (receive times jumping backwards or by seconds, duplicates, zero sizes, empty
// spans, negative send times) is skipped or resets the delay detector; times are clamped
// to [0, 2^62] so that no difference overflows, and the estimate stays in [min, max].
// All state is fixed-size and lives in the object: OnFeedback / Tick / OnRtt never
// allocate, throw or lock. Threading: the owning transport's worker thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/bwe/aimd_rate_control.h"
#include "media/bwe/delay_detector.h"

namespace tr::media {

// One packet of a feedback message, joined with SendHistory.
struct PacketFeedback {
  int64_t send_time_us = 0;      // our clock
  int64_t receive_time_us = -1;  // receiver's clock (arbitrary offset); < 0 = lost
  uint32_t size = 0;
  int32_t probe_cluster = -1;  // >= 0: sent as part of that probe cluster
};

class BandwidthEstimator {
 public:
  struct Options {
    int64_t initial_bps = 1'000'000;
    int64_t min_bps = 50'000;
    int64_t max_bps = 30'000'000;
  };

  static constexpr int64_t kAckedWindowUs = 1'000'000;
  static constexpr std::size_t kAckedSlots = 4096;  // packets; ~40 Mbps of 1200 B in 1 s
  static constexpr int64_t kLossWindowUs = 1'000'000;
  static constexpr std::size_t kLossSlots = 64;  // feedback messages
  static constexpr std::size_t kProbeClusters = 4;

  BandwidthEstimator() : BandwidthEstimator(Options{}) {}
  explicit BandwidthEstimator(Options options);

  // One transport-cc feedback message, packets in transport sequence order; now_us = our
  // clock at arrival.
  void OnFeedback(std::span<const PacketFeedback> packets, int64_t now_us);
  // Round-trip time (from RTCP RR), optional; 100 ms is assumed until then.
  void OnRtt(int64_t rtt_us);
  // Every ~50-100 ms, feedback or not: the feedback timeout.
  void Tick(int64_t now_us);

  int64_t EstimateBps() const;

  struct Stats {
    int64_t estimate_bps;
    int64_t delay_based_bps;
    int64_t loss_based_bps;
    int64_t acked_bps;        // 0 = unknown
    double loss_fraction;     // over the loss window
    double trend;             // trendline slope (ms of queueing delay per ms)
    const char* delay_state;  // "normal" | "overusing" | "underusing"
    uint64_t feedback_count;
    int64_t last_probe_bps;  // delivered rate of the last accepted probe, 0 = none
  };
  Stats stats() const;

 private:
  struct Acked {
    int64_t receive_us = 0;
    uint32_t size = 0;
  };
  struct LossSample {
    int64_t time_us = 0;
    uint32_t lost = 0;
    uint32_t total = 0;
  };
  struct ProbeCluster {
    int32_t id = -1;
    uint64_t touched = 0;   // feedback_count_ when last fed
    bool complete = false;  // a later packet has been reported
    bool judged = false;
    uint32_t packets = 0;
    uint32_t lost = 0;
    int64_t first_send_us = 0;
    int64_t last_send_us = 0;
    uint32_t last_send_size = 0;
    uint64_t send_bytes = 0;
    uint32_t received = 0;
    int64_t first_receive_us = 0;
    int64_t last_receive_us = 0;
    uint32_t first_receive_size = 0;
    uint64_t receive_bytes = 0;
  };

  void OnReceived(const PacketFeedback& p);
  void AddAcked(int64_t receive_us, uint32_t size);
  int64_t AckedBps() const;
  void AddProbePacket(const PacketFeedback& p);
  void MarkCompleteClusters(const PacketFeedback& p);
  void EvaluateProbes(int64_t now_us);
  bool ProbePending(int64_t now_us) const;
  void UpdateLossWindow(uint32_t lost, uint32_t total, int64_t now_us);
  void UpdateLossBased(int64_t now_us);
  int64_t Clamp(double bps) const;

  const Options options_;
  InterArrival inter_arrival_;
  TrendlineDetector trendline_;
  AimdRateControl aimd_;
  int64_t loss_based_bps_;
  int64_t rtt_us_ = 100'000;

  std::array<Acked, kAckedSlots> acked_{};
  std::size_t acked_head_ = 0;  // oldest
  std::size_t acked_count_ = 0;
  uint64_t acked_bytes_ = 0;
  int64_t acked_newest_us_ = 0;

  std::array<LossSample, kLossSlots> loss_{};
  std::size_t loss_head_ = 0;
  std::size_t loss_count_ = 0;
  uint32_t loss_window_lost_ = 0;
  uint32_t loss_window_total_ = 0;
  int64_t loss_ignore_sent_before_us_ = -1;
  int64_t last_loss_update_us_ = -1;
  int64_t last_loss_decrease_us_ = -1;
  double smoothed_loss_ = 0;  // all packets, exponential, ~1 s (gates probes)
  int64_t smoothed_loss_us_ = -1;

  std::array<ProbeCluster, kProbeClusters> clusters_{};
  int64_t last_probe_bps_ = 0;
  int64_t probe_measured_bps_ = 0;  // the last probe measured, accepted or not
  int64_t probe_measured_us_ = -1;

  uint64_t feedback_count_ = 0;
  int64_t last_feedback_us_ = -1;
  int64_t last_timeout_decrease_us_ = -1;
};

}  // namespace tr::media
