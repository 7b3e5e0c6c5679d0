// Recorded feedback traces in, estimates out. The traces (traces/*.trace) were recorded by
// bwe_trace_gen from the closed-loop bottleneck simulator (bwe_simulator.h); the scenario
// definitions there give the link each trace ran over.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "bwe_simulator.h"
#include "bwe_trace.h"

namespace tr::media::test {
namespace {

struct Replayed {
  const Scenario* scenario = nullptr;
  std::vector<ReplayPoint> points;
};

Replayed Load(const std::string& name) {
  Replayed r;
  r.scenario = FindScenario(name);
  EXPECT_NE(r.scenario, nullptr) << name;
  std::string error;
  const auto trace = LoadTrace(std::string(TR_BWE_TRACE_DIR) + "/" + name + ".trace", &error);
  EXPECT_FALSE(trace.empty()) << error;
  if (r.scenario != nullptr) {
    r.points = Replay(trace, r.scenario->options, r.scenario->RttUs());
  }
  return r;
}

// Estimates of the messages that arrived in [from_us, to_us).
std::vector<int64_t> EstimatesIn(const Replayed& r, int64_t from_us, int64_t to_us) {
  std::vector<int64_t> out;
  for (const ReplayPoint& p : r.points) {
    if (p.now_us >= from_us && p.now_us < to_us) {
      out.push_back(p.stats.estimate_bps);
    }
  }
  return out;
}

// First arrival time >= from_us at which the estimate reached `bps`, -1 if never.
int64_t FirstReach(const Replayed& r, int64_t from_us, int64_t bps) {
  for (const ReplayPoint& p : r.points) {
    if (p.now_us >= from_us && p.stats.estimate_bps >= bps) {
      return p.now_us;
    }
  }
  return -1;
}

void Summarize(const Replayed& r) {
  for (std::size_t i = 0; i < r.points.size(); i += 10) {
    const auto& s = r.points[i].stats;
    std::printf(
        "  t=%6.2fs est=%8lld delay=%8lld loss_based=%8lld acked=%8lld loss=%.3f %s probe=%lld\n",
        static_cast<double>(r.points[i].now_us) / 1e6, static_cast<long long>(s.estimate_bps),
        static_cast<long long>(s.delay_based_bps), static_cast<long long>(s.loss_based_bps),
        static_cast<long long>(s.acked_bps), s.loss_fraction, s.delay_state,
        static_cast<long long>(s.last_probe_bps));
  }
}

class TraceTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() || std::getenv("TR_BWE_VERBOSE") != nullptr) {
      Summarize(replayed_);
    }
  }
  Replayed replayed_;
};

TEST_F(TraceTest, OvershootIntoASlowLinkConvergesToItsCapacity) {
  replayed_ = Load("congested_3m_into_1m");
  const Replayed& r = replayed_;
  ASSERT_FALSE(r.points.empty());
  // Within 3 s of the start (3 Mbps into 1 Mbps) and from then on: [0.7, 1.15] x capacity.
  // (A decrease at most halves the estimate, so the way down from 3 Mbps takes a few
  // decrease steps; see aimd_rate_control.h.)
  const auto settled = EstimatesIn(r, 3'000'000, r.scenario->duration_us);
  ASSERT_FALSE(settled.empty());
  EXPECT_GE(*std::min_element(settled.begin(), settled.end()), 700'000);
  EXPECT_LE(*std::max_element(settled.begin(), settled.end()), 1'150'000);
}

TEST_F(TraceTest, CapacityDropAndRecovery) {
  replayed_ = Load("capacity_drop_and_recovery");
  const Replayed& r = replayed_;
  ASSERT_FALSE(r.points.empty());
  // Before the drop: probing finds the 4 Mbps link.
  EXPECT_GE(FirstReach(r, 0, 3'000'000), 0);
  EXPECT_LT(FirstReach(r, 0, 3'000'000), 10'000'000);
  // 800 kbps from 10 s: within 2 s the estimate is in [0.7, 1.15] x 800 kbps, until 20 s.
  const auto dropped = EstimatesIn(r, 12'000'000, 20'000'000);
  ASSERT_FALSE(dropped.empty());
  EXPECT_GE(*std::min_element(dropped.begin(), dropped.end()), 0.7 * 800'000);
  EXPECT_LE(*std::max_element(dropped.begin(), dropped.end()), 1.15 * 800'000);
  // 4 Mbps again from 20 s: with probes up to 4 Mbps, >= 3 Mbps within 3 s.
  const int64_t recovered = FirstReach(r, 20'000'000, 3'000'000);
  EXPECT_GE(recovered, 20'000'000);
  EXPECT_LE(recovered, 23'000'000);
  const auto after = EstimatesIn(r, 23'000'000, r.scenario->duration_us);
  EXPECT_LE(*std::max_element(after.begin(), after.end()), 1.15 * 4'000'000);
}

TEST_F(TraceTest, FivePercentRandomLossDoesNotCollapseTheEstimate) {
  replayed_ = Load("random_loss_5pct");
  const Replayed& r = replayed_;
  ASSERT_FALSE(r.points.empty());
  const auto all = EstimatesIn(r, 0, r.scenario->duration_us);
  EXPECT_GE(*std::min_element(all.begin(), all.end()), 0.7 * r.scenario->source_bps);
  EXPECT_NEAR(r.points.back().stats.loss_fraction, 0.05, 0.03);
}

TEST_F(TraceTest, FifteenPercentRandomLossReducesTheEstimate) {
  replayed_ = Load("random_loss_15pct");
  const Replayed& r = replayed_;
  ASSERT_FALSE(r.points.empty());
  const auto late = EstimatesIn(r, 3'000'000, r.scenario->duration_us);
  ASSERT_FALSE(late.empty());
  EXPECT_LT(*std::max_element(late.begin(), late.end()), 0.7 * r.scenario->source_bps);
  EXPECT_GE(*std::min_element(late.begin(), late.end()), r.scenario->options.min_bps);
}

TEST_F(TraceTest, JitterWithoutCongestionIsNotOveruse) {
  replayed_ = Load("jitter_no_congestion");
  const Replayed& r = replayed_;
  ASSERT_FALSE(r.points.empty());
  std::size_t overusing = 0;
  for (const ReplayPoint& p : r.points) {
    overusing += std::string(p.stats.delay_state) == "overusing";
  }
  EXPECT_LT(static_cast<double>(overusing), 0.05 * static_cast<double>(r.points.size()));
  const auto late = EstimatesIn(r, 2'000'000, r.scenario->duration_us);
  EXPECT_GE(*std::min_element(late.begin(), late.end()), 0.7 * r.scenario->source_bps);
}

}  // namespace
}  // namespace tr::media::test
