#pragma once
// Delay-based congestion detection of Google Congestion Control (draft-ietf-rmcat-gcc-02
// §5, as libwebrtc implements it today with a trendline instead of the draft's Kalman
// filter):
//
//  1. InterArrival: packets are grouped into bursts of kGroupUs of send time (a video frame
//     or a pacer burst). Packets that arrive within kBurstUs of the previous one while the
//     delay is shrinking are added to the current group too: they were queued together
//     (e.g. behind a Wi-Fi aggregation). For consecutive complete groups it yields the send
//     time delta and the receive time delta of their last packets; the difference is the
//     inter-group delay variation d(i).
//  2. TrendlineDetector: accumulates d(i), smooths it exponentially and fits a line (least
//     squares) through the last kWindow (receive time, smoothed delay) points. The slope,
//     scaled by min(groups seen, 60) * 4, is compared with GCC's adaptive threshold
//     gamma (§5.4): over +gamma for more than 10 ms on at least two consecutive groups,
//     while not falling => overusing; under -gamma => underusing; else normal. gamma moves
//     towards |trend| (fast down, slow up) so that steady jitter raises it while a real
//     queue build-up still crosses it.
//
// Garbage receive times (backwards, or a jump of more than kMaxJumpUs against the send
// times) reset both stages instead of polluting the fit. Fixed-size state, no allocation.
#include <array>
#include <cstddef>
#include <cstdint>

namespace tr::media {

enum class DelayState { kNormal, kOverusing, kUnderusing };
const char* DelayStateName(DelayState state);

class InterArrival {
 public:
  static constexpr int64_t kGroupUs = 5'000;
  static constexpr int64_t kBurstUs = 5'000;
  static constexpr int64_t kMaxBurstUs = 100'000;
  static constexpr int64_t kMaxJumpUs = 3'000'000;

  struct Deltas {
    int64_t send_delta_us = 0;
    int64_t receive_delta_us = 0;
    int64_t receive_time_us = 0;  // of the completed group's last packet
  };

  // One received packet (send order). Returns true and fills *out when it completed a
  // group that has a predecessor. Sets *reset when garbage made it start over.
  bool OnPacket(int64_t send_time_us, int64_t receive_time_us, Deltas* out, bool* reset);
  void Reset() { *this = InterArrival(); }

 private:
  struct Group {
    int64_t first_send_us = -1;  // -1: empty
    int64_t last_send_us = 0;
    int64_t first_receive_us = 0;
    int64_t last_receive_us = 0;
  };
  bool BelongsToGroup(int64_t send_time_us, int64_t receive_time_us) const;

  Group current_;
  Group previous_;
  int reordered_ = 0;
};

class TrendlineDetector {
 public:
  static constexpr std::size_t kWindow = 20;
  static constexpr double kSmoothing = 0.9;
  static constexpr double kGain = 4.0;
  static constexpr double kInitialThresholdMs = 12.5;

  void OnDeltas(const InterArrival::Deltas& d);
  void Reset() { *this = TrendlineDetector(); }

  DelayState state() const { return state_; }
  double trend() const { return trend_; }  // slope, ms of queueing delay per ms
  double threshold_ms() const { return threshold_ms_; }

 private:
  void Detect(double modified_trend, int64_t send_delta_us, int64_t now_us);
  void UpdateThreshold(double modified_trend, int64_t now_us);

  struct Point {
    double x_ms = 0;  // receive time since the first group
    double y_ms = 0;  // smoothed accumulated delay
  };
  std::array<Point, kWindow> points_{};
  std::size_t count_ = 0;  // points held (<= kWindow)
  std::size_t next_ = 0;   // ring position of the next point
  int64_t first_receive_us_ = -1;
  int num_deltas_ = 0;
  double accumulated_ms_ = 0;
  double smoothed_ms_ = 0;
  double trend_ = 0;
  double threshold_ms_ = kInitialThresholdMs;
  int64_t last_threshold_update_us_ = -1;
  int64_t time_over_us_ = -1;  // -1: not over the threshold
  int over_count_ = 0;
  DelayState state_ = DelayState::kNormal;
};

}  // namespace tr::media
