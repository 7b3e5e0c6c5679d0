#pragma once
// Test-only: a deterministic bottleneck simulator that records transport-cc feedback
// traces (bwe_trace.h). Closed loop, like the router: the sender paces media at
// min(source rate, estimate) in 1200-byte packets and, while the estimate limits the
// media, sends a probe cluster every second at min(2 x estimate, probe ceiling).
// The path: a fixed-rate link (capacity may step over time) behind a drop-tail queue of
// queue_bytes, then propagation delay, optional order-preserving jitter and optional
// random loss (a fixed-seed std::mt19937, so traces are reproducible on every platform).
// The receiver reports every 100 ms on its own clock (offset kReceiverClockOffsetUs);
// the report reaches the sender after the propagation delay.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "bwe_trace.h"
#include "media/bwe/bandwidth_estimator.h"

namespace tr::media::test {

struct CapacityStep {
  int64_t from_us = 0;
  int64_t bps = 0;
};

struct Scenario {
  std::string name;
  int64_t duration_us = 10'000'000;
  std::vector<CapacityStep> capacity;  // ascending from_us; the first one from 0
  int64_t queue_bytes = 12'500;
  int64_t propagation_us = 25'000;  // one way
  double random_loss = 0;
  int64_t jitter_us = 0;  // extra delay after the link, uniform in [0, jitter_us]
  int64_t source_bps = 3'000'000;
  int64_t probe_ceiling_bps = 0;  // 0: no probing
  BandwidthEstimator::Options options;
  uint32_t seed = 1;

  int64_t CapacityAt(int64_t t_us) const;
  int64_t RttUs() const { return 2 * propagation_us; }
};

// The scenarios whose traces live in tests/unit/media/bwe/traces/<name>.trace.
std::vector<Scenario> RecordedScenarios();
const Scenario* FindScenario(const std::string& name);

// Runs the closed loop and returns the feedback messages the estimator saw.
std::vector<FeedbackMessage> Simulate(const Scenario& scenario);

}  // namespace tr::media::test
