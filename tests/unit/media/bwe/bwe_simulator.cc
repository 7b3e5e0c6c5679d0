#include "bwe_simulator.h"

#include <algorithm>
#include <deque>
#include <random>

namespace tr::media::test {
namespace {

constexpr int64_t kMediaPacketBytes = 1200;
constexpr int64_t kFeedbackIntervalUs = 100'000;
constexpr int64_t kProbeIntervalUs = 1'000'000;
constexpr int64_t kProbeDurationUs = 50'000;
constexpr int64_t kReceiverClockOffsetUs = 7'000'000'000;

struct SentPacket {
  int64_t send_us = 0;
  int64_t receive_us = -1;  // sim clock, -1 = dropped
  uint32_t size = 0;
  int32_t cluster = -1;
};

// Drop-tail queue in front of a link of (piecewise) constant rate.
class BottleneckLink {
 public:
  explicit BottleneckLink(const Scenario& s) : s_(s), rng_(s.seed) {}

  // Receive time (sim clock) of a packet entering the queue at `t_us`, or -1.
  int64_t Send(int64_t t_us, uint32_t size) {
    while (!queue_.empty() && queue_.front().done_us <= t_us) {
      queued_bytes_ -= queue_.front().size;
      queue_.pop_front();
    }
    if (queued_bytes_ + size > s_.queue_bytes) {
      return -1;  // tail drop
    }
    const int64_t start = std::max(t_us, link_free_us_);
    link_free_us_ = start + static_cast<int64_t>(size) * 8'000'000 / s_.CapacityAt(start);
    queue_.push_back({link_free_us_, size});
    queued_bytes_ += size;
    // Loss and jitter happen after the bottleneck (a lossy radio hop, say).
    const bool lost = s_.random_loss > 0 && Uniform() < s_.random_loss;
    const int64_t jitter =
        s_.jitter_us > 0 ? static_cast<int64_t>(Uniform() * static_cast<double>(s_.jitter_us)) : 0;
    if (lost) {
      return -1;
    }
    // Order-preserving: jitter delays, never overtakes.
    last_receive_us_ = std::max(last_receive_us_, link_free_us_ + s_.propagation_us + jitter);
    return last_receive_us_;
  }

 private:
  struct Queued {
    int64_t done_us;
    uint32_t size;
  };
  // Platform-independent (std::uniform_real_distribution is not).
  double Uniform() { return static_cast<double>(rng_() >> 8) / 16777216.0; }

  const Scenario& s_;
  std::mt19937 rng_;
  std::deque<Queued> queue_;
  int64_t queued_bytes_ = 0;
  int64_t link_free_us_ = 0;
  int64_t last_receive_us_ = 0;
};

}  // namespace

int64_t Scenario::CapacityAt(int64_t t_us) const {
  int64_t bps = capacity.front().bps;
  for (const CapacityStep& step : capacity) {
    if (t_us >= step.from_us) {
      bps = step.bps;
    }
  }
  return bps;
}

std::vector<FeedbackMessage> Simulate(const Scenario& s) {
  BandwidthEstimator bwe(s.options);
  bwe.OnRtt(s.RttUs());
  BottleneckLink link(s);
  std::vector<SentPacket> sent;
  std::vector<FeedbackMessage> trace;
  std::deque<FeedbackMessage> in_flight;  // reports on their way back
  std::size_t next_unreported = 0;

  int64_t next_send_us = 0;
  int64_t next_report_us = kFeedbackIntervalUs;
  int64_t last_probe_us = -kProbeIntervalUs;
  int32_t cluster = -1;  // >= 0 while a cluster is being sent
  int32_t next_cluster_id = 0;
  int64_t cluster_end_us = 0;
  int64_t cluster_bps = 0;

  while (true) {
    const int64_t next_delivery = in_flight.empty() ? INT64_MAX : in_flight.front().now_us;
    const int64_t t = std::min({next_send_us, next_report_us, next_delivery});
    if (t >= s.duration_us) {
      break;
    }
    if (t == next_delivery) {
      FeedbackMessage m = std::move(in_flight.front());
      in_flight.pop_front();
      bwe.OnFeedback(m.packets, m.now_us);
      bwe.Tick(m.now_us);
      trace.push_back(std::move(m));
    } else if (t == next_report_us) {
      // Everything up to the last packet that arrived by now: the holes before it are lost.
      std::size_t last = sent.size();
      for (std::size_t i = next_unreported; i < sent.size(); ++i) {
        if (sent[i].receive_us >= 0 && sent[i].receive_us <= t) {
          last = i;
        }
      }
      if (last != sent.size()) {
        FeedbackMessage m;
        m.now_us = t + s.propagation_us;
        for (std::size_t i = next_unreported; i <= last; ++i) {
          const SentPacket& p = sent[i];
          m.packets.push_back({p.send_us,
                               p.receive_us < 0 ? -1 : p.receive_us + kReceiverClockOffsetUs,
                               p.size, p.cluster});
        }
        next_unreported = last + 1;
        in_flight.push_back(std::move(m));
      }
      next_report_us += kFeedbackIntervalUs;
    } else {
      const int64_t estimate = bwe.EstimateBps();
      if (cluster >= 0 && t >= cluster_end_us) {
        cluster = -1;
      }
      if (cluster < 0 && s.probe_ceiling_bps > 0 && estimate < s.source_bps &&
          t - last_probe_us >= kProbeIntervalUs) {
        cluster = next_cluster_id++;
        cluster_bps = std::min(2 * estimate, s.probe_ceiling_bps);
        // At least 5 packets, whatever the rate.
        cluster_end_us = t + std::max<int64_t>(kProbeDurationUs,
                                               5 * kMediaPacketBytes * 8'000'000 / cluster_bps);
        last_probe_us = t;
      }
      const int64_t rate = cluster >= 0 ? cluster_bps : std::min(s.source_bps, estimate);
      const auto size = static_cast<uint32_t>(kMediaPacketBytes);
      sent.push_back({t, link.Send(t, size), size, cluster});
      next_send_us = t + std::max<int64_t>(1, kMediaPacketBytes * 8'000'000 / rate);
    }
  }
  return trace;
}

std::vector<Scenario> RecordedScenarios() {
  std::vector<Scenario> all;
  {
    Scenario s;  // an overshooting start: 3 Mbps of media into a 1 Mbps link
    s.name = "congested_3m_into_1m";
    s.duration_us = 10'000'000;
    s.capacity = {{0, 1'000'000}};
    s.queue_bytes = 12'500;  // 100 ms at 1 Mbps
    s.source_bps = 3'000'000;
    s.probe_ceiling_bps = 3'000'000;
    s.options.initial_bps = 3'000'000;
    all.push_back(s);
  }
  {
    Scenario s;  // 4 Mbps, 800 kbps from 10 s, 4 Mbps again from 20 s
    s.name = "capacity_drop_and_recovery";
    s.duration_us = 30'000'000;
    s.capacity = {{0, 4'000'000}, {10'000'000, 800'000}, {20'000'000, 4'000'000}};
    s.queue_bytes = 50'000;  // 100 ms at 4 Mbps, 500 ms at 800 kbps
    s.source_bps = 4'500'000;
    s.probe_ceiling_bps = 4'000'000;
    s.options.initial_bps = 1'000'000;
    all.push_back(s);
  }
  {
    Scenario s;  // 5 % random loss, no congestion
    s.name = "random_loss_5pct";
    s.duration_us = 20'000'000;
    s.capacity = {{0, 10'000'000}};
    s.queue_bytes = 125'000;
    s.random_loss = 0.05;
    s.source_bps = 2'000'000;
    s.probe_ceiling_bps = 2'000'000;
    s.options.initial_bps = 2'000'000;
    s.seed = 5;
    all.push_back(s);
  }
  {
    Scenario s;  // 15 % random loss, no congestion
    s.name = "random_loss_15pct";
    s.duration_us = 10'000'000;
    s.capacity = {{0, 10'000'000}};
    s.queue_bytes = 125'000;
    s.random_loss = 0.15;
    s.source_bps = 2'000'000;
    s.probe_ceiling_bps = 2'000'000;
    s.options.initial_bps = 2'000'000;
    s.seed = 15;
    all.push_back(s);
  }
  {
    Scenario s;  // up to 40 ms of order-preserving jitter, capacity to spare
    s.name = "jitter_no_congestion";
    s.duration_us = 20'000'000;
    s.capacity = {{0, 10'000'000}};
    s.queue_bytes = 125'000;
    s.jitter_us = 40'000;
    s.source_bps = 2'000'000;
    s.probe_ceiling_bps = 2'000'000;
    s.options.initial_bps = 2'000'000;
    s.seed = 40;
    all.push_back(s);
  }
  return all;
}

const Scenario* FindScenario(const std::string& name) {
  static const std::vector<Scenario> all = RecordedScenarios();
  for (const Scenario& s : all) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace tr::media::test
