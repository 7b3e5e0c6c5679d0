#pragma once
// Test-only: recorded transport-cc feedback traces for the BandwidthEstimator.
//
// Text, one line per packet of a feedback message:
//     <send_us> <recv_us, -1 = lost> <size> <probe_cluster, -1 = none>
// and after the packets of a message one line
//     fb <now_us>
// (our clock when the message arrived). Lines starting with '#' are comments. recv_us is
// on the receiver's clock (an arbitrary offset from ours).
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "media/bwe/bandwidth_estimator.h"

namespace tr::media::test {

struct FeedbackMessage {
  int64_t now_us = 0;
  std::vector<PacketFeedback> packets;
};

// Empty on a missing file or a malformed line (*error says which).
std::vector<FeedbackMessage> LoadTrace(const std::string& path, std::string* error);
void WriteFeedback(std::ostream& out, const FeedbackMessage& message);

// What the estimator said after each message of a replayed trace.
struct ReplayPoint {
  int64_t now_us = 0;
  BandwidthEstimator::Stats stats{};
};
std::vector<ReplayPoint> Replay(const std::vector<FeedbackMessage>& trace,
                                BandwidthEstimator::Options options, int64_t rtt_us);

}  // namespace tr::media::test
