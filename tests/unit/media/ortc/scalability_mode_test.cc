#include "media/ortc/scalability_mode.h"

#include <gtest/gtest.h>

namespace tr::media::ortc {
namespace {

TEST(ScalabilityModeTest, ParsesW3cModes) {
  EXPECT_EQ(ParseScalabilityMode("L1T3"), (ScalabilityMode{1, 3, false}));
  EXPECT_EQ(ParseScalabilityMode("L1T1"), (ScalabilityMode{1, 1, false}));
  EXPECT_EQ(ParseScalabilityMode("L3T3_KEY"), (ScalabilityMode{3, 3, true}));
  EXPECT_EQ(ParseScalabilityMode("L2T2_KEY_SHIFT"), (ScalabilityMode{2, 2, true}));
  EXPECT_EQ(ParseScalabilityMode("S3T3"), (ScalabilityMode{3, 3, false}));
  EXPECT_EQ(ParseScalabilityMode("S2T1h"), (ScalabilityMode{2, 1, false}));
  EXPECT_EQ(ParseScalabilityMode("L1T2h"), (ScalabilityMode{1, 2, false}));
  EXPECT_EQ(ParseScalabilityMode("L10T12"), (ScalabilityMode{10, 12, false}));
}

TEST(ScalabilityModeTest, RejectsOtherText) {
  for (const char* bad :
       {"", "L", "L1", "L1T", "T3", "l1t3", "X1T3", "L0T3", "L1T0", "1T3", "LT3", " L1T3"}) {
    EXPECT_FALSE(ParseScalabilityMode(bad).has_value()) << bad;
  }
}

TEST(ScalabilityModeTest, DefaultIsL1T1LikeMediasoup) {
  EXPECT_EQ(ScalabilityModeOrDefault(std::nullopt), (ScalabilityMode{1, 1, false}));
  EXPECT_EQ(ScalabilityModeOrDefault(std::string("bogus")), (ScalabilityMode{1, 1, false}));
  EXPECT_EQ(ScalabilityModeOrDefault(std::string("L1T3")), (ScalabilityMode{1, 3, false}));
}

}  // namespace
}  // namespace tr::media::ortc
