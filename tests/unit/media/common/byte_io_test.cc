#include "media/common/byte_io.h"

#include <gtest/gtest.h>

#include <array>

#include "alloc_counter.h"

namespace tr::media {
namespace {

TEST(ByteIoTest, ReadsBigEndian) {
  const std::array<uint8_t, 9> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  EXPECT_EQ(ReadU8(b.data()), 0x01);
  EXPECT_EQ(ReadU16(b.data()), 0x0102);
  EXPECT_EQ(ReadU24(b.data()), 0x010203u);
  EXPECT_EQ(ReadU32(b.data()), 0x01020304u);
  EXPECT_EQ(ReadU64(b.data()), 0x0102030405060708ull);
  // Unaligned.
  EXPECT_EQ(ReadU16(b.data() + 1), 0x0203);
  EXPECT_EQ(ReadU32(b.data() + 1), 0x02030405u);
  EXPECT_EQ(ReadU64(b.data() + 1), 0x0203040506070809ull);
  // Span forms with offsets.
  const std::span<const uint8_t> s(b);
  EXPECT_EQ(ReadU8(s, 8), 0x09);
  EXPECT_EQ(ReadU16(s, 7), 0x0809);
  EXPECT_EQ(ReadU24(s, 6), 0x070809u);
  EXPECT_EQ(ReadU32(s, 5), 0x06070809u);
  EXPECT_EQ(ReadU64(s, 1), 0x0203040506070809ull);
}

TEST(ByteIoTest, WritesBigEndian) {
  std::array<uint8_t, 9> b{};
  WriteU16(b.data() + 1, 0xA1B2);
  EXPECT_EQ(b[1], 0xA1);
  EXPECT_EQ(b[2], 0xB2);
  WriteU24(b.data(), 0xFFC1D2E3);  // only the low 24 bits
  EXPECT_EQ(b[0], 0xC1);
  EXPECT_EQ(b[2], 0xE3);
  EXPECT_EQ(b[3], 0x00);
  WriteU32(b.data() + 3, 0xDEADBEEF);
  EXPECT_EQ(ReadU32(b.data() + 3), 0xDEADBEEFu);
  WriteU64(b.data() + 1, 0x1122334455667788ull);
  EXPECT_EQ(b[1], 0x11);
  EXPECT_EQ(b[8], 0x88);
  std::span<uint8_t> s(b);
  WriteU8(s, 0, 0x7F);
  WriteU16(s, 7, 0xCAFE);
  WriteU24(s, 0, 0x010203);
  WriteU32(s, 4, 0x0A0B0C0D);
  EXPECT_EQ(ReadU32(s, 4), 0x0A0B0C0Du);
  WriteU64(s, 1, 42);
  EXPECT_EQ(ReadU64(s, 1), 42u);
}

TEST(ByteIoTest, Signed24) {
  uint8_t b[3];
  for (int32_t v : {0, 1, -1, 8388607, -8388608, -2, 123456, -123456}) {
    WriteS24(b, v);
    EXPECT_EQ(ReadS24(b), v) << v;
  }
  const uint8_t minus_two[] = {0xFF, 0xFF, 0xFE};
  EXPECT_EQ(ReadS24(minus_two), -2);
}

TEST(ByteIoTest, TextAndPadding) {
  const auto bytes = AsBytes("abc");
  ASSERT_EQ(bytes.size(), 3u);
  EXPECT_EQ(bytes[1], 'b');
  EXPECT_EQ(AsStringView(bytes), "abc");
  EXPECT_EQ(PadTo4(0), 0u);
  EXPECT_EQ(PadTo4(1), 4u);
  EXPECT_EQ(PadTo4(4), 4u);
  EXPECT_EQ(PadTo4(5), 8u);
}

int* volatile g_sink = nullptr;  // keeps the compiler from eliding new/delete

TEST(AllocCounterTest, CountsAllocations) {
  // Sanity check of the helper the other media tests use to prove "no allocation".
  test::AllocationScope scope;
  g_sink = new int(5);
  delete g_sink;
  EXPECT_EQ(scope.Count(), 1u);
}

}  // namespace
}  // namespace tr::media
