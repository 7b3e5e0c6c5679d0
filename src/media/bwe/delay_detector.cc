#include "media/bwe/delay_detector.h"

#include <algorithm>
#include <cmath>

namespace tr::media {

const char* DelayStateName(DelayState state) {
  switch (state) {
    case DelayState::kOverusing:
      return "overusing";
    case DelayState::kUnderusing:
      return "underusing";
    case DelayState::kNormal:
      break;
  }
  return "normal";
}

// ---- InterArrival ----

bool InterArrival::BelongsToGroup(int64_t send_time_us, int64_t receive_time_us) const {
  if (send_time_us - current_.first_send_us <= kGroupUs) {
    return true;
  }
  // A burst: arrived right after the group while the one-way delay shrank, i.e. it waited
  // in a queue with the group and was released together with it.
  const int64_t receive_delta = receive_time_us - current_.last_receive_us;
  const int64_t send_delta = send_time_us - current_.last_send_us;
  if (send_delta == 0) {
    return true;
  }
  return receive_delta - send_delta < 0 && receive_delta <= kBurstUs &&
         receive_time_us - current_.first_receive_us < kMaxBurstUs;
}

bool InterArrival::OnPacket(int64_t send_time_us, int64_t receive_time_us, Deltas* out,
                            bool* reset) {
  *reset = false;
  if (current_.first_send_us < 0) {
    current_ = {send_time_us, send_time_us, receive_time_us, receive_time_us};
    return false;
  }
  if (send_time_us < current_.first_send_us) {
    return false;  // sent before the current group: reordered, its group is gone
  }
  if (BelongsToGroup(send_time_us, receive_time_us)) {
    current_.last_send_us = std::max(current_.last_send_us, send_time_us);
    current_.last_receive_us = std::max(current_.last_receive_us, receive_time_us);
    return false;
  }
  // The packet opens a new group: the current one is complete.
  bool emitted = false;
  if (previous_.first_send_us >= 0) {
    const int64_t send_delta = current_.last_send_us - previous_.last_send_us;
    const int64_t receive_delta = current_.last_receive_us - previous_.last_receive_us;
    if (receive_delta < 0 || send_delta < 0) {
      // Reordered groups carry no delay information; a run of them means the receive
      // clock went backwards.
      if (++reordered_ >= 3) {
        Reset();
        *reset = true;
        current_ = {send_time_us, send_time_us, receive_time_us, receive_time_us};
        return false;
      }
    } else if (receive_delta - send_delta > kMaxJumpUs || send_delta - receive_delta > kMaxJumpUs) {
      // No queue changes by seconds between two groups: the receiver's clock jumped.
      Reset();
      *reset = true;
      current_ = {send_time_us, send_time_us, receive_time_us, receive_time_us};
      return false;
    } else {
      reordered_ = 0;
      *out = {send_delta, receive_delta, current_.last_receive_us};
      emitted = true;
    }
  }
  previous_ = current_;
  current_ = {send_time_us, send_time_us, receive_time_us, receive_time_us};
  return emitted;
}

// ---- TrendlineDetector ----

void TrendlineDetector::OnDeltas(const InterArrival::Deltas& d) {
  const double delta_ms = static_cast<double>(d.receive_delta_us - d.send_delta_us) / 1000.0;
  num_deltas_ = std::min(num_deltas_ + 1, 1000);
  if (first_receive_us_ < 0) {
    first_receive_us_ = d.receive_time_us;
  }
  accumulated_ms_ += delta_ms;
  smoothed_ms_ = kSmoothing * smoothed_ms_ + (1 - kSmoothing) * accumulated_ms_;
  points_[next_] = {static_cast<double>(d.receive_time_us - first_receive_us_) / 1000.0,
                    smoothed_ms_};
  next_ = (next_ + 1) % kWindow;
  count_ = std::min(count_ + 1, kWindow);

  const double previous_trend = trend_;
  if (count_ == kWindow) {
    // Least-squares slope of smoothed delay over receive time (centred sums).
    double x_mean = 0;
    double y_mean = 0;
    for (const Point& p : points_) {
      x_mean += p.x_ms;
      y_mean += p.y_ms;
    }
    x_mean /= kWindow;
    y_mean /= kWindow;
    double num = 0;
    double den = 0;
    for (const Point& p : points_) {
      num += (p.x_ms - x_mean) * (p.y_ms - y_mean);
      den += (p.x_ms - x_mean) * (p.x_ms - x_mean);
    }
    if (den > 0) {
      trend_ = num / den;
    }
  }
  if (!std::isfinite(trend_) || !std::isfinite(smoothed_ms_)) {
    Reset();  // cannot happen with bounded deltas; never let a NaN reach the rate
    return;
  }
  const double modified = std::min(num_deltas_, 60) * trend_ * kGain;
  if (num_deltas_ < 2) {
    state_ = DelayState::kNormal;
    return;
  }
  if (modified > threshold_ms_) {
    // Over the threshold: overuse only once it lasted > 10 ms on >= 2 groups and the
    // trend is not already falling (the queue is draining).
    time_over_us_ = time_over_us_ < 0
                        ? d.send_delta_us / 2
                        : std::min<int64_t>(time_over_us_ + d.send_delta_us, 1'000'000'000);
    ++over_count_;
    if (time_over_us_ > 10'000 && over_count_ > 1 && trend_ >= previous_trend) {
      time_over_us_ = 0;
      over_count_ = 0;
      state_ = DelayState::kOverusing;
    }
  } else if (modified < -threshold_ms_) {
    time_over_us_ = -1;
    over_count_ = 0;
    state_ = DelayState::kUnderusing;
  } else {
    time_over_us_ = -1;
    over_count_ = 0;
    state_ = DelayState::kNormal;
  }
  UpdateThreshold(modified, d.receive_time_us);
}

void TrendlineDetector::UpdateThreshold(double modified_trend, int64_t now_us) {
  if (last_threshold_update_us_ < 0) {
    last_threshold_update_us_ = now_us;
  }
  const double magnitude = std::fabs(modified_trend);
  // A spike far above the threshold (a sudden big queue) must not drag gamma up with it,
  // or the next real overuse would go unnoticed (gcc-02 §5.4, "K_u ... outliers").
  if (magnitude > threshold_ms_ + 15.0) {
    last_threshold_update_us_ = now_us;
    return;
  }
  constexpr double kUp = 0.0087;   // per ms
  constexpr double kDown = 0.039;  // per ms
  const double k = magnitude < threshold_ms_ ? kDown : kUp;
  const double dt_ms =
      static_cast<double>(std::clamp<int64_t>(now_us - last_threshold_update_us_, 0, 100'000)) /
      1000.0;
  threshold_ms_ = std::clamp(threshold_ms_ + k * (magnitude - threshold_ms_) * dt_ms, 6.0, 600.0);
  last_threshold_update_us_ = now_us;
}

}  // namespace tr::media
