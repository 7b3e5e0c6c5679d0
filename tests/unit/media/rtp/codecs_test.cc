#include <gtest/gtest.h>

#include <vector>

#include "media/rtp/codecs/codec_payload.h"
#include "media/rtp/codecs/h264.h"
#include "media/rtp/codecs/opus.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/codecs/vp9.h"
#include "media/rtp/rtp_packet.h"
#include "rtp_captures.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;

std::span<uint8_t> PayloadOf(std::vector<uint8_t>& buf) {
  const auto p = RtpPacket::Parse(buf);
  EXPECT_TRUE(p);
  return p ? p->Payload() : std::span<uint8_t>{};
}

// ---- VP8 ----

TEST(Vp8Test, ChromeKeyFrame) {
  std::vector<uint8_t> buf(test::kChromeVp8KeyFrame.begin(), test::kChromeVp8KeyFrame.end());
  const auto d = Vp8PayloadDescriptor::Parse(PayloadOf(buf));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_EQ(d->partition_index, 0);
  EXPECT_FALSE(d->non_reference);
  EXPECT_TRUE(d->has_picture_id);
  EXPECT_TRUE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 42);
  EXPECT_TRUE(d->has_tl0_pic_idx);
  EXPECT_EQ(d->tl0_pic_idx, 5);
  EXPECT_TRUE(d->has_tid);
  EXPECT_EQ(d->TemporalLayerId(), 0);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_FALSE(d->has_key_idx);
  EXPECT_EQ(d->size, 6u);
  EXPECT_TRUE(d->is_key_frame);
  EXPECT_EQ(d->width, 640);
  EXPECT_EQ(d->height, 480);
  EXPECT_TRUE(Vp8PayloadDescriptor::IsKeyFrame(PayloadOf(buf)));
}

TEST(Vp8Test, ChromeDeltaFrameTemporalLayer2) {
  std::vector<uint8_t> buf(test::kChromeVp8DeltaTl2.begin(), test::kChromeVp8DeltaTl2.end());
  const auto d = Vp8PayloadDescriptor::Parse(PayloadOf(buf));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->picture_id, 43);
  EXPECT_EQ(d->TemporalLayerId(), 2);
  EXPECT_FALSE(d->layer_sync);
  EXPECT_FALSE(d->is_key_frame);
  EXPECT_EQ(d->width, 0);
}

TEST(Vp8Test, DescriptorVariants) {
  const Bytes key_tail = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
  // No extension byte at all.
  Bytes minimal = {0x10};
  minimal.insert(minimal.end(), key_tail.begin(), key_tail.end());
  auto d = Vp8PayloadDescriptor::Parse(minimal);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size, 1u);
  EXPECT_FALSE(d->has_picture_id);
  EXPECT_TRUE(d->is_key_frame);
  EXPECT_EQ(d->width, 320);
  EXPECT_EQ(d->height, 240);
  EXPECT_EQ(d->TemporalLayerId(), 0);

  // 7-bit PictureID, KEYIDX only.
  Bytes b = {0x90, 0x90, 0x15, 0x1F};
  b.insert(b.end(), key_tail.begin(), key_tail.end());
  d = Vp8PayloadDescriptor::Parse(b);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 0x15);
  EXPECT_FALSE(d->has_tid);
  EXPECT_TRUE(d->has_key_idx);
  EXPECT_EQ(d->key_idx, 31);
  EXPECT_EQ(d->size, 4u);

  // T and K share one byte.
  d = Vp8PayloadDescriptor::Parse(Bytes{0x80, 0x30, 0xA5, 0x00});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->tid, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_EQ(d->key_idx, 5);

  // Non-reference frame, not the start of a partition: never a key frame.
  b = {0x20};
  b.insert(b.end(), key_tail.begin(), key_tail.end());
  d = Vp8PayloadDescriptor::Parse(b);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->non_reference);
  EXPECT_FALSE(d->is_key_frame);
  // Start of partition 1: not the frame start.
  b[0] = 0x11;
  EXPECT_FALSE(Vp8PayloadDescriptor::IsKeyFrame(b));
  // P bit set: inter frame.
  b[0] = 0x10;
  b[1] = 0x11;
  EXPECT_FALSE(Vp8PayloadDescriptor::IsKeyFrame(b));
  // Missing start code.
  b[1] = 0x10;
  b[4] = 0x00;
  EXPECT_FALSE(Vp8PayloadDescriptor::IsKeyFrame(b));
}

TEST(Vp8Test, TruncatedDescriptorsAreRejected) {
  for (const Bytes& b : {Bytes{}, Bytes{0x90}, Bytes{0x80, 0x80}, Bytes{0x80, 0x80, 0x80},
                         Bytes{0x80, 0x80, 0x80, 0x01}, Bytes{0x90, 0x40}, Bytes{0x90, 0x20},
                         Bytes{0x90, 0x10}, Bytes{0x90, 0xF0, 0x81, 0x02, 0x03, 0x04},
                         Bytes{0x10}}) {
    EXPECT_FALSE(Vp8PayloadDescriptor::Parse(b)) << b.size();
  }
}

// ---- VP9 ----

TEST(Vp9Test, NonFlexibleKeyFrameWithScalabilityStructure) {
  const Bytes b = {0xAE,                    // I L B E V
                   0x80, 0x01,              // 15-bit picture id 1
                   0x00, 0x07,              // TID 0 U 0 SID 0 D 0, TL0PICIDX 7
                   0x58,                    // N_S = 2 (3 layers), Y, G
                   0x01, 0x40, 0x00, 0xB4,  // 320 x 180
                   0x02, 0x80, 0x01, 0x68,  // 640 x 360
                   0x05, 0x00, 0x02, 0xD0,  // 1280 x 720
                   0x01,                    // N_G = 1
                   0x04, 0x01,              // TID 0 U 0 R 1, P_DIFF 1
                   0x82, 0x49, 0x83};       // VP9 data
  const auto d = Vp9PayloadDescriptor::Parse(b);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->is_key_frame);
  EXPECT_TRUE(d->start_of_frame);
  EXPECT_TRUE(d->end_of_frame);
  EXPECT_EQ(d->picture_id, 1);
  EXPECT_EQ(d->tl0_pic_idx, 7);
  EXPECT_EQ(d->num_spatial_layers, 3);
  EXPECT_EQ(d->width[2], 1280);
  EXPECT_EQ(d->height[2], 720);
  EXPECT_EQ(d->width[0], 320);
  EXPECT_EQ(d->num_frames_in_group, 1);
  EXPECT_EQ(d->size, b.size() - 3);
  for (std::size_t n = 0; n < d->size + 1; ++n) {
    EXPECT_FALSE(Vp9PayloadDescriptor::Parse(std::span<const uint8_t>(b).first(n))) << n;
  }
}

TEST(Vp9Test, DeltaFrameAndUpperSpatialLayer) {
  auto d = Vp9PayloadDescriptor::Parse(Bytes{0xEC, 0x05, 0x50, 0x03, 0xAA});
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->is_key_frame);
  EXPECT_TRUE(d->inter_picture_predicted);
  EXPECT_EQ(d->temporal_id, 2);
  EXPECT_TRUE(d->switching_up_point);
  EXPECT_EQ(d->spatial_id, 0);
  EXPECT_EQ(d->picture_id, 5);

  // Start of spatial layer 1 of a key picture (predicted from layer 0): not the key frame
  // start a receiver can begin with.
  d = Vp9PayloadDescriptor::Parse(Bytes{0xA8, 0x05, 0x03, 0x00, 0xAA});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->spatial_id, 1);
  EXPECT_TRUE(d->inter_layer_dependency);
  EXPECT_FALSE(d->is_key_frame);
}

TEST(Vp9Test, FlexibleModeReferenceList) {
  auto d = Vp9PayloadDescriptor::Parse(Bytes{0xD8, 0x05, 0x03, 0x05, 0x06, 0xAA});
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->flexible_mode);
  EXPECT_FALSE(d->has_tl0_pic_idx);
  ASSERT_EQ(d->num_ref_pics, 3);
  EXPECT_EQ(d->p_diff[0], 1);
  EXPECT_EQ(d->p_diff[1], 2);
  EXPECT_EQ(d->p_diff[2], 3);
  EXPECT_EQ(d->size, 5u);
  // A fourth reference is not allowed.
  EXPECT_FALSE(Vp9PayloadDescriptor::Parse(Bytes{0xD8, 0x05, 0x03, 0x05, 0x07, 0x08, 0xAA}));
  // Flexible key frame without layer indices.
  d = Vp9PayloadDescriptor::Parse(Bytes{0x98, 0x05, 0xAA});
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->is_key_frame);
}

// ---- H.264 ----

TEST(H264Test, SingleNalUnits) {
  auto h = H264Payload::Parse(Bytes{0x65, 0x88, 0x84, 0x00});
  ASSERT_TRUE(h);
  EXPECT_EQ(h->packet_type, 5);
  EXPECT_EQ(h->nal_unit_type, 5);
  EXPECT_TRUE(h->has_idr);
  EXPECT_TRUE(h->is_key_frame);
  EXPECT_FALSE(H264Payload::IsKeyFrame(Bytes{0x41, 0x9a, 0x02}));  // non-IDR slice
  EXPECT_TRUE(H264Payload::IsKeyFrame(Bytes{0x67, 0x42, 0xc0, 0x1f}));  // SPS
  EXPECT_FALSE(H264Payload::IsKeyFrame(Bytes{0x68, 0xce, 0x3c, 0x80}));  // PPS alone
  EXPECT_FALSE(H264Payload::Parse(Bytes{}));
}

TEST(H264Test, StapA) {
  // Chrome's key frame start: STAP-A with SPS, PPS and the IDR slice.
  const Bytes stap = {0x78,                                      // STAP-A
                      0x00, 0x04, 0x67, 0x42, 0xc0, 0x1f,        // SPS
                      0x00, 0x03, 0x68, 0xce, 0x3c,              // PPS
                      0x00, 0x03, 0x65, 0x88, 0x84};             // IDR
  auto h = H264Payload::Parse(stap);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->packet_type, H264Payload::kStapA);
  EXPECT_TRUE(h->has_sps);
  EXPECT_TRUE(h->has_pps);
  EXPECT_TRUE(h->has_idr);
  EXPECT_TRUE(h->is_key_frame);
  // STAP-A of non-key NAL units.
  EXPECT_FALSE(H264Payload::IsKeyFrame(Bytes{0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x41, 0x9a}));
  // Malformed: unit overruns, zero-size unit, no unit, dangling size byte.
  EXPECT_FALSE(H264Payload::Parse(Bytes{0x78, 0x00, 0x09, 0x67, 0x42}));
  EXPECT_FALSE(H264Payload::Parse(Bytes{0x78, 0x00, 0x00, 0x67}));
  EXPECT_FALSE(H264Payload::Parse(Bytes{0x78}));
  EXPECT_FALSE(H264Payload::Parse(Bytes{0x78, 0x00, 0x01, 0x65, 0x00}));
}

TEST(H264Test, FuA) {
  auto h = H264Payload::Parse(Bytes{0x7c, 0x85, 0x88, 0x84});  // start of an IDR
  ASSERT_TRUE(h);
  EXPECT_EQ(h->packet_type, H264Payload::kFuA);
  EXPECT_EQ(h->nal_unit_type, 5);
  EXPECT_TRUE(h->is_fragment_start);
  EXPECT_FALSE(h->is_fragment_end);
  EXPECT_TRUE(h->is_key_frame);
  h = H264Payload::Parse(Bytes{0x7c, 0x05, 0x11});  // middle of an IDR
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->is_key_frame);
  h = H264Payload::Parse(Bytes{0x7c, 0x45, 0x11});  // end of an IDR
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->is_fragment_end);
  EXPECT_FALSE(h->is_key_frame);
  EXPECT_FALSE(H264Payload::IsKeyFrame(Bytes{0x5c, 0x81, 0x9a}));  // start of non-IDR
  EXPECT_FALSE(H264Payload::Parse(Bytes{0x7c}));
}

// ---- Opus and dispatch ----

TEST(CodecPayloadTest, DispatchByCodec) {
  std::vector<uint8_t> key(test::kChromeVp8KeyFrame.begin(), test::kChromeVp8KeyFrame.end());
  std::vector<uint8_t> delta(test::kChromeVp8DeltaTl2.begin(), test::kChromeVp8DeltaTl2.end());
  std::vector<uint8_t> opus(test::kChromeOpus.begin(), test::kChromeOpus.end());
  EXPECT_TRUE(IsKeyFrame(RtpCodec::kVp8, PayloadOf(key)));
  auto info = InspectPayload(RtpCodec::kVp8, PayloadOf(delta));
  EXPECT_TRUE(info.valid);
  EXPECT_FALSE(info.is_key_frame);
  EXPECT_EQ(info.temporal_layer, 2);
  EXPECT_FALSE(IsKeyFrame(RtpCodec::kOpus, PayloadOf(opus)));
  EXPECT_FALSE(OpusPayload::IsKeyFrame(PayloadOf(opus)));
  EXPECT_TRUE(IsKeyFrame(RtpCodec::kH264, Bytes{0x65, 0x88}));
  info = InspectPayload(RtpCodec::kVp9, Bytes{0xEC, 0x05, 0x50, 0x03, 0xAA});
  EXPECT_EQ(info.temporal_layer, 2);
  EXPECT_FALSE(InspectPayload(RtpCodec::kVp8, Bytes{}).valid);
  EXPECT_TRUE(InspectPayload(RtpCodec::kOther, Bytes{}).valid);
}

}  // namespace
}  // namespace tr::media
