#include "media/bwe/aimd_rate_control.h"

#include <algorithm>
#include <cmath>

namespace tr::media {
namespace {

constexpr double kBeta = 0.85;
constexpr double kCapacityAlpha = 0.05;

}  // namespace

AimdRateControl::AimdRateControl(int64_t initial_bps, int64_t min_bps, int64_t max_bps)
    : min_bps_(min_bps),
      max_bps_(max_bps),
      estimate_bps_(std::clamp(initial_bps, min_bps, max_bps)) {}

void AimdRateControl::Update(DelayState state, int64_t acked_bps, int64_t now_us) {
  // Feedback gaps longer than a second do not turn into one big step.
  const int64_t dt_us =
      last_update_us_ < 0 ? 0 : std::clamp<int64_t>(now_us - last_update_us_, 0, 1'000'000);
  last_update_us_ = now_us;
  switch (state) {
    case DelayState::kOverusing: {
      const int64_t interval_us = std::clamp<int64_t>(rtt_us_, 10'000, 200'000);
      const bool far_above_acked = acked_bps > 0 && estimate_bps_ > 2 * acked_bps;
      if (last_decrease_us_ < 0 || now_us - last_decrease_us_ >= interval_us ||
          now_us < last_decrease_us_ || far_above_acked) {
        Decrease(acked_bps, now_us);
      }
      phase_ = Phase::kHold;
      break;
    }
    case DelayState::kUnderusing:
      phase_ = Phase::kHold;
      break;
    case DelayState::kNormal:
      if (phase_ == Phase::kHold) {
        phase_ = Phase::kIncrease;  // grow from the next update on
      } else {
        Increase(acked_bps, dt_us);
      }
      break;
  }
}

void AimdRateControl::Increase(int64_t acked_bps, int64_t dt_us) {
  const double acked_kbps = static_cast<double>(acked_bps) / 1000.0;
  if (capacity_kbps_ > 0 && acked_bps > 0 && acked_kbps > CapacityUpperKbps()) {
    capacity_kbps_ = -1;  // delivered more than the old congestion point: it moved
  }
  const double dt_s = static_cast<double>(dt_us) / 1e6;
  const double current = static_cast<double>(estimate_bps_);
  double increase = 0;
  if (capacity_kbps_ > 0) {
    // Additive: about one average packet per response time (100 ms + RTT), assuming
    // 30 frames/s split into packets of at most 1200 bytes.
    const double bits_per_frame = current / 30.0;
    const double packets_per_frame = std::ceil(bits_per_frame / (1200.0 * 8.0));
    const double packet_bits = bits_per_frame / std::max(packets_per_frame, 1.0);
    const double response_s =
        0.1 + static_cast<double>(std::clamp<int64_t>(rtt_us_, 0, 1'000'000)) / 1e6;
    increase = std::max(4000.0, packet_bits / response_s) * dt_s;
  } else {
    increase = std::max(current * (std::pow(1.08, dt_s) - 1.0), 1000.0 * dt_s);
  }
  double next = current + increase;
  if (acked_bps > 0) {
    const double cap = std::max(1.5 * static_cast<double>(acked_bps) + 10'000.0,
                                static_cast<double>(probe_cap_bps_));
    if (next > cap) {
      next = std::max(current, cap);
    }
  }
  SetEstimate(static_cast<int64_t>(std::min(next, static_cast<double>(max_bps_))));
}

void AimdRateControl::Decrease(int64_t acked_bps, int64_t now_us) {
  double next = kBeta * static_cast<double>(estimate_bps_);
  if (acked_bps > 0) {
    const double acked_kbps = static_cast<double>(acked_bps) / 1000.0;
    if (capacity_kbps_ > 0 && acked_kbps < CapacityLowerKbps()) {
      capacity_kbps_ = -1;  // congested far below the old point: it moved down
    }
    UpdateCapacity(acked_kbps);
    // At most halve per decrease: right after the SFU switched a viewer up, the acked
    // rate still reflects the lower layer, and one delay spike (the switch's key frame)
    // must not take the estimate below what the new layer needs. Real congestion keeps
    // reporting overuse and is followed down within a few decrease intervals.
    next = std::min(static_cast<double>(estimate_bps_),
                    std::max(kBeta * static_cast<double>(acked_bps),
                             0.5 * static_cast<double>(estimate_bps_)));
  }
  SetEstimate(static_cast<int64_t>(next));
  last_decrease_us_ = now_us;
}

void AimdRateControl::OnProbe(int64_t bps, int64_t cap_bps) {
  probe_cap_bps_ = cap_bps;
  if (capacity_kbps_ > 0 && static_cast<double>(bps) / 1000.0 > CapacityUpperKbps()) {
    capacity_kbps_ = -1;
  }
  SetEstimate(std::max(estimate_bps_, bps));
}

void AimdRateControl::SetEstimate(int64_t bps) {
  estimate_bps_ = std::clamp(bps, min_bps_, max_bps_);
}

void AimdRateControl::UpdateCapacity(double sample_kbps) {
  if (capacity_kbps_ <= 0) {
    capacity_kbps_ = sample_kbps;
  } else {
    capacity_kbps_ = (1 - kCapacityAlpha) * capacity_kbps_ + kCapacityAlpha * sample_kbps;
  }
  // Variance normalised by the average, so the band scales with sqrt(rate).
  const double error = capacity_kbps_ - sample_kbps;
  capacity_var_ = (1 - kCapacityAlpha) * capacity_var_ +
                  kCapacityAlpha * error * error / std::max(capacity_kbps_, 1.0);
  capacity_var_ = std::clamp(capacity_var_, 0.4, 2.5);
}

double AimdRateControl::CapacityUpperKbps() const {
  return capacity_kbps_ + 3 * std::sqrt(capacity_var_ * capacity_kbps_);
}

double AimdRateControl::CapacityLowerKbps() const {
  return std::max(0.0, capacity_kbps_ - 3 * std::sqrt(capacity_var_ * capacity_kbps_));
}

}  // namespace tr::media
