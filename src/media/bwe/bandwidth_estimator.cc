#include "media/bwe/bandwidth_estimator.h"

#include <algorithm>
#include <cmath>

namespace tr::media {
namespace {

// Every time is clamped into [0, kMaxTimeUs] so that differences and sums of a few of
// them never overflow, whatever the feedback says.
constexpr int64_t kMaxTimeUs = int64_t{1} << 62;
int64_t ClampTime(int64_t t) { return std::clamp<int64_t>(t, 0, kMaxTimeUs); }

constexpr int64_t kMinAckedSpanUs = 100'000;
constexpr uint32_t kMinLossPackets = 20;
constexpr double kLossHigh = 0.10;
constexpr double kLossLow = 0.02;
constexpr int64_t kLossDecreaseIntervalUs = 300'000;
constexpr uint32_t kProbeMinPackets = 5;
constexpr int64_t kProbeMinSendSpanUs = 20'000;
constexpr double kProbeMaxLoss = 0.10;
constexpr double kProbeFactor = 0.95;
constexpr int64_t kProbeShieldUs = 500'000;
constexpr int64_t kProbePendingUs = 1'000'000;  // a cluster not judged by then is given up
constexpr double kProbeSaturatedRatio = 0.9;
constexpr int64_t kFeedbackTimeoutUs = 1'000'000;

BandwidthEstimator::Options Sanitize(BandwidthEstimator::Options o) {
  o.min_bps = std::max<int64_t>(o.min_bps, 1);
  o.max_bps = std::max(o.max_bps, o.min_bps);
  o.initial_bps = std::clamp(o.initial_bps, o.min_bps, o.max_bps);
  return o;
}

}  // namespace

BandwidthEstimator::BandwidthEstimator(Options options)
    : options_(Sanitize(options)),
      aimd_(options_.initial_bps, options_.min_bps, options_.max_bps),
      loss_based_bps_(options_.initial_bps) {}

int64_t BandwidthEstimator::Clamp(double bps) const {
  if (!(bps >= static_cast<double>(options_.min_bps))) {  // also NaN
    return options_.min_bps;
  }
  if (bps >= static_cast<double>(options_.max_bps)) {
    return options_.max_bps;
  }
  return static_cast<int64_t>(bps);
}

void BandwidthEstimator::OnFeedback(std::span<const PacketFeedback> packets, int64_t now_us) {
  now_us = ClampTime(now_us);
  ++feedback_count_;
  last_feedback_us_ = now_us;
  if (packets.empty()) {
    return;  // the receiver is alive; nothing to learn
  }
  uint32_t lost = 0;
  uint32_t total = 0;
  uint32_t all_lost = 0;
  uint32_t all_total = 0;
  for (PacketFeedback p : packets) {
    if (p.send_time_us < 0 || p.send_time_us > kMaxTimeUs) {
      continue;  // not from our SendHistory
    }
    if (p.receive_time_us >= 0) {
      p.receive_time_us = ClampTime(p.receive_time_us);
    }
    ++all_total;
    all_lost += p.receive_time_us < 0;
    if (p.send_time_us >= loss_ignore_sent_before_us_ && p.probe_cluster < 0) {
      ++total;
      lost += p.receive_time_us < 0;
    }
    MarkCompleteClusters(p);
    if (p.probe_cluster >= 0) {
      AddProbePacket(p);
    }
    if (p.receive_time_us >= 0) {
      OnReceived(p);
    }
  }
  UpdateLossWindow(lost, total, now_us);
  if (all_total > 0) {
    // ~1 s time constant, never reset: the path's loss level, for gating probes.
    const double w =
        smoothed_loss_us_ < 0
            ? 1.0
            : std::clamp(static_cast<double>(now_us - smoothed_loss_us_) / 1e6, 0.0, 1.0);
    smoothed_loss_ += w * (static_cast<double>(all_lost) / all_total - smoothed_loss_);
    smoothed_loss_us_ = now_us;
  }
  EvaluateProbes(now_us);
  DelayState state = trendline_.state();
  if (state == DelayState::kOverusing &&
      (ProbePending(now_us) ||
       (probe_measured_us_ >= 0 && now_us - probe_measured_us_ <= kProbeShieldUs &&
        probe_measured_bps_ >= aimd_.estimate_bps()))) {
    // The queue is the probe's own excess: either the probe is still being reported (its
    // judgment caps the estimate at what the path delivered, see EvaluateProbes), or the
    // path just delivered more than we send without it. Hold instead of cutting the media.
    state = DelayState::kUnderusing;
  }
  aimd_.Update(state, AckedBps(), now_us);
  UpdateLossBased(now_us);
}

void BandwidthEstimator::OnReceived(const PacketFeedback& p) {
  AddAcked(p.receive_time_us, p.size);
  InterArrival::Deltas deltas;
  bool reset = false;
  if (inter_arrival_.OnPacket(p.send_time_us, p.receive_time_us, &deltas, &reset)) {
    trendline_.OnDeltas(deltas);
  }
  if (reset) {
    trendline_.Reset();
  }
}

void BandwidthEstimator::OnRtt(int64_t rtt_us) {
  if (rtt_us <= 0) {
    return;
  }
  rtt_us_ = std::min<int64_t>(rtt_us, 10'000'000);
  aimd_.SetRtt(rtt_us_);
}

void BandwidthEstimator::Tick(int64_t now_us) {
  now_us = ClampTime(now_us);
  if (last_feedback_us_ < 0 || now_us < last_feedback_us_) {
    last_feedback_us_ = now_us;  // the timeout counts from here
    return;
  }
  if (now_us - last_feedback_us_ <= kFeedbackTimeoutUs) {
    return;
  }
  if (last_timeout_decrease_us_ >= 0 && now_us >= last_timeout_decrease_us_ &&
      now_us - last_timeout_decrease_us_ < kFeedbackTimeoutUs) {
    return;
  }
  // No news from the viewer: it may be behind a link that went down. Back off.
  const int64_t halved = EstimateBps() / 2;
  aimd_.SetEstimate(std::min(aimd_.estimate_bps(), halved));
  loss_based_bps_ = Clamp(static_cast<double>(std::min(loss_based_bps_, halved)));
  last_timeout_decrease_us_ = now_us;
}

int64_t BandwidthEstimator::EstimateBps() const {
  return Clamp(static_cast<double>(std::min(aimd_.estimate_bps(), loss_based_bps_)));
}

BandwidthEstimator::Stats BandwidthEstimator::stats() const {
  return {
      EstimateBps(),
      aimd_.estimate_bps(),
      loss_based_bps_,
      AckedBps(),
      loss_window_total_ > 0 ? static_cast<double>(loss_window_lost_) / loss_window_total_ : 0.0,
      trendline_.trend(),
      DelayStateName(trendline_.state()),
      feedback_count_,
      last_probe_bps_};
}

// ---- acked bitrate ----

void BandwidthEstimator::AddAcked(int64_t receive_us, uint32_t size) {
  if (acked_count_ > 0 && receive_us < acked_newest_us_ - InterArrival::kMaxJumpUs) {
    // The receive clock went far back: the window means nothing any more.
    acked_count_ = 0;
    acked_bytes_ = 0;
  }
  if (acked_count_ == 0 || receive_us > acked_newest_us_) {
    acked_newest_us_ = receive_us;
  }
  if (acked_count_ == kAckedSlots) {  // full: the window gets shorter than kAckedWindowUs
    acked_bytes_ -= acked_[acked_head_].size;
    acked_head_ = (acked_head_ + 1) % kAckedSlots;
    --acked_count_;
  }
  acked_[(acked_head_ + acked_count_) % kAckedSlots] = {receive_us, size};
  ++acked_count_;
  acked_bytes_ += size;
  while (acked_count_ > 1 && acked_[acked_head_].receive_us < acked_newest_us_ - kAckedWindowUs) {
    acked_bytes_ -= acked_[acked_head_].size;
    acked_head_ = (acked_head_ + 1) % kAckedSlots;
    --acked_count_;
  }
}

int64_t BandwidthEstimator::AckedBps() const {
  if (acked_count_ < 2) {
    return 0;
  }
  const Acked& oldest = acked_[acked_head_];
  const int64_t span_us = acked_newest_us_ - oldest.receive_us;
  if (span_us < kMinAckedSpanUs) {
    return 0;
  }
  // The oldest packet's bytes arrived before the span started.
  const double bits = static_cast<double>(acked_bytes_ - oldest.size) * 8.0;
  const double bps = bits * 1e6 / static_cast<double>(span_us);
  return std::isfinite(bps) ? static_cast<int64_t>(std::min(bps, 1e15)) : 0;
}

// ---- loss-based ----

void BandwidthEstimator::UpdateLossWindow(uint32_t lost, uint32_t total, int64_t now_us) {
  if (loss_count_ == kLossSlots) {
    loss_window_lost_ -= loss_[loss_head_].lost;
    loss_window_total_ -= loss_[loss_head_].total;
    loss_head_ = (loss_head_ + 1) % kLossSlots;
    --loss_count_;
  }
  loss_[(loss_head_ + loss_count_) % kLossSlots] = {now_us, lost, total};
  ++loss_count_;
  loss_window_lost_ += lost;
  loss_window_total_ += total;
  while (loss_count_ > 1 && (loss_[loss_head_].time_us < now_us - kLossWindowUs ||
                             loss_[loss_head_].time_us > now_us)) {
    loss_window_lost_ -= loss_[loss_head_].lost;
    loss_window_total_ -= loss_[loss_head_].total;
    loss_head_ = (loss_head_ + 1) % kLossSlots;
    --loss_count_;
  }
}

void BandwidthEstimator::UpdateLossBased(int64_t now_us) {
  const int64_t dt_us = last_loss_update_us_ < 0
                            ? 0
                            : std::clamp<int64_t>(now_us - last_loss_update_us_, 0, 1'000'000);
  last_loss_update_us_ = now_us;
  if (loss_window_total_ < kMinLossPackets) {
    return;  // too few packets to tell loss from noise
  }
  const double loss = static_cast<double>(loss_window_lost_) / loss_window_total_;
  if (loss > kLossHigh) {
    const bool may_decrease = last_loss_decrease_us_ < 0 || now_us < last_loss_decrease_us_ ||
                              now_us - last_loss_decrease_us_ >= kLossDecreaseIntervalUs + rtt_us_;
    if (may_decrease) {
      // Never below 85 % of what the path just delivered: a burst of loss (a key frame
      // into a full queue) must not take the estimate far below the bottleneck, from
      // where it would climb back at 8 %/s.
      const double base = static_cast<double>(EstimateBps());
      const double floor = std::min(base, 0.85 * static_cast<double>(AckedBps()));
      loss_based_bps_ = Clamp(std::max(base * (1.0 - 0.5 * loss), floor));
      last_loss_decrease_us_ = now_us;
      // Judge the next decrease by packets sent after this one only.
      loss_ignore_sent_before_us_ = now_us;
      loss_count_ = 0;
      loss_window_lost_ = 0;
      loss_window_total_ = 0;
    }
  } else if (loss < kLossLow) {
    const double dt_s = static_cast<double>(dt_us) / 1e6;
    // Grows back after a loss decrease, up to the delay-based rate (beyond it, it would
    // be a number nothing checked).
    const double grown = static_cast<double>(loss_based_bps_) * std::pow(1.08, dt_s) + 1.0;
    const double limit = static_cast<double>(std::max(loss_based_bps_, aimd_.estimate_bps()));
    loss_based_bps_ = Clamp(std::min(grown, limit));
  }
}

// ---- probes ----

void BandwidthEstimator::AddProbePacket(const PacketFeedback& p) {
  ProbeCluster* c = nullptr;
  for (ProbeCluster& slot : clusters_) {
    if (slot.id == p.probe_cluster) {
      c = &slot;
      break;
    }
  }
  if (c == nullptr) {  // a new cluster replaces the least recently fed one
    c = &clusters_[0];
    for (ProbeCluster& slot : clusters_) {
      if (slot.touched < c->touched) {
        c = &slot;
      }
    }
    *c = ProbeCluster{};
    c->id = p.probe_cluster;
    c->first_send_us = p.send_time_us;
    c->last_send_us = p.send_time_us;
  }
  c->touched = feedback_count_;
  ++c->packets;
  c->send_bytes += p.size;
  c->first_send_us = std::min(c->first_send_us, p.send_time_us);
  if (p.send_time_us >= c->last_send_us) {
    c->last_send_us = p.send_time_us;
    c->last_send_size = p.size;
  }
  if (p.receive_time_us < 0) {
    ++c->lost;
    return;
  }
  if (c->received == 0 || p.receive_time_us < c->first_receive_us) {
    c->first_receive_us = p.receive_time_us;
    c->first_receive_size = p.size;
  }
  if (c->received == 0 || p.receive_time_us > c->last_receive_us) {
    c->last_receive_us = p.receive_time_us;
  }
  ++c->received;
  c->receive_bytes += p.size;
}

void BandwidthEstimator::MarkCompleteClusters(const PacketFeedback& p) {
  for (ProbeCluster& c : clusters_) {
    if (c.id >= 0 && c.id != p.probe_cluster && !c.complete && p.send_time_us > c.last_send_us) {
      c.complete = true;
      c.touched = feedback_count_;
    }
  }
}

bool BandwidthEstimator::ProbePending(int64_t now_us) const {
  for (const ProbeCluster& c : clusters_) {
    if (c.id >= 0 && !c.judged && now_us - c.first_send_us <= kProbePendingUs) {
      return true;
    }
  }
  return false;
}

void BandwidthEstimator::EvaluateProbes(int64_t now_us) {
  for (ProbeCluster& c : clusters_) {
    if (c.id < 0 || !c.complete || c.judged || c.touched != feedback_count_) {
      continue;
    }
    c.judged = true;
    if (c.received < kProbeMinPackets) {
      continue;
    }
    const int64_t send_span_us = c.last_send_us - c.first_send_us;
    const int64_t receive_span_us = c.last_receive_us - c.first_receive_us;
    if (send_span_us < kProbeMinSendSpanUs || receive_span_us <= 0) {
      continue;
    }
    // Each rate leaves out the packet at the edge of its span (its bytes went before the
    // first / after the last instant measured).
    const double send_bps = static_cast<double>(c.send_bytes - c.last_send_size) * 8e6 /
                            static_cast<double>(send_span_us);
    const double receive_bps = static_cast<double>(c.receive_bytes - c.first_receive_size) * 8e6 /
                               static_cast<double>(receive_span_us);
    const int64_t probe_bps = Clamp(std::min(send_bps, receive_bps));
    probe_measured_bps_ = probe_bps;
    probe_measured_us_ = now_us;
    if (receive_bps < kProbeSaturatedRatio * send_bps &&
        static_cast<double>(receive_span_us) * kProbeSaturatedRatio > static_cast<double>(send_span_us)) {
      // The probe filled the path: what arrived is its capacity (loss or a queue are then
      // expected, not a reason to doubt it). The estimate goes to just below it, up or down:
      // down when it grew above the path while the media alone could not show the limit.
      const int64_t capacity = Clamp(kProbeFactor * receive_bps);
      last_probe_bps_ = probe_bps;
      aimd_.SetEstimate(capacity);
      aimd_.OnProbe(capacity, capacity);
      loss_based_bps_ = smoothed_loss_ <= kLossHigh ? capacity : std::min(loss_based_bps_, capacity);
      continue;
    }
    if (static_cast<double>(c.lost) > kProbeMaxLoss * c.packets ||
        trendline_.state() == DelayState::kOverusing) {
      continue;  // the probe congested the path: its rate is not a safe target
    }
    last_probe_bps_ = probe_bps;
    const int64_t target = Clamp(kProbeFactor * static_cast<double>(probe_bps));
    aimd_.OnProbe(target, probe_bps);
    if (smoothed_loss_ <= kLossHigh) {  // a lossy path keeps its loss-based limit
      loss_based_bps_ = std::max(loss_based_bps_, target);
    }
  }
}

}  // namespace tr::media
