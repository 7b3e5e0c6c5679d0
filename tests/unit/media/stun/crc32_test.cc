#include "media/stun/crc32.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

#include "media/common/byte_io.h"

namespace tr::media {
namespace {

// Bit-at-a-time reference implementation of the same CRC.
uint32_t ReferenceCrc32(std::span<const uint8_t> data) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    }
  }
  return ~c;
}

TEST(Crc32Test, CheckValue) {
  // The standard check value of CRC-32/ISO-HDLC.
  EXPECT_EQ(Crc32(AsBytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(Crc32({}), 0u);
  EXPECT_EQ(Crc32(AsBytes("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32Test, MatchesReferenceForAllLengthsAndSplits) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(300);
  for (auto& b : data) {
    b = static_cast<uint8_t>(rng());
  }
  for (std::size_t n = 0; n <= data.size(); ++n) {
    const std::span<const uint8_t> s(data.data(), n);
    const uint32_t expected = ReferenceCrc32(s);
    ASSERT_EQ(Crc32(s), expected) << n;
    const std::size_t split = n / 3;
    ASSERT_EQ(Crc32(s.subspan(split), Crc32(s.first(split))), expected) << n;
  }
}

}  // namespace
}  // namespace tr::media
