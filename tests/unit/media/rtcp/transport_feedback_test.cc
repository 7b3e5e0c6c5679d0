#include "media/rtcp/transport_feedback.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "../common/alloc_counter.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;
using Result = TransportFeedback::PacketResult;
constexpr int64_t kLost = TransportFeedback::kNotReceived;

std::optional<TransportFeedback> ParseFb(std::span<const uint8_t> b) {
  const auto p = RtcpPacket::Parse(b);
  if (!p || p->Size() != b.size()) {
    return std::nullopt;
  }
  return TransportFeedback::Parse(*p);
}

std::vector<TwccPacketStatus> All(const TransportFeedback& fb) {
  std::vector<TwccPacketStatus> v;
  fb.ForEachPacket([&](const TwccPacketStatus& s) { v.push_back(s); });
  return v;
}

// Example 1: two two-bit status vectors. Statuses for 1000..1009:
// R R R R R R - L R -   (R small delta, L large delta, - not received)
const Bytes kTwoBitVectors = {
    0x8f, 0xcd, 0x00, 0x08,  // FMT 15, PT 205, 36 bytes
    0x00, 0x00, 0x00, 0x01,  // sender SSRC
    0x00, 0x00, 0x00, 0x02,  // media SSRC
    0x03, 0xe8, 0x00, 0x0a,  // base 1000, count 10
    0x00, 0x01, 0x23, 0x05,  // reference time 0x123 (x 64 ms), feedback count 5
    0xd5, 0x54,              // 2-bit vector: 1 1 1 1 1 1 0
    0xe4, 0x00,              // 2-bit vector: 2 1 0 (+ unused)
    0x04, 0x08, 0x00, 0xff, 0x01, 0x02,  // six small deltas
    0xff, 0xfc,              // large delta -4 ticks (-1 ms)
    0x10,                    // small delta 16 ticks (4 ms)
    0x00, 0x00, 0x00,        // zero padding
};
constexpr int64_t kRef1Us = 0x123 * 64'000;
const std::vector<Result> kExample1Input = {
    {1000, kRef1Us + 1000},  {1001, kRef1Us + 3000},  {1002, kRef1Us + 3000},
    {1003, kRef1Us + 66750}, {1004, kRef1Us + 67000}, {1005, kRef1Us + 67500},
    {1006, kLost},           {1007, kRef1Us + 66500}, {1008, kRef1Us + 70500},
    {1009, kLost},
};

// Example 2: a one-bit status vector then a run length chunk, across the sequence wrap.
// 65530..65535, 0..13:  R R - R R R R - - R R R R R | R R R R R R
const Bytes kOneBitAndRun = {
    0x8f, 0xcd, 0x00, 0x0a,  // 44 bytes
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
    0xff, 0xfa, 0x00, 0x14,  // base 65530, count 20
    0x00, 0x00, 0x10, 0x00,  // reference 16 (1.024 s), feedback count 0
    0xb7, 0x9f,              // 1-bit vector 1 1 0 1 1 1 1 0 0 1 1 1 1 1
    0x20, 0x06,              // run of 6 x "small delta"
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,  // 17 deltas of 5 ms
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x00, 0x00, 0x00,
};

TEST(TransportFeedbackTest, ParsesTwoBitVectors) {
  const auto fb = ParseFb(kTwoBitVectors);
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->SenderSsrc(), 1u);
  EXPECT_EQ(fb->MediaSsrc(), 2u);
  EXPECT_EQ(fb->BaseSequenceNumber(), 1000);
  EXPECT_EQ(fb->PacketStatusCount(), 10);
  EXPECT_EQ(fb->ReferenceTime(), 0x123u);
  EXPECT_EQ(fb->ReferenceTimeUs(), kRef1Us);
  EXPECT_EQ(fb->FeedbackPacketCount(), 5);
  EXPECT_EQ(fb->ReceivedCount(), 8u);
  const auto all = All(*fb);
  ASSERT_EQ(all.size(), 10u);
  const int32_t ticks[] = {4, 8, 0, 255, 1, 2, 0, -4, 16, 0};
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence_number, 1000 + i);
    EXPECT_EQ(all[i].received, kExample1Input[i].arrival_time_us >= 0) << i;
    EXPECT_EQ(all[i].delta_ticks, ticks[i]) << i;
    if (all[i].received) {
      EXPECT_EQ(all[i].receive_time_us, kExample1Input[i].arrival_time_us) << i;
    }
  }
}

TEST(TransportFeedbackTest, ParsesOneBitVectorAndRunAcrossWrap) {
  const auto fb = ParseFb(kOneBitAndRun);
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->ReceivedCount(), 17u);
  const auto all = All(*fb);
  ASSERT_EQ(all.size(), 20u);
  const bool received[] = {1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  int64_t t = 16 * 64'000;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence_number, static_cast<uint16_t>(65530 + i));
    EXPECT_EQ(all[i].received, received[i]) << i;
    if (received[i]) {
      t += 5000;
      EXPECT_EQ(all[i].receive_time_us, t) << i;
    }
  }
}

TEST(TransportFeedbackTest, BuilderReproducesHandWrittenPackets) {
  Bytes out(128, 0xEE);
  std::size_t encoded = 0;
  std::size_t n = TransportFeedback::Build(out, 1, 2, 5, kExample1Input, &encoded);
  ASSERT_EQ(n, kTwoBitVectors.size());
  EXPECT_EQ(encoded, kExample1Input.size());
  EXPECT_TRUE(std::equal(kTwoBitVectors.begin(), kTwoBitVectors.end(), out.begin()));
  EXPECT_EQ(out[n], 0xEE);

  std::vector<Result> in;
  const bool received[] = {1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  int64_t t = 16 * 64'000 + 100;  // not on a tick boundary: floors to the same ticks
  for (int i = 0; i < 20; ++i) {
    Result r{static_cast<uint16_t>(65530 + i), kLost};
    if (received[i]) {
      t += 5000;
      r.arrival_time_us = t;
    }
    in.push_back(r);
  }
  n = TransportFeedback::Build(out, 1, 2, 0, in);
  ASSERT_EQ(n, kOneBitAndRun.size());
  EXPECT_TRUE(std::equal(kOneBitAndRun.begin(), kOneBitAndRun.end(), out.begin()));
}

TEST(TransportFeedbackTest, AcceptsRtcpPaddingLikeLibwebrtc) {
  // libwebrtc pads with the P bit instead of zero bytes: same packet, last byte = 3.
  Bytes b = kTwoBitVectors;
  b[0] = 0xaf;
  b.back() = 3;
  const auto fb = ParseFb(b);
  ASSERT_TRUE(fb);
  EXPECT_EQ(All(*fb).size(), 10u);
}

TEST(TransportFeedbackTest, MalformedIsRejected) {
  {
    Bytes b = kTwoBitVectors;
    b[14] = 0;  // status count 0
    b[15] = 0;
    EXPECT_FALSE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b.resize(24);  // cut right after the two chunks
    b[3] = 0x05;
    EXPECT_FALSE(ParseFb(b));  // deltas missing
    b[15] = 15;  // 15 statuses: a third chunk is needed and missing
    EXPECT_FALSE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b[22] = 0xf4;  // 2-bit vector with reserved symbol 3 in use
    EXPECT_FALSE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b[22] = 0xe6;  // reserved symbol only in an unused slot: fine
    EXPECT_TRUE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b[20] = 0x60;  // run length chunk with reserved symbol
    b[21] = 0x0a;
    EXPECT_FALSE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b[23] = 0x00;
    b[22] = 0xe8;  // 2 2 0: one more delta byte than present after the 6 small ones...
    b[3] = 0x07;   // ...and the packet cut before the last deltas
    b.resize(32);
    EXPECT_FALSE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b.insert(b.end(), {0, 0, 0, 0});  // 7 trailing bytes after the deltas
    b[3] = 0x09;
    EXPECT_FALSE(ParseFb(b));
  }
  {
    Bytes b = kTwoBitVectors;
    b[0] = 0x81;  // FMT 1 (NACK)
    EXPECT_FALSE(ParseFb(b));
  }
  {
    const Bytes b(kTwoBitVectors.begin(), kTwoBitVectors.begin() + 16);
    Bytes c = b;
    c[3] = 0x03;
    EXPECT_FALSE(ParseFb(c));  // fixed fields incomplete
  }
}

TEST(TransportFeedbackTest, BuilderEdgeCases) {
  Bytes out(256);
  std::size_t encoded = 99;
  // Nothing received: no reference time to report.
  const std::vector<Result> all_lost = {{1, kLost}, {2, kLost}};
  EXPECT_EQ(TransportFeedback::Build(out, 1, 2, 0, all_lost, &encoded), 0u);
  EXPECT_EQ(encoded, 0u);
  EXPECT_EQ(TransportFeedback::Build(out, 1, 2, 0, {}), 0u);

  // Gaps in the input are reported as not received (run length of zeros).
  const std::vector<Result> gap = {{10, 64'000}, {5000, 70'000}};
  std::size_t n = TransportFeedback::Build(out, 1, 2, 0, gap);
  ASSERT_GT(n, 0u);
  auto fb = ParseFb(std::span<const uint8_t>(out).first(n));
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->PacketStatusCount(), 4991);
  EXPECT_EQ(fb->ReceivedCount(), 2u);
  // Chunks: a one-bit vector (1 + 13 zeros), a run of the other 4976 zeros, a run of one
  // "small"; deltas 0 and 24 ticks.
  EXPECT_EQ(n, 20u + 6 + 2);

  // A delta beyond the 16-bit range stops the encoding there.
  const std::vector<Result> far = {{1, 0}, {2, 1000}, {3, 9'000'000}};
  EXPECT_EQ(TransportFeedback::Build(out, 1, 2, 0, far), 0u);
  n = TransportFeedback::Build(out, 1, 2, 0, far, &encoded);
  EXPECT_EQ(encoded, 2u);
  fb = ParseFb(std::span<const uint8_t>(out).first(n));
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->PacketStatusCount(), 2);

  // Not ascending stops too.
  const std::vector<Result> back = {{5, 0}, {6, 250}, {6, 500}};
  n = TransportFeedback::Build(out, 1, 2, 0, back, &encoded);
  EXPECT_EQ(encoded, 2u);

  // Lost packets before the first received one.
  const std::vector<Result> lost_first = {{7, kLost}, {8, kLost}, {9, 128'500}};
  n = TransportFeedback::Build(out, 1, 2, 0, lost_first);
  fb = ParseFb(std::span<const uint8_t>(out).first(n));
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->BaseSequenceNumber(), 7);
  EXPECT_EQ(fb->ReferenceTime(), 2u);
  const auto v = All(*fb);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_FALSE(v[0].received);
  EXPECT_EQ(v[2].receive_time_us, 128'500);
}

TEST(TransportFeedbackTest, SplitsWhenTheBufferIsFull) {
  std::vector<Result> in;
  for (int i = 0; i < 1000; ++i) {
    // Alternating received/lost defeats run-length encoding.
    in.push_back({static_cast<uint16_t>(i), i % 2 == 0 ? int64_t{1'000'000} + i * 1000 : kLost});
  }
  Bytes out(200);
  EXPECT_EQ(TransportFeedback::Build(out, 1, 2, 0, in), 0u);
  std::size_t encoded = 0;
  const std::size_t n = TransportFeedback::Build(out, 1, 2, 0, in, &encoded);
  ASSERT_GT(n, 0u);
  EXPECT_LE(n, out.size());
  EXPECT_GT(encoded, 100u);
  EXPECT_LT(encoded, 1000u);
  const auto fb = ParseFb(std::span<const uint8_t>(out).first(n));
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->PacketStatusCount(), encoded);
  // The rest goes into the next packet, starting where this one stopped.
  std::size_t encoded2 = 0;
  Bytes out2(2000);
  ASSERT_GT(TransportFeedback::Build(out2, 1, 2, 1, std::span<const Result>(in).subspan(encoded),
                                     &encoded2),
            0u);
  EXPECT_EQ(encoded + encoded2, in.size());
}

TEST(TransportFeedbackTest, RandomRoundTrips) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 500; ++iter) {
    std::vector<Result> in;
    uint16_t seq = static_cast<uint16_t>(rng());
    int64_t t = static_cast<int64_t>(rng() % 100'000'000);
    const int count = 1 + static_cast<int>(rng() % 300);
    const int loss_pct = static_cast<int>(rng() % 60);
    for (int i = 0; i < count; ++i) {
      seq = static_cast<uint16_t>(seq + 1 + (rng() % 10 == 0 ? rng() % 5 : 0));
      // Mostly small positive steps, some reordering and some long pauses.
      const uint32_t kind = rng() % 20;
      t += kind == 0 ? -static_cast<int64_t>(rng() % 20'000)
                     : (kind == 1 ? static_cast<int64_t>(rng() % 2'000'000)
                                  : static_cast<int64_t>(rng() % 30'000));
      const bool lost = static_cast<int>(rng() % 100) < loss_pct || t < 0;
      in.push_back({seq, lost ? kLost : t});
    }
    Bytes out(1500);
    std::size_t encoded = 0;
    const std::size_t n = TransportFeedback::Build(out, 3, 4, static_cast<uint8_t>(iter), in, &encoded);
    if (n == 0) {
      continue;  // nothing received
    }
    ASSERT_EQ(n % 4, 0u);
    const auto fb = ParseFb(std::span<const uint8_t>(out).first(n));
    ASSERT_TRUE(fb) << "iteration " << iter;
    EXPECT_EQ(fb->FeedbackPacketCount(), static_cast<uint8_t>(iter));
    const int64_t ref_us = fb->ReferenceTimeUs();
    // Expected statuses: the encoded inputs plus "not received" for the gaps between them.
    std::vector<Result> expected;
    for (std::size_t i = 0; i < encoded; ++i) {
      if (i > 0) {
        for (uint16_t s = static_cast<uint16_t>(in[i - 1].sequence_number + 1);
             s != in[i].sequence_number; ++s) {
          expected.push_back({s, kLost});
        }
      }
      expected.push_back(in[i]);
    }
    const auto got = All(*fb);
    ASSERT_EQ(got.size(), expected.size()) << iter;
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].sequence_number, expected[i].sequence_number) << iter;
      ASSERT_EQ(got[i].received, expected[i].arrival_time_us >= 0) << iter << " " << i;
      if (got[i].received) {
        // receive time = arrival floored to 250 us ticks from the reference.
        const int64_t a = expected[i].arrival_time_us;
        EXPECT_LE(got[i].receive_time_us, a);
        EXPECT_GT(got[i].receive_time_us, a - 250);
        EXPECT_EQ((got[i].receive_time_us - ref_us) % 250, 0);
      }
    }
  }
}

TEST(TransportFeedbackTest, BuildAndParseDoNotAllocate) {
  std::vector<Result> in;
  for (int i = 0; i < 100; ++i) {
    in.push_back({static_cast<uint16_t>(i), i % 10 == 3 ? kLost : int64_t{5'000'000} + i * 800});
  }
  Bytes out(1500);
  test::AllocationScope scope;
  for (int r = 0; r < 5; ++r) {
    const std::size_t n = TransportFeedback::Build(out, 1, 2, 0, in);
    ASSERT_GT(n, 0u);
    const auto fb = ParseFb(std::span<const uint8_t>(out).first(n));
    ASSERT_TRUE(fb);
    std::size_t received = 0;
    fb->ForEachPacket([&](const TwccPacketStatus& s) { received += s.received; });
    ASSERT_EQ(received, 90u);
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
