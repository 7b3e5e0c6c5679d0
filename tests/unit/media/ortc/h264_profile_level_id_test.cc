// Vectors follow libwebrtc's h264_profile_level_id_unittest.cc semantics (the same rules
// mediasoup's h264-profile-level-id package implements).
#include "media/ortc/h264_profile_level_id.h"

#include <gtest/gtest.h>

#include <string>

namespace tr::media::ortc {
namespace {

ParameterMap Params(const std::string& profile_level_id, bool asymmetry = false) {
  ParameterMap p{{"profile-level-id", profile_level_id}, {"packetization-mode", int64_t{1}}};
  if (asymmetry) {
    p["level-asymmetry-allowed"] = int64_t{1};
  }
  return p;
}

TEST(H264ProfileLevelIdTest, ParsesProfilesAndLevels) {
  EXPECT_EQ(ParseH264ProfileLevelId("42e01f"),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("42E01F"),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("42001f"), (H264ProfileLevelId{H264Profile::kBaseline, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("4d0032"), (H264ProfileLevelId{H264Profile::kMain, 50}));
  EXPECT_EQ(ParseH264ProfileLevelId("4d001f"), (H264ProfileLevelId{H264Profile::kMain, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("4d801f"),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("58f01f"),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("58801f"), (H264ProfileLevelId{H264Profile::kBaseline, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("640c34"),
            (H264ProfileLevelId{H264Profile::kConstrainedHigh, 52}));
  EXPECT_EQ(ParseH264ProfileLevelId("64001f"), (H264ProfileLevelId{H264Profile::kHigh, 31}));
  EXPECT_EQ(ParseH264ProfileLevelId("f4001f"),
            (H264ProfileLevelId{H264Profile::kPredictiveHigh444, 31}));
  // Level 1b: level_idc 11 with constraint_set3_flag.
  EXPECT_EQ(ParseH264ProfileLevelId("42f00b"),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, kH264Level1b}));
  EXPECT_EQ(ParseH264ProfileLevelId("42e00b"),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, 11}));
}

TEST(H264ProfileLevelIdTest, RejectsInvalid) {
  for (const char* bad : {"", "42e01", "42e01f0", "42e0zz", "000000", "42e021", "42e0ff", "65001f",
                          "4d201f", "64011f"}) {
    EXPECT_FALSE(ParseH264ProfileLevelId(bad).has_value()) << bad;
  }
}

TEST(H264ProfileLevelIdTest, ToStringRoundTrips) {
  for (const char* text :
       {"42e01f", "42001f", "4d0032", "640c34", "64001f", "f4001f", "42f00b", "42100b", "4d100b"}) {
    const auto parsed = ParseH264ProfileLevelId(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(H264ProfileLevelIdToString(*parsed), text);
  }
  EXPECT_FALSE(H264ProfileLevelIdToString({H264Profile::kHigh, kH264Level1b}).has_value());
}

TEST(H264ProfileLevelIdTest, LevelOrderingPlaces1bBetween1And11) {
  EXPECT_TRUE(H264LevelIsLower(10, kH264Level1b));
  EXPECT_TRUE(H264LevelIsLower(kH264Level1b, 11));
  EXPECT_FALSE(H264LevelIsLower(kH264Level1b, 10));
  EXPECT_TRUE(H264LevelIsLower(31, 50));
  EXPECT_FALSE(H264LevelIsLower(31, 31));
}

TEST(H264ProfileLevelIdTest, DefaultIsConstrainedBaseline31) {
  EXPECT_EQ(H264ProfileLevelIdOfCodec({}),
            (H264ProfileLevelId{H264Profile::kConstrainedBaseline, 31}));
  EXPECT_TRUE(IsSameH264Profile({}, Params("42e01f")));
  EXPECT_FALSE(IsSameH264Profile({}, Params("42001f")));
  EXPECT_FALSE(IsSameH264Profile(Params("nonsense"), Params("nonsense")));
  // sdp-transform turns an all-digit profile-level-id into a number.
  EXPECT_TRUE(IsSameH264Profile({{"profile-level-id", int64_t{640032}}}, Params("64001f")));
}

TEST(H264ProfileLevelIdTest, AnswerNegotiatesLevel) {
  std::optional<std::string> answer;
  // Both allow asymmetry: the local level wins.
  ASSERT_TRUE(H264ProfileLevelIdForAnswer(Params("4d001f", true), Params("4d0032", true), &answer));
  EXPECT_EQ(answer, "4d001f");
  ASSERT_TRUE(H264ProfileLevelIdForAnswer(Params("4d0032", true), Params("4d001f", true), &answer));
  EXPECT_EQ(answer, "4d0032");
  // Otherwise the lower level.
  ASSERT_TRUE(H264ProfileLevelIdForAnswer(Params("4d0032"), Params("4d001f", true), &answer));
  EXPECT_EQ(answer, "4d001f");
  ASSERT_TRUE(H264ProfileLevelIdForAnswer(Params("42f00b"), Params("42e01f"), &answer));
  EXPECT_EQ(answer, "42f00b");
  // Different profiles never match.
  EXPECT_FALSE(H264ProfileLevelIdForAnswer(Params("42e01f"), Params("4d0032"), &answer));
  EXPECT_FALSE(H264ProfileLevelIdForAnswer(Params("42001f"), Params("42e01f"), &answer));
  EXPECT_FALSE(H264ProfileLevelIdForAnswer(Params("zzzzzz"), Params("42e01f"), &answer));
  // Neither side has one: compatible, no answer.
  ASSERT_TRUE(H264ProfileLevelIdForAnswer({}, {}, &answer));
  EXPECT_FALSE(answer.has_value());
  // One side has none: the default (42e01f) is negotiated.
  ASSERT_TRUE(H264ProfileLevelIdForAnswer({}, Params("42e034", true), &answer));
  EXPECT_EQ(answer, "42e01f");
}

}  // namespace
}  // namespace tr::media::ortc
