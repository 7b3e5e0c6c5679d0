#include "media/stun/sha1.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <random>
#include <string>
#include <vector>

#include "media/common/byte_io.h"

namespace tr::media {
namespace {

std::string Hex(std::span<const uint8_t> d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

TEST(Sha1Test, Fips180Vectors) {
  EXPECT_EQ(Hex(Sha1::Hash(AsBytes(""))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Hex(Sha1::Hash(AsBytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Hex(Sha1::Hash(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  Sha1 h;
  const std::string block(1000, 'a');
  for (int i = 0; i < 1000; ++i) {
    h.Update(AsBytes(block));
  }
  EXPECT_EQ(Hex(h.Final()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1Test, Rfc2202HmacVectors) {
  const std::vector<uint8_t> key1(20, 0x0b);
  EXPECT_EQ(Hex(HmacSha1::Compute(key1, AsBytes("Hi There"))),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(Hex(HmacSha1::Compute(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  const std::vector<uint8_t> key3(20, 0xaa);
  const std::vector<uint8_t> data3(50, 0xdd);
  EXPECT_EQ(Hex(HmacSha1::Compute(key3, data3)), "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
  // Key longer than the block size: hashed first.
  const std::vector<uint8_t> key6(80, 0xaa);
  EXPECT_EQ(Hex(HmacSha1::Compute(key6,
                                  AsBytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(Sha1Test, MatchesOpenSslOnRandomInputsAndSplits) {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 400; ++iter) {
    std::vector<uint8_t> key(rng() % 100);
    std::vector<uint8_t> data(rng() % 300);
    for (auto& b : key) {
      b = static_cast<uint8_t>(rng());
    }
    for (auto& b : data) {
      b = static_cast<uint8_t>(rng());
    }
    uint8_t expected[EVP_MAX_MD_SIZE];
    unsigned int expected_len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), expected,
         &expected_len);
    ASSERT_EQ(expected_len, 20u);

    HmacSha1 mac(key);
    const std::size_t split = data.empty() ? 0 : rng() % data.size();
    mac.Update(std::span<const uint8_t>(data).first(split));
    mac.Update(std::span<const uint8_t>(data).subspan(split));
    const auto got = mac.Final();
    ASSERT_EQ(Hex(got), Hex({expected, 20})) << "iteration " << iter;

    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_Digest(data.data(), data.size(), md, &md_len, EVP_sha1(), nullptr);
    ASSERT_EQ(Hex(Sha1::Hash(data)), Hex({md, md_len}));
  }
}

TEST(Sha1Test, ConstantTimeEqual) {
  const uint8_t a[] = {1, 2, 3};
  const uint8_t b[] = {1, 2, 3};
  const uint8_t c[] = {1, 2, 4};
  EXPECT_TRUE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual(a, c));
  EXPECT_FALSE(ConstantTimeEqual(a, std::span<const uint8_t>(b, 2)));
}

}  // namespace
}  // namespace tr::media
