#pragma once
// The delay-based rate controller of Google Congestion Control (draft-ietf-rmcat-gcc-02
// §5.5): additive increase / multiplicative decrease driven by the delay detector.
//
//  - overusing  => decrease: new = 0.85 * acked bitrate (what the path delivered, not what
//                  we wished to send) but at most halving the estimate per step (an SFU's
//                  layer switch-up makes the acked rate lag), at most once per
//                  clamp(RTT, 10, 200) ms unless the
//                  estimate is still more than twice the acked bitrate. Then hold.
//  - underusing => hold: the queue is draining, the next normal period will grow again.
//  - normal     => increase: multiplicatively (8 %/s) while far from the last congestion
//                  point, additively (about one packet per response time, 100 ms + RTT)
//                  when the acked bitrate is within 3 standard deviations of the average
//                  bitrate measured at past overuses (the "link capacity").
//  - the increase never goes above max(1.5 * acked + 10 kbps, last probe result): an
//    estimate that was never delivered is a guess, and guesses above the acked rate are
//    what probing is for.
// Fixed state, no allocation.
#include <cstdint>

#include "media/bwe/delay_detector.h"

namespace tr::media {

class AimdRateControl {
 public:
  AimdRateControl(int64_t initial_bps, int64_t min_bps, int64_t max_bps);

  // Once per feedback message: the detector's state, the acked bitrate (<= 0: unknown).
  void Update(DelayState state, int64_t acked_bps, int64_t now_us);
  // A measurement (a probe) showed `bps` gets through: the estimate is at least that, and
  // the increase may go up to `cap_bps` without a matching acked bitrate.
  void OnProbe(int64_t bps, int64_t cap_bps);
  // Overrides the estimate (feedback timeout), clamped to [min, max].
  void SetEstimate(int64_t bps);
  void SetRtt(int64_t rtt_us) { rtt_us_ = rtt_us; }

  int64_t estimate_bps() const { return estimate_bps_; }
  bool near_capacity() const { return capacity_kbps_ > 0; }

 private:
  enum class Phase { kHold, kIncrease };
  void Increase(int64_t acked_bps, int64_t dt_us);
  void Decrease(int64_t acked_bps, int64_t now_us);
  void UpdateCapacity(double sample_kbps);
  double CapacityUpperKbps() const;
  double CapacityLowerKbps() const;

  const int64_t min_bps_;
  const int64_t max_bps_;
  int64_t estimate_bps_;
  int64_t rtt_us_ = 100'000;
  int64_t probe_cap_bps_ = 0;
  int64_t last_update_us_ = -1;
  int64_t last_decrease_us_ = -1;
  Phase phase_ = Phase::kHold;
  // Link capacity: average acked bitrate at overuse and its normalised variance (kbps);
  // capacity_kbps_ <= 0 when unknown.
  double capacity_kbps_ = -1;
  double capacity_var_ = 0.4;
};

}  // namespace tr::media
