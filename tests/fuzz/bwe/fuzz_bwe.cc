// libFuzzer target for the send-side bandwidth estimator (media/bwe), fed the way the
// router feeds it: RTCP transport-cc feedback (media/rtcp/transport_feedback.h) joined
// against a SendHistory, then BandwidthEstimator::OnFeedback. The estimate must stay in
// [min, max] and the stats finite whatever the bytes say.
//
// Input: a 12-byte header that populates the SendHistory and drives the clock
//   [0..1] first transport sequence number   [2..3] packets sent (mod 4096)
//   [4..5] send interval us                  [6..7] packet size
//   [8]    probe cluster every n-th packet (0 = none)  [9] feedback spacing (ms)
//   [10]   RTT (ms, 0 = none)                [11] Tick every n-th message (0 = never)
// followed by an RTCP compound packet; every transport-cc feedback in it is one message.
// Seeds: tests/fuzz/corpus/bwe/.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/bwe/bandwidth_estimator.h"
#include "media/bwe/send_history.h"
#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/transport_feedback.h"
#include "fuzz_check.h"

namespace {

using namespace tr::media;

constexpr BandwidthEstimator::Options kOptions{
    .initial_bps = 1'000'000, .min_bps = 50'000, .max_bps = 30'000'000};

void CheckSane(const BandwidthEstimator& bwe) {
  const auto s = bwe.stats();
  FUZZ_CHECK(s.estimate_bps >= kOptions.min_bps && s.estimate_bps <= kOptions.max_bps);
  FUZZ_CHECK(s.estimate_bps == bwe.EstimateBps());
  FUZZ_CHECK(s.delay_based_bps >= kOptions.min_bps && s.delay_based_bps <= kOptions.max_bps);
  FUZZ_CHECK(s.loss_based_bps >= kOptions.min_bps && s.loss_based_bps <= kOptions.max_bps);
  FUZZ_CHECK(s.acked_bps >= 0);
  FUZZ_CHECK(std::isfinite(s.trend) && std::isfinite(s.loss_fraction));
  FUZZ_CHECK(s.loss_fraction >= 0 && s.loss_fraction <= 1);
  FUZZ_CHECK(s.delay_state != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  constexpr std::size_t kHeader = 12;
  if (size < kHeader) {
    return 0;
  }
  const uint16_t first_seq = ReadU16(data);
  const uint32_t sent = ReadU16(data + 2) % 4096;
  const int64_t interval_us = ReadU16(data + 4);
  const uint32_t packet_size = ReadU16(data + 6);
  const uint8_t probe_every = data[8];
  const int64_t spacing_us = int64_t{data[9]} * 1000;
  const int64_t rtt_us = int64_t{data[10]} * 1000;
  const uint8_t tick_every = data[11];

  static SendHistory* history = new SendHistory();  // big: reuse, reset by overwriting
  *history = SendHistory();
  int64_t now_us = 1'000'000;
  for (uint32_t i = 0; i < sent; ++i) {
    const int32_t cluster =
        probe_every != 0 && i % probe_every == 0 ? static_cast<int32_t>(i / 64) : -1;
    history->OnPacketSent(static_cast<uint16_t>(first_seq + i), packet_size + i % 7, now_us,
                          cluster);
    now_us += interval_us;
  }

  BandwidthEstimator bwe(kOptions);
  if (rtt_us > 0) {
    bwe.OnRtt(rtt_us);
  }
  static std::vector<PacketFeedback>* packets = [] {
    auto* v = new std::vector<PacketFeedback>();
    v->reserve(65536);
    return v;
  }();

  const std::span<const uint8_t> rtcp(data + kHeader, size - kHeader);
  RtcpCompoundIterator it(rtcp);
  RtcpPacket packet;
  uint32_t messages = 0;
  while (it.Next(&packet)) {
    const auto fb = TransportFeedback::Parse(packet);
    if (!fb) {
      continue;
    }
    packets->clear();
    fb->ForEachPacket([&](const TwccPacketStatus& s) {
      const SendHistory::Entry* e = history->Find(s.sequence_number);
      if (e == nullptr) {
        return;  // not ours (or long gone): the router skips it too
      }
      packets->push_back(
          {e->send_time_us, s.received ? s.receive_time_us : -1, e->size, e->probe_cluster});
    });
    now_us += spacing_us;
    bwe.OnFeedback(*packets, now_us);
    CheckSane(bwe);
    ++messages;
    if (tick_every != 0 && messages % tick_every == 0) {
      bwe.Tick(now_us + 1'500'000);  // long silence: the timeout path
      CheckSane(bwe);
    }
  }
  bwe.Tick(now_us + 5'000'000);
  CheckSane(bwe);
  return 0;
}
