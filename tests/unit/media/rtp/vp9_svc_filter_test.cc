#include "media/rtp/codecs/vp9_svc_filter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "../common/alloc_counter.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;

// One VP9 packet's descriptor in flexible mode (as Chromium sends SVC), written
// independently of the parser.
struct Vp9Spec {
  uint16_t picture_id = 0;
  bool inter = true;  // P
  bool begin = true;  // B
  bool end = true;    // E
  uint8_t tid = 0;
  bool up = true;  // U
  uint8_t sid = 0;
  bool inter_layer = false;  // D
  uint8_t p_diff = 1;
  bool ss = false;  // V: scalability structure with 3 resolutions
};

Bytes BuildVp9(const Vp9Spec& s) {
  Bytes b;
  // I, P, L, F, B, E, V.
  b.push_back(static_cast<uint8_t>(0xB0 | (s.inter ? 0x40 : 0) | (s.begin ? 0x08 : 0) |
                                   (s.end ? 0x04 : 0) | (s.ss ? 0x02 : 0)));
  b.push_back(static_cast<uint8_t>(0x80 | (s.picture_id >> 8)));
  b.push_back(static_cast<uint8_t>(s.picture_id));
  b.push_back(static_cast<uint8_t>((s.tid << 5) | (s.up ? 0x10 : 0) | (s.sid << 1) |
                                   (s.inter_layer ? 1 : 0)));
  if (s.inter) {
    b.push_back(static_cast<uint8_t>(s.p_diff << 1));
  }
  if (s.ss) {
    b.push_back(0x50);  // N_S = 2 (three layers), Y
    for (const uint16_t w : {320, 640, 1280}) {
      const auto h = static_cast<uint16_t>(w * 9 / 16);
      b.insert(b.end(), {static_cast<uint8_t>(w >> 8), static_cast<uint8_t>(w),
                         static_cast<uint8_t>(h >> 8), static_cast<uint8_t>(h)});
    }
  }
  b.insert(b.end(), {0x82, 0x49, 0x83, 0x42});
  return b;
}

struct Packet {
  Bytes payload;
  uint32_t timestamp = 0;
  bool marker = false;
  uint8_t sid = 0;
  uint8_t tid = 0;
  bool end = false;
};

// An L3T3_KEY encoder as Chromium runs it: three spatial layers in every picture, TID
// 0,2,1,2 repeating from each key picture, U on every picture (RFC 9628 semantics: each
// picture is a switching-up point for the layers above its own), `per_layer` packets per
// layer frame, marker on the last packet of the top layer.
class SvcSource {
 public:
  explicit SvcSource(int per_layer = 2) : per_layer_(per_layer) {}

  // Picture `index`; key when `key` (the pattern restarts there).
  std::vector<Packet> Picture(int index, bool key, int layers = 3) {
    if (key) {
      since_key_ = 0;
    }
    static constexpr uint8_t kTid[] = {0, 2, 1, 2};
    static constexpr uint8_t kDiff[] = {4, 1, 2, 1};
    const int pos = since_key_ % 4;
    const uint8_t tid = kTid[pos];
    std::vector<Packet> out;
    for (int sid = 0; sid < layers; ++sid) {
      for (int p = 0; p < per_layer_; ++p) {
        Vp9Spec s;
        s.picture_id = static_cast<uint16_t>(index & 0x7FFF);
        s.inter = !key;
        s.begin = p == 0;
        s.end = p == per_layer_ - 1;
        s.tid = tid;
        s.up = up_;
        s.sid = static_cast<uint8_t>(sid);
        s.inter_layer = key && sid > 0;
        s.p_diff = static_cast<uint8_t>(std::min(since_key_, static_cast<int>(kDiff[pos])));
        s.ss = key && sid == 0 && p == 0;
        out.push_back(Packet{BuildVp9(s), Timestamp(index), s.end && sid == layers - 1,
                             s.sid, tid, s.end});
      }
    }
    ++since_key_;
    return out;
  }
  static uint32_t Timestamp(int index) { return 90000u + static_cast<uint32_t>(index) * 3000u; }
  void SetUp(bool up) { up_ = up; }

 private:
  int per_layer_;
  int since_key_ = 0;
  bool up_ = true;
};

struct Out {
  uint8_t sid;
  uint8_t tid;
  bool marker;
};

std::vector<Out> Feed(Vp9SvcFilter& f, const std::vector<Packet>& picture, int s, int t) {
  std::vector<Out> out;
  for (const Packet& p : picture) {
    const auto r = f.Process(p.payload, p.timestamp, p.marker, s, t);
    if (r.forward) {
      out.push_back(Out{p.sid, p.tid, r.marker});
    } else {
      EXPECT_FALSE(r.marker);
    }
  }
  return out;
}

int TopSid(const std::vector<Out>& out) {
  int top = -1;
  for (const Out& o : out) {
    top = std::max(top, static_cast<int>(o.sid));
  }
  return top;
}

// Exactly one marker, on the last forwarded packet (the end of the highest layer sent).
void ExpectMarkerOnLastOnly(const std::vector<Out>& out) {
  ASSERT_FALSE(out.empty());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].marker, i + 1 == out.size()) << "packet " << i;
  }
}

TEST(Vp9SvcFilterTest, TopTargetForwardsEveryLayerWithTheSourceMarker) {
  Vp9SvcFilter f;
  SvcSource src;
  for (int i = 0; i < 12; ++i) {
    const auto pic = src.Picture(i, i == 0);
    const auto out = Feed(f, pic, 2, 2);
    ASSERT_EQ(out.size(), pic.size()) << "picture " << i;
    ExpectMarkerOnLastOnly(out);
    EXPECT_EQ(f.current_spatial(), 2);
    EXPECT_EQ(f.current_temporal(), 2);
  }
}

TEST(Vp9SvcFilterTest, SpatialZeroForwardsOnlyTheBaseLayerWithItsEndMarked) {
  Vp9SvcFilter f;
  SvcSource src(3);
  for (int i = 0; i < 12; ++i) {
    const auto out = Feed(f, src.Picture(i, i == 0), 0, 2);
    ASSERT_EQ(out.size(), 3u) << "picture " << i;  // every temporal layer, SID 0 only
    EXPECT_EQ(TopSid(out), 0);
    ExpectMarkerOnLastOnly(out);
  }
  EXPECT_EQ(f.current_spatial(), 0);
  EXPECT_EQ(f.current_temporal(), 2);
}

TEST(Vp9SvcFilterTest, MiddleLayerGetsTheMarkerOnItsLastPacket) {
  Vp9SvcFilter f;
  SvcSource src(2);
  for (int i = 0; i < 8; ++i) {
    const auto out = Feed(f, src.Picture(i, i == 0), 1, 2);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(TopSid(out), 1);
    ExpectMarkerOnLastOnly(out);
  }
}

TEST(Vp9SvcFilterTest, SpatialUpWaitsForAKeyPicture) {
  Vp9SvcFilter f;
  SvcSource src;
  int i = 0;
  for (; i < 3; ++i) {
    EXPECT_EQ(TopSid(Feed(f, src.Picture(i, i == 0), 0, 2)), 0);
  }
  // The viewer now wants everything: delta pictures keep it at the base layer...
  for (; i < 10; ++i) {
    const auto out = Feed(f, src.Picture(i, false), 2, 2);
    EXPECT_EQ(TopSid(out), 0) << "picture " << i;
    ExpectMarkerOnLastOnly(out);
    EXPECT_EQ(f.current_spatial(), 0);
  }
  // ...until the key picture, which carries every layer from its first packet on.
  const auto key = src.Picture(i++, true);
  const auto out = Feed(f, key, 2, 2);
  EXPECT_EQ(out.size(), key.size());
  ExpectMarkerOnLastOnly(out);
  EXPECT_EQ(f.current_spatial(), 2);
  const auto after = src.Picture(i, false);
  EXPECT_EQ(Feed(f, after, 2, 2).size(), after.size());
}

TEST(Vp9SvcFilterTest, SpatialDownAtTheNextPictureStart) {
  Vp9SvcFilter f;
  SvcSource src(2);
  Feed(f, src.Picture(0, true), 2, 2);
  // The target drops mid-picture: this picture stays whole (its marker too)...
  const auto pic = src.Picture(1, false);
  std::vector<Out> out;
  for (std::size_t k = 0; k < pic.size(); ++k) {
    const int target = k < 2 ? 2 : 1;
    const auto r = f.Process(pic[k].payload, pic[k].timestamp, pic[k].marker, target, 2);
    if (r.forward) {
      out.push_back(Out{pic[k].sid, pic[k].tid, r.marker});
    }
  }
  EXPECT_EQ(out.size(), pic.size());
  ExpectMarkerOnLastOnly(out);
  // ...the next one ends at spatial layer 1.
  const auto next = Feed(f, src.Picture(2, false), 1, 2);
  EXPECT_EQ(next.size(), 4u);
  EXPECT_EQ(TopSid(next), 1);
  ExpectMarkerOnLastOnly(next);
  EXPECT_EQ(f.current_spatial(), 1);
}

TEST(Vp9SvcFilterTest, TemporalDownDropsWholePicturesAtOnce) {
  Vp9SvcFilter f;
  SvcSource src(1);
  Feed(f, src.Picture(0, true), 2, 2);
  Feed(f, src.Picture(1, false), 2, 2);  // TID 2
  // TIDs 1, 2, 0, 2, 1, 2 with ceiling 0: only the TL0 picture goes out, whole.
  std::vector<int> forwarded;
  for (int i = 2; i < 8; ++i) {
    const auto out = Feed(f, src.Picture(i, false), 2, 0);
    if (!out.empty()) {
      forwarded.push_back(i);
      EXPECT_EQ(out.size(), 3u);
      ExpectMarkerOnLastOnly(out);
    }
  }
  EXPECT_EQ(forwarded, (std::vector<int>{4}));
  EXPECT_EQ(f.current_temporal(), 0);
  // Ceiling 1: TL0 and TL1 pictures.
  forwarded.clear();
  for (int i = 8; i < 16; ++i) {
    if (!Feed(f, src.Picture(i, false), 2, 1).empty()) {
      forwarded.push_back(i);
    }
  }
  EXPECT_EQ(forwarded, (std::vector<int>{8, 10, 12, 14}));
  EXPECT_EQ(f.current_temporal(), 1);
}

TEST(Vp9SvcFilterTest, TemporalUpWaitsForASwitchingUpPoint) {
  Vp9SvcFilter f;
  SvcSource src(1);
  Feed(f, src.Picture(0, true), 2, 0);
  for (int i = 1; i < 4; ++i) {
    EXPECT_TRUE(Feed(f, src.Picture(i, false), 2, 0).empty());  // TIDs 2, 1, 2
  }
  // The ceiling goes up while the source marks no switching-up point: the TL1/TL2
  // pictures may refer to ones the viewer never got.
  src.SetUp(false);
  std::vector<int> forwarded;
  for (int i = 4; i < 8; ++i) {
    if (!Feed(f, src.Picture(i, false), 2, 2).empty()) {
      forwarded.push_back(i);
    }
  }
  EXPECT_EQ(forwarded, (std::vector<int>{4}));
  EXPECT_EQ(f.current_temporal(), 0);
  // A TL0 picture with U: everything after it is decodable.
  src.SetUp(true);
  forwarded.clear();
  for (int i = 8; i < 12; ++i) {
    if (!Feed(f, src.Picture(i, false), 2, 2).empty()) {
      forwarded.push_back(i);
    }
  }
  EXPECT_EQ(forwarded, (std::vector<int>{8, 9, 10, 11}));
  EXPECT_EQ(f.current_temporal(), 2);
}

TEST(Vp9SvcFilterTest, UpperTemporalSwitchingPointAloneIsNotEnough) {
  // Ceiling 0 → 2 right before the second TL2 picture of a group: it refers to the TL1
  // picture we dropped, so it must not go out although it has U.
  Vp9SvcFilter f;
  SvcSource src(1);
  Feed(f, src.Picture(0, true), 2, 0);
  EXPECT_TRUE(Feed(f, src.Picture(1, false), 2, 0).empty());
  EXPECT_TRUE(Feed(f, src.Picture(2, false), 2, 0).empty());
  EXPECT_TRUE(Feed(f, src.Picture(3, false), 2, 2).empty());
  EXPECT_FALSE(Feed(f, src.Picture(4, false), 2, 2).empty());  // TL0 with U
  EXPECT_FALSE(Feed(f, src.Picture(5, false), 2, 2).empty());
}

TEST(Vp9SvcFilterTest, SourceWithoutTheTopLayerKeepsItsOwnMarker) {
  Vp9SvcFilter f;
  SvcSource src(2);
  Feed(f, src.Picture(0, true), 2, 2);
  const auto out = Feed(f, src.Picture(1, false, /*layers=*/2), 2, 2);
  EXPECT_EQ(out.size(), 4u);
  ExpectMarkerOnLastOnly(out);
}

TEST(Vp9SvcFilterTest, OlderPicturesAreJudgedWithTheCurrentLayers) {
  Vp9SvcFilter f;
  SvcSource src(1);
  const auto key = src.Picture(0, true);
  Feed(f, key, 2, 2);
  const auto pic1 = src.Picture(1, false);
  Feed(f, pic1, 2, 2);
  Feed(f, src.Picture(2, false), 0, 2);  // down to the base layer
  // A retransmission of picture 1's SID 2 (its end): dropped now.
  EXPECT_FALSE(f.Process(pic1[2].payload, pic1[2].timestamp, true, 0, 2).forward);
  const auto r = f.Process(pic1[0].payload, pic1[0].timestamp, false, 0, 2);
  EXPECT_TRUE(r.forward);
  EXPECT_TRUE(r.marker);  // the end of SID 0, now the top layer
}

TEST(Vp9SvcFilterTest, BaseLayerOnlyBeforeTheFirstKeyPicture) {
  Vp9SvcFilter f;
  SvcSource src(1);
  src.Picture(0, true);  // lost
  const auto out = Feed(f, src.Picture(1, false), 2, 2);
  EXPECT_EQ(TopSid(out), 0);
  ExpectMarkerOnLastOnly(out);
  EXPECT_EQ(TopSid(Feed(f, src.Picture(2, true), 2, 2)), 2);
  f.Reset();
  EXPECT_EQ(f.current_spatial(), -1);
  EXPECT_EQ(TopSid(Feed(f, src.Picture(3, false), 2, 2)), 0);
}

TEST(Vp9SvcFilterTest, PassesThroughWhatItCannotRead) {
  Vp9SvcFilter f;
  for (const Bytes& b : {Bytes{}, Bytes{0xA0}, Bytes{0xB8, 0x80}, Bytes{0x80, 0x00},
                         Bytes{0x08, 0x01}}) {
    for (const bool marker : {false, true}) {
      const auto r = f.Process(b, 1000, marker, 0, 0);
      EXPECT_TRUE(r.forward);
      EXPECT_EQ(r.marker, marker);
    }
  }
  EXPECT_EQ(f.current_spatial(), -1);  // no layer indices: nothing decided
}

TEST(Vp9SvcFilterTest, GarbageNeverCrashes) {
  Vp9SvcFilter f;
  uint32_t x = 4242;
  for (int n = 0; n < 20000; ++n) {
    x = x * 1103515245u + 12345u;
    Bytes b(1 + (x >> 24) % 16);
    for (auto& byte : b) {
      x = x * 1103515245u + 12345u;
      byte = static_cast<uint8_t>(x >> 16);
    }
    const bool marker = (x & 1) != 0;
    const auto r = f.Process(b, x % 9000, marker, static_cast<int>(x % 11) - 2,
                             static_cast<int>((x >> 4) % 11) - 2);
    EXPECT_TRUE(r.forward || !r.marker);
    EXPECT_GE(f.current_spatial(), -1);
    EXPECT_LE(f.current_spatial(), Vp9SvcFilter::kMaxLayer);
    EXPECT_GE(f.current_temporal(), -1);
    EXPECT_LE(f.current_temporal(), Vp9SvcFilter::kMaxLayer);
    if (n % 3000 == 0) {
      f.Reset();
    }
  }
}

TEST(Vp9SvcFilterTest, ProcessDoesNotAllocate) {
  Vp9SvcFilter f;
  SvcSource src;
  std::vector<Packet> packets;
  for (int i = 0; i < 40; ++i) {
    const auto pic = src.Picture(i, i % 20 == 0);
    packets.insert(packets.end(), pic.begin(), pic.end());
  }
  test::AllocationScope scope;
  for (std::size_t k = 0; k < packets.size(); ++k) {
    const Packet& p = packets[k];
    f.Process(p.payload, p.timestamp, p.marker, static_cast<int>(k / 50) % 3,
              static_cast<int>(k / 70) % 3);
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
