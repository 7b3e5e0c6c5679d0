#include "media/rtp/codecs/vp8_temporal_filter.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "../common/alloc_counter.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/rtp_packet.h"
#include "rtp_captures.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;
using Decision = Vp8TemporalFilter::Decision;

// One VP8 packet's descriptor fields, written independently of the parser under test.
struct Vp8Spec {
  uint16_t picture_id = 0;
  bool picture_id_15bit = true;
  bool has_picture_id = true;
  std::optional<uint8_t> tl0_pic_idx = 0;
  std::optional<uint8_t> tid = 0;
  bool layer_sync = false;
  bool non_reference = false;
  bool start = true;  // first packet of the frame (S=1, PID=0)
  bool key = false;
};

Bytes BuildVp8(const Vp8Spec& s) {
  Bytes b;
  const bool x = s.has_picture_id || s.tl0_pic_idx || s.tid;
  b.push_back(static_cast<uint8_t>((x ? 0x80 : 0) | (s.non_reference ? 0x20 : 0) |
                                   (s.start ? 0x10 : 0)));
  if (x) {
    b.push_back(static_cast<uint8_t>((s.has_picture_id ? 0x80 : 0) | (s.tl0_pic_idx ? 0x40 : 0) |
                                     (s.tid ? 0x20 : 0)));
  }
  if (s.has_picture_id) {
    if (s.picture_id_15bit) {
      b.push_back(static_cast<uint8_t>(0x80 | (s.picture_id >> 8)));
      b.push_back(static_cast<uint8_t>(s.picture_id));
    } else {
      b.push_back(static_cast<uint8_t>(s.picture_id & 0x7F));
    }
  }
  if (s.tl0_pic_idx) {
    b.push_back(*s.tl0_pic_idx);
  }
  if (s.tid) {
    b.push_back(static_cast<uint8_t>((*s.tid << 6) | (s.layer_sync ? 0x20 : 0)));
  }
  if (s.start && s.key) {  // frame tag P=0, start code, 320x240
    b.insert(b.end(), {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00});
  } else if (s.start) {  // frame tag P=1
    b.insert(b.end(), {0x31, 0x05, 0x00, 0x11, 0x22});
  } else {
    b.insert(b.end(), {0x5a, 0x5b, 0x5c});
  }
  return b;
}

// An L1T3 encoder as Chrome runs it: TID 0,2,1,2 repeating; Y on the first TL2 and TL1 after
// each TL0; the second TL2 of a group references nothing after it (N).
class L1T3Source {
 public:
  L1T3Source(uint16_t first_picture_id, uint8_t first_tl0, bool picture_id_15bit = true)
      : picture_id_(first_picture_id), tl0_(first_tl0), picture_id_15bit_(picture_id_15bit) {}

  // Spec of frame `index` (0 = key frame), packet `packet` of it.
  Vp8Spec Frame(int index, int packet = 0) const {
    static constexpr uint8_t kTid[] = {0, 2, 1, 2};
    const int pos = index % 4;
    Vp8Spec s;
    const int mask = picture_id_15bit_ ? 0x7FFF : 0x7F;
    s.picture_id = static_cast<uint16_t>((picture_id_ + index) & mask);
    s.picture_id_15bit = picture_id_15bit_;
    s.tl0_pic_idx = static_cast<uint8_t>(tl0_ + index / 4);
    s.tid = kTid[pos];
    s.layer_sync = pos == 1 || pos == 2 || index == 0;
    s.non_reference = pos == 3;
    s.start = packet == 0;
    s.key = index == 0 && packet == 0;
    return s;
  }
  static uint32_t Timestamp(int index) { return 90000u + 3000u * static_cast<uint32_t>(index); }
  static int Tid(int index) { return (index % 4 == 0) ? 0 : (index % 4 == 2 ? 1 : 2); }

 private:
  uint16_t picture_id_;
  uint8_t tl0_;
  bool picture_id_15bit_;
};

struct Result {
  Decision decision = Decision::kDrop;
  Vp8PayloadDescriptor out;  // parsed after Process
  Bytes bytes;
};

Result Feed(Vp8TemporalFilter& f, const Vp8Spec& s, uint32_t ts, int target) {
  Result r{Decision::kDrop, {}, BuildVp8(s)};
  const std::size_t size = r.bytes.size();
  r.decision = f.Process(r.bytes, ts, target, s.key);
  EXPECT_EQ(r.bytes.size(), size);
  const auto d = Vp8PayloadDescriptor::Parse(r.bytes);
  EXPECT_TRUE(d);
  if (d) {
    r.out = *d;
  }
  return r;
}

Result FeedFrame(Vp8TemporalFilter& f, const L1T3Source& src, int index, int target,
                int packet = 0) {
  return Feed(f, src.Frame(index, packet), L1T3Source::Timestamp(index), target);
}

// ---- In-place descriptor rewrites (vp8.h) ----

TEST(Vp8RewriteTest, PictureIdKeepsItsForm) {
  Bytes b = BuildVp8({.picture_id = 0x1234, .tl0_pic_idx = 9, .tid = 2, .layer_sync = true});
  const Bytes original = b;
  auto d = Vp8PayloadDescriptor::Parse(b);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->SetPictureId(b, 0x7ABC));
  EXPECT_EQ(d->picture_id, 0x7ABC);
  ASSERT_TRUE(d->SetTl0PicIdx(b, 0xFE));
  auto again = Vp8PayloadDescriptor::Parse(b);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->picture_id_15bit);
  EXPECT_EQ(again->picture_id, 0x7ABC);
  EXPECT_EQ(again->tl0_pic_idx, 0xFE);
  EXPECT_EQ(again->tid, 2);
  EXPECT_TRUE(again->layer_sync);
  EXPECT_EQ(again->size, d->size);
  // Only bytes 2, 3 (PictureID) and 4 (TL0PICIDX) changed.
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i < 2 || i > 4) {
      EXPECT_EQ(b[i], original[i]) << i;
    }
  }
  // 16-bit input: the top bit is not ours to write (it is M).
  ASSERT_TRUE(Vp8PayloadDescriptor::RewritePictureId(b, 0xFFFF));
  EXPECT_EQ(Vp8PayloadDescriptor::Parse(b)->picture_id, 0x7FFF);
  EXPECT_TRUE(Vp8PayloadDescriptor::Parse(b)->picture_id_15bit);
}

TEST(Vp8RewriteTest, SevenBitPictureIdWrapsToSevenBits) {
  Bytes b = BuildVp8({.picture_id = 5, .picture_id_15bit = false, .tl0_pic_idx = 3, .tid = 1});
  const std::size_t size = b.size();
  ASSERT_TRUE(Vp8PayloadDescriptor::RewritePictureId(b, 127));
  EXPECT_EQ(Vp8PayloadDescriptor::Parse(b)->picture_id, 127);
  ASSERT_TRUE(Vp8PayloadDescriptor::RewritePictureId(b, 200));  // 200 mod 128
  auto d = Vp8PayloadDescriptor::Parse(b);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 72);
  EXPECT_EQ(d->tl0_pic_idx, 3);  // the next field did not move
  EXPECT_EQ(d->tid, 1);
  EXPECT_EQ(d->size, 5u);
  EXPECT_EQ(b.size(), size);
  ASSERT_TRUE(Vp8PayloadDescriptor::RewriteTl0PicIdx(b, 4));
  EXPECT_EQ(Vp8PayloadDescriptor::Parse(b)->tl0_pic_idx, 4);
}

TEST(Vp8RewriteTest, AbsentFieldsAndShortBuffersAreRefused) {
  Bytes no_ids = BuildVp8({.has_picture_id = false, .tl0_pic_idx = std::nullopt, .tid = 0});
  const Bytes original = no_ids;
  EXPECT_FALSE(Vp8PayloadDescriptor::RewritePictureId(no_ids, 1));
  EXPECT_FALSE(Vp8PayloadDescriptor::RewriteTl0PicIdx(no_ids, 1));
  EXPECT_EQ(no_ids, original);
  // TL0PICIDX without PictureID sits right after the X byte.
  Bytes tl0_only = BuildVp8({.has_picture_id = false, .tl0_pic_idx = 7, .tid = std::nullopt});
  ASSERT_TRUE(Vp8PayloadDescriptor::RewriteTl0PicIdx(tl0_only, 8));
  EXPECT_EQ(tl0_only[2], 8);
  Bytes truncated = {0x90, 0x80};
  EXPECT_FALSE(Vp8PayloadDescriptor::RewritePictureId(truncated, 1));
  Bytes b = BuildVp8({.picture_id = 300});
  auto d = Vp8PayloadDescriptor::Parse(b);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->SetPictureId(std::span<uint8_t>(b).first(2), 1));
  EXPECT_EQ(Vp8PayloadDescriptor::Parse(b)->picture_id, 300);
}

TEST(Vp8RewriteTest, ChromePacketInPlace) {
  std::vector<uint8_t> buf(test::kChromeVp8DeltaTl2.begin(), test::kChromeVp8DeltaTl2.end());
  auto p = RtpPacket::Parse(buf);
  ASSERT_TRUE(p);
  ASSERT_TRUE(Vp8PayloadDescriptor::RewritePictureId(p->Payload(), 4000));
  ASSERT_TRUE(Vp8PayloadDescriptor::RewriteTl0PicIdx(p->Payload(), 77));
  auto again = RtpPacket::Parse(buf);
  ASSERT_TRUE(again);
  const auto d = Vp8PayloadDescriptor::Parse(again->Payload());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->picture_id, 4000);
  EXPECT_EQ(d->tl0_pic_idx, 77);
  EXPECT_EQ(d->tid, 2);
  EXPECT_EQ(again->PayloadSize(), p->PayloadSize());
}

// ---- Vp8TemporalFilter ----

TEST(Vp8TemporalFilterTest, Target2ForwardsEverythingUnchanged) {
  Vp8TemporalFilter f;
  EXPECT_EQ(f.current_tid(), -1);
  const L1T3Source src(1000, 20);
  for (int i = 0; i < 16; ++i) {
    const Bytes original = BuildVp8(src.Frame(i));
    const Result r = FeedFrame(f, src, i, 2);
    EXPECT_EQ(r.decision, Decision::kForward) << i;
    EXPECT_EQ(r.bytes, original) << i;  // first stream: offset 0
    EXPECT_EQ(f.current_tid(), 2);
  }
}

TEST(Vp8TemporalFilterTest, Target0ForwardsOnlyTl0WithConsecutiveIds) {
  Vp8TemporalFilter f;
  const L1T3Source src(500, 10);
  int forwarded = 0;
  for (int i = 0; i < 40; ++i) {
    const Result r = FeedFrame(f, src, i, 0);
    if (L1T3Source::Tid(i) == 0) {
      ASSERT_EQ(r.decision, Decision::kForward) << i;
      EXPECT_EQ(r.out.picture_id, 500 + forwarded) << i;
      EXPECT_EQ(r.out.tl0_pic_idx, 10 + forwarded) << i;  // one TL0 per group: unchanged
      // What the consumer remembers for retransmissions, without parsing again.
      ASSERT_TRUE(f.last_written().valid);
      EXPECT_EQ(f.last_written().picture_id, r.out.picture_id);
      EXPECT_EQ(f.last_written().tl0_pic_idx, r.out.tl0_pic_idx);
      ++forwarded;
    } else {
      EXPECT_EQ(r.decision, Decision::kDrop) << i;
      EXPECT_FALSE(f.last_written().valid);
      EXPECT_EQ(r.bytes, BuildVp8(src.Frame(i))) << "dropped packets stay untouched";
    }
    EXPECT_EQ(f.current_tid(), 0);
  }
  EXPECT_EQ(forwarded, 10);
}

TEST(Vp8TemporalFilterTest, Target1ForwardsTl0AndTl1) {
  Vp8TemporalFilter f;
  const L1T3Source src(7, 200);
  uint16_t next = 7;
  for (int i = 0; i < 40; ++i) {
    const Result r = FeedFrame(f, src, i, 1);
    if (L1T3Source::Tid(i) <= 1) {
      ASSERT_EQ(r.decision, Decision::kForward) << i;
      EXPECT_EQ(r.out.picture_id, next++) << i;
      EXPECT_EQ(r.out.tl0_pic_idx, static_cast<uint8_t>(200 + i / 4)) << i;  // wraps 255 -> 0
    } else {
      EXPECT_EQ(r.decision, Decision::kDrop) << i;
    }
  }
  EXPECT_EQ(f.current_tid(), 1);
}

TEST(Vp8TemporalFilterTest, SwitchingUpWaitsForLayerSync) {
  Vp8TemporalFilter f;
  const L1T3Source src(100, 0);
  for (int i = 0; i < 3; ++i) {
    FeedFrame(f, src, i, 0);  // key, TL2 (dropped), TL1 (dropped)
  }
  EXPECT_EQ(f.current_tid(), 0);
  // Target 2 from frame 3 on: frame 3 is a TL2 without Y, it may refer to frames we dropped.
  EXPECT_EQ(FeedFrame(f, src, 3, 2).decision, Decision::kDrop);
  EXPECT_EQ(f.current_tid(), 0);
  EXPECT_EQ(FeedFrame(f, src, 4, 2).decision, Decision::kForward);  // TL0
  const Result tl2_sync = FeedFrame(f, src, 5, 2);                 // TL2 Y: TL0 only
  EXPECT_EQ(tl2_sync.decision, Decision::kForward);
  EXPECT_EQ(f.current_tid(), 0) << "TL1 chain still missing";
  EXPECT_EQ(FeedFrame(f, src, 6, 2).decision, Decision::kForward);  // TL1 Y
  EXPECT_EQ(f.current_tid(), 2);
  const Result tl2 = FeedFrame(f, src, 7, 2);  // TL2 without Y: now decodable
  EXPECT_EQ(tl2.decision, Decision::kForward);
  // Output: key 100, TL0 101, then 102, 103, 104 with no holes.
  EXPECT_EQ(tl2_sync.out.picture_id, 102);
  EXPECT_EQ(tl2.out.picture_id, 104);
}

TEST(Vp8TemporalFilterTest, SwitchingUpWithoutLayerSyncWaitsForKeyFrame) {
  Vp8TemporalFilter f;
  const L1T3Source src(100, 0);
  auto no_sync = [&](int i) {
    Vp8Spec s = src.Frame(i);
    s.layer_sync = false;
    return s;
  };
  uint16_t next = 100;
  for (int i = 0; i < 4; ++i) {
    const Result r = Feed(f, no_sync(i), L1T3Source::Timestamp(i), 0);
    if (r.decision == Decision::kForward) {
      EXPECT_EQ(r.out.picture_id, next++);
    }
  }
  for (int i = 4; i < 12; ++i) {
    const Result r = Feed(f, no_sync(i), L1T3Source::Timestamp(i), 2);
    EXPECT_EQ(r.decision, L1T3Source::Tid(i) == 0 ? Decision::kForward : Decision::kDrop) << i;
    if (r.decision == Decision::kForward) {
      EXPECT_EQ(r.out.picture_id, next++);
    }
    EXPECT_EQ(f.current_tid(), 0);
  }
  Vp8Spec key = no_sync(12);
  key.key = true;
  Result r = Feed(f, key, L1T3Source::Timestamp(12), 2);
  EXPECT_EQ(r.decision, Decision::kForward);
  EXPECT_EQ(r.out.picture_id, next++);
  EXPECT_EQ(f.current_tid(), 2);
  for (int i = 13; i < 16; ++i) {
    r = Feed(f, no_sync(i), L1T3Source::Timestamp(i), 2);
    EXPECT_EQ(r.decision, Decision::kForward) << i;
    EXPECT_EQ(r.out.picture_id, next++);
  }
}

TEST(Vp8TemporalFilterTest, NonReferenceSyncFrameDoesNotRestartItsLayer) {
  Vp8TemporalFilter f;
  auto frame = [](uint16_t pid, uint8_t tid, bool y, bool n, bool key = false) {
    return Vp8Spec{.picture_id = pid, .tl0_pic_idx = 1, .tid = tid, .layer_sync = y,
                   .non_reference = n, .key = key};
  };
  EXPECT_EQ(Feed(f, frame(10, 0, true, false, true), 0, 1).decision, Decision::kForward);
  EXPECT_EQ(Feed(f, frame(11, 1, false, false), 100, 0).decision, Decision::kDrop);  // a reference
  // Back to 1: a TL1 frame with Y and N decodes, but nothing may build on it...
  EXPECT_EQ(Feed(f, frame(12, 1, true, true), 200, 1).decision, Decision::kForward);
  EXPECT_EQ(f.current_tid(), 0);
  // ...so the next TL1 frame without Y still lacks its reference (frame 11).
  EXPECT_EQ(Feed(f, frame(13, 1, false, false), 300, 1).decision, Decision::kDrop);
  const Result sync = Feed(f, frame(14, 1, true, false), 400, 1);
  EXPECT_EQ(sync.decision, Decision::kForward);
  EXPECT_EQ(sync.out.picture_id, 12);  // 10, (11), 11, (13), 12
  EXPECT_EQ(f.current_tid(), 1);
  EXPECT_EQ(Feed(f, frame(15, 1, false, false), 500, 1).decision, Decision::kForward);
}

TEST(Vp8TemporalFilterTest, FramesBeforeAnyKeyFrameFollowTheTarget) {
  // Nothing is decodable before a key frame, so there is no chain to protect yet: the first
  // frames go out by layer alone, with consecutive ids, and the key frame needs no special
  // treatment when it comes.
  Vp8TemporalFilter f;
  const L1T3Source src(600, 3);
  uint16_t next = 600 + 1;
  for (int i = 1; i < 12; ++i) {  // starts at a TL2 frame, no key frame
    const Result r = FeedFrame(f, src, i, 1);
    EXPECT_EQ(r.decision, L1T3Source::Tid(i) <= 1 ? Decision::kForward : Decision::kDrop) << i;
    if (r.decision == Decision::kForward) {
      EXPECT_EQ(r.out.picture_id, next++) << i;
    }
  }
  EXPECT_EQ(f.current_tid(), 1);
}

TEST(Vp8TemporalFilterTest, SwitchingDownTakesEffectAtTheNextFrame) {
  Vp8TemporalFilter f;
  const L1T3Source src(3000, 40);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(FeedFrame(f, src, i, 2).decision, Decision::kForward);
  }
  // Frame 5 (TL2) starts at target 2; the target drops to 0 in the middle of it.
  EXPECT_EQ(FeedFrame(f, src, 5, 2, 0).decision, Decision::kForward);
  const Result rest = FeedFrame(f, src, 5, 0, 1);
  EXPECT_EQ(rest.decision, Decision::kForward) << "one decision per frame";
  EXPECT_EQ(rest.out.picture_id, 3005);
  EXPECT_EQ(FeedFrame(f, src, 6, 0).decision, Decision::kDrop);  // TL1
  EXPECT_EQ(f.current_tid(), 0);
  EXPECT_EQ(FeedFrame(f, src, 7, 0).decision, Decision::kDrop);  // TL2
  const Result tl0 = FeedFrame(f, src, 8, 0);
  EXPECT_EQ(tl0.decision, Decision::kForward);
  EXPECT_EQ(tl0.out.picture_id, 3006);
  EXPECT_EQ(tl0.out.tl0_pic_idx, 42);
  // And back to 1: TL1 frames carry Y in this pattern, so frame 10 goes out at once.
  EXPECT_EQ(FeedFrame(f, src, 9, 1).decision, Decision::kDrop);
  const Result tl1 = FeedFrame(f, src, 10, 1);
  EXPECT_EQ(tl1.decision, Decision::kForward);
  EXPECT_EQ(tl1.out.picture_id, 3007);
  EXPECT_EQ(f.current_tid(), 1);
}

TEST(Vp8TemporalFilterTest, MultiPacketFramesGetOneDecision) {
  Vp8TemporalFilter f;
  const L1T3Source src(9000, 1);
  uint16_t next = 9000;
  for (int i = 0; i < 12; ++i) {
    const uint16_t expected = next;
    bool forwarded = false;
    for (int packet = 0; packet < 3; ++packet) {
      const Result r = FeedFrame(f, src, i, 1, packet);
      EXPECT_EQ(r.decision, L1T3Source::Tid(i) <= 1 ? Decision::kForward : Decision::kDrop)
          << i << "/" << packet;
      if (r.decision == Decision::kForward) {
        EXPECT_EQ(r.out.picture_id, expected);
        forwarded = true;
      }
    }
    next = static_cast<uint16_t>(next + (forwarded ? 1 : 0));
  }
  EXPECT_EQ(next, 9006);
}

TEST(Vp8TemporalFilterTest, RetransmissionGetsTheSamePictureId) {
  Vp8TemporalFilter f;
  const L1T3Source src(20000, 0);
  std::vector<Result> first;
  for (int i = 0; i < 30; ++i) {
    first.push_back(FeedFrame(f, src, i, 0, 1));
  }
  for (int i : {0, 4, 8, 12, 28, 1, 2, 3, 29}) {
    const Result again = FeedFrame(f, src, i, 0, 1);
    EXPECT_EQ(again.decision, first[static_cast<std::size_t>(i)].decision) << i;
    EXPECT_EQ(again.bytes, first[static_cast<std::size_t>(i)].bytes) << i;
  }
  // Even when the target changed since: the frame was decided already.
  const Result tl2 = FeedFrame(f, src, 29, 2, 1);
  EXPECT_EQ(tl2.decision, Decision::kDrop);
  // A frame older than the history is dropped.
  for (int i = 30; i < 30 + static_cast<int>(Vp8TemporalFilter::kHistory); ++i) {
    FeedFrame(f, src, i, 0);
  }
  EXPECT_EQ(FeedFrame(f, src, 8, 0, 1).decision, Decision::kDrop);
}

TEST(Vp8TemporalFilterTest, LateFramesTakeTheirReservedSlot) {
  Vp8TemporalFilter f;
  const L1T3Source src(400, 0);
  for (int i = 0; i < 4; ++i) {
    FeedFrame(f, src, i, 1);  // out: 400 (0), 401 (2)
  }
  // Frame 4 (TL0) is late: frames 5 (dropped), 6 (TL1), 8 (TL0) come first.
  EXPECT_EQ(FeedFrame(f, src, 5, 1).decision, Decision::kDrop);
  const Result tl1 = FeedFrame(f, src, 6, 1);
  EXPECT_EQ(tl1.out.picture_id, 403);
  EXPECT_EQ(FeedFrame(f, src, 7, 1).decision, Decision::kDrop);
  const Result tl0 = FeedFrame(f, src, 8, 1);
  EXPECT_EQ(tl0.out.picture_id, 404);
  const Result late = FeedFrame(f, src, 4, 1);
  EXPECT_EQ(late.decision, Decision::kForward);
  EXPECT_EQ(late.out.picture_id, 402);
  EXPECT_EQ(late.out.tl0_pic_idx, 1);
  // Its other packets and retransmissions agree.
  EXPECT_EQ(FeedFrame(f, src, 4, 1, 2).out.picture_id, 402);
  // A late frame above the forwarded layers is dropped (its slot stays a hole).
  Vp8TemporalFilter g;
  for (int i : {0, 2, 3, 4}) {
    FeedFrame(g, src, i, 0);
  }
  EXPECT_EQ(FeedFrame(g, src, 1, 0).decision, Decision::kDrop);
}

TEST(Vp8TemporalFilterTest, ResetContinuesNumberingAcrossStreams) {
  Vp8TemporalFilter f;
  const L1T3Source low(1000, 50);
  Result last;
  for (int i = 0; i < 10; ++i) {
    const Result r = FeedFrame(f, low, i, 2);
    if (r.decision == Decision::kForward) {
      last = r;
    }
  }
  EXPECT_EQ(last.out.picture_id, 1009);
  EXPECT_EQ(last.out.tl0_pic_idx, 52);
  // The consumer switches to the high stream at its key frame.
  f.Reset();
  EXPECT_EQ(f.current_tid(), -1);
  const L1T3Source high(20000, 200);
  uint16_t next = 1010;
  uint8_t next_tl0 = 53;
  for (int i = 0; i < 12; ++i) {
    const Result r = FeedFrame(f, high, i, 0);
    if (L1T3Source::Tid(i) == 0) {
      ASSERT_EQ(r.decision, Decision::kForward);
      EXPECT_EQ(r.out.picture_id, next++) << i;
      EXPECT_EQ(r.out.tl0_pic_idx, next_tl0++) << i;
    }
  }
  // And back, with a stream whose first frame is dropped (TL2 at target 0, mid-group).
  f.Reset();
  const L1T3Source mid(5, 9);
  for (int i = 1; i < 9; ++i) {
    const Result r = FeedFrame(f, mid, i, 0);
    if (L1T3Source::Tid(i) == 0) {
      ASSERT_EQ(r.decision, Decision::kForward);
      EXPECT_EQ(r.out.picture_id, next++) << i;
      EXPECT_EQ(r.out.tl0_pic_idx, next_tl0++) << i;
    }
  }
}

TEST(Vp8TemporalFilterTest, SourceRestartWithoutResetContinuesNumbering) {
  Vp8TemporalFilter f;
  const L1T3Source before(30000, 100);
  for (int i = 0; i < 4; ++i) {
    FeedFrame(f, before, i, 0);
  }
  // Same SSRC, later timestamps, PictureIDs restart far behind (10003 back).
  Vp8Spec s = L1T3Source(20000, 0).Frame(0);
  const Result r = Feed(f, s, L1T3Source::Timestamp(10), 0);
  EXPECT_EQ(r.decision, Decision::kForward);
  EXPECT_EQ(r.out.picture_id, 30001);
  EXPECT_EQ(r.out.tl0_pic_idx, 101);
}

TEST(Vp8TemporalFilterTest, SevenBitPictureIds) {
  Vp8TemporalFilter f;
  const L1T3Source src(120, 0, /*picture_id_15bit=*/false);
  int forwarded = 0;
  for (int i = 0; i < 600; ++i) {  // the 7-bit input wraps every 128 frames
    const Result r = FeedFrame(f, src, i, 0);
    EXPECT_EQ(r.bytes.size(), BuildVp8(src.Frame(i)).size());
    if (L1T3Source::Tid(i) == 0) {
      ASSERT_EQ(r.decision, Decision::kForward) << i;
      EXPECT_FALSE(r.out.picture_id_15bit);
      EXPECT_EQ(r.out.picture_id, (120 + forwarded) % 128) << i;
      ++forwarded;
    } else {
      EXPECT_EQ(r.decision, Decision::kDrop) << i;
    }
  }
  // A 7-bit stream after a 15-bit one: our counter continues, wrapped to 7 bits.
  Vp8TemporalFilter g;
  const L1T3Source wide(1000, 0);
  FeedFrame(g, wide, 0, 2);
  g.Reset();
  const Result r = FeedFrame(g, src, 0, 2);
  EXPECT_EQ(r.out.picture_id, 1001 % 128);
}

TEST(Vp8TemporalFilterTest, PictureIdWrapsAt32767) {
  for (int target : {0, 2}) {
    Vp8TemporalFilter f;
    const L1T3Source src(32750, 0);
    uint16_t next = 32750;
    for (int i = 0; i < 80; ++i) {
      const Result r = FeedFrame(f, src, i, target);
      if (L1T3Source::Tid(i) <= target) {
        ASSERT_EQ(r.decision, Decision::kForward) << i;
        EXPECT_EQ(r.out.picture_id, next) << i;
        next = static_cast<uint16_t>((next + 1) & 0x7FFF);
      } else {
        EXPECT_EQ(r.decision, Decision::kDrop) << i;
      }
    }
    EXPECT_LT(next, 100);  // wrapped
    // A retransmission from before the wrap still finds its frame.
    EXPECT_EQ(FeedFrame(f, src, 16, target, 1).out.picture_id, target == 2 ? 32766 : 32754);
  }
}

TEST(Vp8TemporalFilterTest, PacketsWithoutTidOrPictureIdPassUntouched) {
  Vp8TemporalFilter f;
  for (const Vp8Spec& s :
       {Vp8Spec{.has_picture_id = false, .tl0_pic_idx = 3, .tid = 2},
        Vp8Spec{.picture_id = 5, .tl0_pic_idx = std::nullopt, .tid = std::nullopt},
        Vp8Spec{.has_picture_id = false, .tl0_pic_idx = std::nullopt, .tid = std::nullopt}}) {
    Bytes b = BuildVp8(s);
    const Bytes original = b;
    EXPECT_EQ(f.Process(b, 1234, 0, false), Decision::kForward);
    EXPECT_EQ(b, original);
  }
  EXPECT_EQ(f.current_tid(), -1);
}

TEST(Vp8TemporalFilterTest, GarbageDoesNotCrash) {
  Vp8TemporalFilter f;
  Bytes empty;
  EXPECT_EQ(f.Process(empty, 0, 0, false), Decision::kForward);
  for (const Bytes& b : {Bytes{0x90}, Bytes{0x80, 0x80}, Bytes{0x80, 0xE0, 0x80}, Bytes{0xFF},
                         Bytes{0x90, 0xE0, 0xFF, 0xFF, 0xFF}}) {
    Bytes copy = b;
    EXPECT_EQ(f.Process(copy, 0, 1, true), Decision::kForward);  // does not parse
    EXPECT_EQ(copy, b);
  }
  uint32_t x = 12345;
  for (int n = 0; n < 5000; ++n) {
    x = x * 1103515245u + 12345u;
    Bytes b(1 + (x >> 24) % 12);
    for (auto& byte : b) {
      x = x * 1103515245u + 12345u;
      byte = static_cast<uint8_t>(x >> 16);
    }
    const std::size_t size = b.size();
    f.Process(b, x, static_cast<int>(x % 7) - 2, (x & 1) != 0);
    EXPECT_EQ(b.size(), size);
    EXPECT_GE(f.current_tid(), -1);
    EXPECT_LE(f.current_tid(), Vp8TemporalFilter::kMaxTemporalLayer);
    if (n % 1000 == 0) {
      f.Reset();
    }
  }
}

TEST(Vp8TemporalFilterTest, ProcessDoesNotAllocate) {
  Vp8TemporalFilter f;
  const L1T3Source src(1, 1);
  std::vector<Bytes> packets;
  for (int i = 0; i < 200; ++i) {
    packets.push_back(BuildVp8(src.Frame(i % 100)));
  }
  test::AllocationScope scope;
  for (int i = 0; i < 200; ++i) {
    f.Process(packets[static_cast<std::size_t>(i)], L1T3Source::Timestamp(i % 100), i % 3,
              i == 0);
    if (i == 100) {
      f.Reset();
    }
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
