#include "media/router/transport_cc_feedback.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "../common/alloc_counter.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {
namespace {

struct Report {
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  uint16_t base = 0;
  uint16_t count = 0;
  uint8_t feedback_count = 0;
  int64_t reference_us = 0;
  std::vector<TwccPacketStatus> statuses;
};

class Collector : public TransportCcFeedbackGenerator::Listener {
 public:
  void OnTransportCcFeedback(TransportCcFeedbackGenerator* /*g*/,
                             std::span<const uint8_t> packet) override {
    ++packets;
    if (count_only) {
      return;
    }
    const auto p = RtcpPacket::Parse(packet);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->Size(), packet.size());
    const auto fb = TransportFeedback::Parse(*p);
    ASSERT_TRUE(fb) << "feedback does not parse";
    Report r;
    r.sender_ssrc = fb->SenderSsrc();
    r.media_ssrc = fb->MediaSsrc();
    r.base = fb->BaseSequenceNumber();
    r.count = fb->PacketStatusCount();
    r.feedback_count = fb->FeedbackPacketCount();
    r.reference_us = fb->ReferenceTimeUs();
    fb->ForEachPacket([&](const TwccPacketStatus& s) { r.statuses.push_back(s); });
    reports.push_back(std::move(r));
  }

  // seq -> received?, over all reports (a later report must not mention a seq again).
  std::map<uint16_t, bool> Statuses() const {
    std::map<uint16_t, bool> out;
    for (const auto& r : reports) {
      for (const auto& s : r.statuses) {
        EXPECT_EQ(out.count(s.sequence_number), 0u) << "seq reported twice: " << s.sequence_number;
        out[s.sequence_number] = s.received;
      }
    }
    return out;
  }

  bool count_only = false;
  int packets = 0;
  std::vector<Report> reports;
};

constexpr uint32_t kSenderSsrc = 0xAABBCCDD;
constexpr int64_t kT0 = 5'000'000'000;  // µs, an arbitrary monotonic origin

TEST(TransportCcFeedbackGenerator, InOrderPacketsAreReportedWithArrivalDeltas) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  EXPECT_FALSE(g.HasPending());
  g.SendFeedback();
  EXPECT_EQ(c.packets, 0);  // nothing to report
  for (int i = 0; i < 10; ++i) {
    g.OnPacket(static_cast<uint16_t>(100 + i), kT0 + i * 5'000, 1234);
  }
  EXPECT_TRUE(g.HasPending());
  g.SendFeedback();
  ASSERT_EQ(c.reports.size(), 1u);
  const Report& r = c.reports[0];
  EXPECT_EQ(r.sender_ssrc, kSenderSsrc);
  EXPECT_EQ(r.media_ssrc, 1234u);
  EXPECT_EQ(r.base, 100);
  EXPECT_EQ(r.count, 10);
  EXPECT_EQ(r.feedback_count, 0);
  ASSERT_EQ(r.statuses.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(r.statuses[static_cast<std::size_t>(i)].received);
    EXPECT_EQ(r.statuses[static_cast<std::size_t>(i)].sequence_number, 100 + i);
  }
  // Receive times: reference time (64 ms floor, mod 2^24) + deltas reproduce the arrivals
  // to the 250 µs tick.
  const int64_t ref_us = (kT0 / 64'000) % (int64_t{1} << 24) * 64'000;
  const int64_t offset = kT0 - (kT0 / 64'000) * 64'000;
  for (int i = 0; i < 10; ++i) {
    const int64_t want = ref_us + offset + i * 5'000;
    EXPECT_NEAR(r.statuses[static_cast<std::size_t>(i)].receive_time_us, want, 250);
  }
  // Nothing new: no packet; then the next one continues the count.
  g.SendFeedback();
  EXPECT_EQ(c.packets, 1);
  g.OnPacket(110, kT0 + 60'000, 1234);
  g.SendFeedback();
  ASSERT_EQ(c.reports.size(), 2u);
  EXPECT_EQ(c.reports[1].base, 110);
  EXPECT_EQ(c.reports[1].count, 1);
  EXPECT_EQ(c.reports[1].feedback_count, 1);
}

TEST(TransportCcFeedbackGenerator, LossesAreReportedAsNotReceived) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  // 1..20 with 5, 6, 7 and 15 lost.
  for (int s = 1; s <= 20; ++s) {
    if ((s >= 5 && s <= 7) || s == 15) continue;
    g.OnPacket(static_cast<uint16_t>(s), kT0 + s * 1'000, 1);
  }
  g.SendFeedback();
  // 21 lost, 22..23 received: the next report starts right after the previous one.
  g.OnPacket(22, kT0 + 30'000, 1);
  g.OnPacket(23, kT0 + 31'000, 1);
  g.SendFeedback();
  const auto st = c.Statuses();
  ASSERT_EQ(st.size(), 23u);
  for (int s = 1; s <= 23; ++s) {
    const bool lost = (s >= 5 && s <= 7) || s == 15 || s == 21;
    EXPECT_EQ(st.at(static_cast<uint16_t>(s)), !lost) << s;
  }
  EXPECT_EQ(c.reports[1].base, 21);
}

TEST(TransportCcFeedbackGenerator, SequenceWrapIsContinuous) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  for (int i = 0; i < 20; ++i) {
    if (i == 12) continue;  // 65536 + 2 = seq 2 lost, after the wrap
    g.OnPacket(static_cast<uint16_t>(65526 + i), kT0 + i * 2'000, 1);
  }
  g.SendFeedback();
  ASSERT_EQ(c.reports.size(), 1u);
  EXPECT_EQ(c.reports[0].base, 65526);
  EXPECT_EQ(c.reports[0].count, 20);
  const auto st = c.Statuses();
  EXPECT_FALSE(st.at(2));
  EXPECT_TRUE(st.at(65535));
  EXPECT_TRUE(st.at(0));
  EXPECT_TRUE(st.at(9));
}

TEST(TransportCcFeedbackGenerator, ReorderingDuplicatesAndLatePackets) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  g.OnPacket(10, kT0, 1);
  g.OnPacket(12, kT0 + 1'000, 1);
  g.OnPacket(11, kT0 + 2'000, 1);  // reordered, before the report: received
  g.OnPacket(12, kT0 + 3'000, 1);  // duplicate: the first arrival stays
  g.OnPacket(14, kT0 + 4'000, 1);
  g.SendFeedback();
  g.OnPacket(13, kT0 + 5'000, 1);  // after its report (as lost): ignored
  g.OnPacket(15, kT0 + 6'000, 1);
  g.SendFeedback();
  EXPECT_EQ(g.stats().duplicates, 1u);
  EXPECT_EQ(g.stats().late, 1u);
  const auto st = c.Statuses();
  EXPECT_TRUE(st.at(10));
  EXPECT_TRUE(st.at(11));
  EXPECT_TRUE(st.at(12));
  EXPECT_FALSE(st.at(13));
  EXPECT_TRUE(st.at(14));
  EXPECT_TRUE(st.at(15));
  // 11 arrived after 12: a negative delta, decoded back to its arrival time.
  const auto& s = c.reports[0].statuses;
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[1].sequence_number, 11);
  EXPECT_EQ(s[1].receive_time_us - s[0].receive_time_us, 2'000);
  EXPECT_EQ(s[2].receive_time_us - s[0].receive_time_us, 1'000);  // first arrival of 12
  EXPECT_EQ(c.reports[1].base, 15);
}

TEST(TransportCcFeedbackGenerator, HalfFullWindowSendsAtOnce) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  const int half = static_cast<int>(TransportCcFeedbackGenerator::kWindow / 2);
  for (int i = 0; i < half - 1; ++i) {
    g.OnPacket(static_cast<uint16_t>(i), kT0 + i * 100, 1);
  }
  EXPECT_EQ(c.packets, 0);
  g.OnPacket(static_cast<uint16_t>(half - 1), kT0 + half * 100, 1);
  EXPECT_GE(c.packets, 1);
  EXPECT_FALSE(g.HasPending());
  const auto st = c.Statuses();
  EXPECT_EQ(st.size(), static_cast<std::size_t>(half));
}

TEST(TransportCcFeedbackGenerator, JumpBeyondTheWindowReportsPendingAndRestarts) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  g.OnPacket(100, kT0, 1);
  g.OnPacket(101, kT0 + 1'000, 1);
  g.OnPacket(5000, kT0 + 2'000, 1);
  g.SendFeedback();
  ASSERT_EQ(c.reports.size(), 2u);
  EXPECT_EQ(c.reports[0].base, 100);
  EXPECT_EQ(c.reports[0].count, 2);
  EXPECT_EQ(c.reports[1].base, 5000);
  EXPECT_EQ(c.reports[1].count, 1);
  EXPECT_EQ(g.stats().resets, 1u);
}

TEST(TransportCcFeedbackGenerator, LongGapInTimeSplitsIntoSeveralPackets) {
  Collector c;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  g.OnPacket(1, kT0, 1);
  g.OnPacket(2, kT0 + 10'000'000, 1);  // 10 s later: beyond a 16-bit delta
  g.SendFeedback();
  ASSERT_EQ(c.reports.size(), 2u);
  EXPECT_EQ(c.reports[0].base, 1);
  EXPECT_EQ(c.reports[1].base, 2);
  EXPECT_EQ(c.reports[1].feedback_count, static_cast<uint8_t>(c.reports[0].feedback_count + 1));
}

TEST(TransportCcFeedbackGenerator, RecordingAndReportingDoNotAllocate) {
  Collector c;
  c.count_only = true;
  TransportCcFeedbackGenerator g(&c, kSenderSsrc);
  test::AllocationScope scope;
  uint16_t seq = 65000;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 30; ++i) {
      if (i % 7 != 3) {
        g.OnPacket(seq, kT0 + round * 50'000 + i * 300, 1);
      }
      ++seq;
    }
    g.SendFeedback();
  }
  EXPECT_EQ(scope.Count(), 0u);
  EXPECT_EQ(c.packets, 200);
}

}  // namespace
}  // namespace tr::media
