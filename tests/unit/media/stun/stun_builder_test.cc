#include "media/stun/stun_builder.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "../common/alloc_counter.h"
#include "media/common/byte_io.h"
#include "rfc5769_vectors.h"

namespace tr::media {
namespace {

using test::kRfc5769Password;

const StunTransactionId kRfc5769Txid = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                        0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// RFC 5769 pads SOFTWARE/USERNAME with 0x20 where we write zeros. To reproduce the vectors
// byte for byte, overwrite our zero padding with spaces before MESSAGE-INTEGRITY is
// computed (the only input the builder does not control).
void PadWithSpaces(std::vector<uint8_t>& buf, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    ASSERT_EQ(buf[i], 0) << i;
    buf[i] = 0x20;
  }
}

TEST(StunBuilderTest, ReproducesRfc5769SampleRequest) {
  std::vector<uint8_t> buf(256, 0xEE);
  StunBuilder b(buf);
  ASSERT_TRUE(b.Begin(kStunBindingRequest, kRfc5769Txid));
  ASSERT_TRUE(b.AddSoftware("STUN test client"));
  ASSERT_TRUE(b.AddPriority(0x6e0001ff));
  ASSERT_TRUE(b.AddIceControlled(0x932ff9b151263b36ull));
  ASSERT_TRUE(b.AddUsername("evtj:h6vY"));
  PadWithSpaces(buf, 73, 76);
  ASSERT_TRUE(b.AddMessageIntegrity(kRfc5769Password));
  ASSERT_TRUE(b.AddFingerprint());
  ASSERT_EQ(b.Finish(), test::kRfc5769Request.size());
  EXPECT_TRUE(std::equal(test::kRfc5769Request.begin(), test::kRfc5769Request.end(), buf.begin()));
  EXPECT_EQ(buf[b.Finish()], 0xEE);  // nothing written past the end
}

TEST(StunBuilderTest, ReproducesRfc5769Ipv4Response) {
  std::vector<uint8_t> buf(256);
  StunBuilder b(buf);
  ASSERT_TRUE(b.Begin(kStunBindingSuccessResponse, kRfc5769Txid));
  ASSERT_TRUE(b.AddSoftware("test vector"));
  PadWithSpaces(buf, 35, 36);
  ASSERT_TRUE(b.AddXorMappedAddress(StunAddress::Ipv4({192, 0, 2, 1}, 32853)));
  ASSERT_TRUE(b.AddMessageIntegrity(kRfc5769Password));
  ASSERT_TRUE(b.AddFingerprint());
  ASSERT_EQ(b.Finish(), test::kRfc5769Ipv4Response.size());
  EXPECT_TRUE(std::equal(test::kRfc5769Ipv4Response.begin(), test::kRfc5769Ipv4Response.end(),
                         buf.begin()));
}

TEST(StunBuilderTest, ReproducesRfc5769Ipv6Response) {
  std::vector<uint8_t> buf(256);
  StunBuilder b(buf);
  ASSERT_TRUE(b.Begin(kStunBindingSuccessResponse, kRfc5769Txid));
  ASSERT_TRUE(b.AddSoftware("test vector"));
  PadWithSpaces(buf, 35, 36);
  ASSERT_TRUE(b.AddXorMappedAddress(
      StunAddress::Ipv6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22, 0x33,
                         0x44, 0x55, 0x66, 0x77},
                        32853)));
  ASSERT_TRUE(b.AddMessageIntegrity(kRfc5769Password));
  ASSERT_TRUE(b.AddFingerprint());
  ASSERT_EQ(b.Finish(), test::kRfc5769Ipv6Response.size());
  EXPECT_TRUE(std::equal(test::kRfc5769Ipv6Response.begin(), test::kRfc5769Ipv6Response.end(),
                         buf.begin()));
}

TEST(StunBuilderTest, ReproducesRfc5769LongTermRequest) {
  const StunTransactionId txid = {0x78, 0xad, 0x34, 0x33, 0xc6, 0xad,
                                  0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e};
  const std::string input = std::string(test::kRfc5769LongTermUsername) + ":" +
                            std::string(test::kRfc5769LongTermRealm) + ":" +
                            std::string(test::kRfc5769LongTermPassword);
  std::array<uint8_t, 16> key{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), key.data(), &len, EVP_md5(), nullptr);

  std::vector<uint8_t> buf(256);
  StunBuilder b(buf);
  ASSERT_TRUE(b.Begin(kStunBindingRequest, txid));
  ASSERT_TRUE(b.AddUsername(test::kRfc5769LongTermUsername));
  ASSERT_TRUE(b.AddAttribute(stun_attr::kNonce, AsBytes(test::kRfc5769LongTermNonce)));
  ASSERT_TRUE(b.AddAttribute(stun_attr::kRealm, AsBytes(test::kRfc5769LongTermRealm)));
  ASSERT_TRUE(b.AddMessageIntegrity(std::span<const uint8_t>(key)));
  ASSERT_EQ(b.Finish(), test::kRfc5769LongTermRequest.size());
  EXPECT_TRUE(std::equal(test::kRfc5769LongTermRequest.begin(),
                         test::kRfc5769LongTermRequest.end(), buf.begin()));
}

TEST(StunBuilderTest, XorMappedAddressBytesMatchRfc5769) {
  // The XOR-MAPPED-ADDRESS attribute depends only on the address and transaction id.
  std::vector<uint8_t> buf(64);
  const std::size_t n = StunBuilder::BuildBindingSuccess(
      buf, kRfc5769Txid, StunAddress::Ipv4({192, 0, 2, 1}, 32853), kRfc5769Password);
  ASSERT_EQ(n, 20u + 12 + 24 + 8);
  EXPECT_TRUE(std::equal(buf.begin() + 20, buf.begin() + 32,
                         test::kRfc5769Ipv4Response.begin() + 36));
}

TEST(StunBuilderTest, BindingSuccessRoundTrip) {
  const auto request = StunMessage::Parse(test::kRfc5769Request);
  ASSERT_TRUE(request);
  const StunAddress mapped = StunAddress::Ipv6(
      {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}, 50000);
  std::array<uint8_t, 128> buf{};
  const std::size_t n =
      StunBuilder::BuildBindingSuccess(buf, request->TransactionId(), mapped, "server-pwd");
  ASSERT_EQ(n, 20u + 24 + 24 + 8);

  const auto response = StunMessage::Parse(std::span<const uint8_t>(buf).first(n));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Type(), kStunBindingSuccessResponse);
  EXPECT_TRUE(std::equal(response->TransactionId().begin(), response->TransactionId().end(),
                         request->TransactionId().begin()));
  EXPECT_EQ(response->XorMappedAddress(), mapped);
  EXPECT_TRUE(response->CheckIntegrity("server-pwd"));
  EXPECT_TRUE(response->CheckFingerprint());

  // The prepared-key overload writes identical bytes.
  std::array<uint8_t, 128> buf2{};
  EXPECT_EQ(StunBuilder::BuildBindingSuccess(buf2, request->TransactionId(), mapped,
                                             HmacSha1("server-pwd")),
            n);
  EXPECT_EQ(buf, buf2);
}

TEST(StunBuilderTest, BindingErrorResponses) {
  for (uint16_t code : {400, 401, 487, 500}) {
    std::array<uint8_t, 128> buf{};
    const std::size_t n = StunBuilder::BuildBindingError(buf, kRfc5769Txid, code);
    ASSERT_GT(n, 0u);
    const auto m = StunMessage::Parse(std::span<const uint8_t>(buf).first(n));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->Type(), kStunBindingErrorResponse);
    EXPECT_EQ(m->Class(), StunClass::kErrorResponse);
    ASSERT_TRUE(m->ErrorCode());
    EXPECT_EQ(m->ErrorCode()->code, code);
    EXPECT_EQ(m->ErrorCode()->reason, StunBuilder::DefaultReason(code));
    EXPECT_FALSE(m->HasMessageIntegrity());
    EXPECT_TRUE(m->CheckFingerprint());
  }
  std::array<uint8_t, 128> buf{};
  const uint16_t unknown[] = {0x0003, 0x001E};
  const std::size_t n = StunBuilder::BuildBindingError(buf, kRfc5769Txid, 420, {}, unknown);
  const auto m = StunMessage::Parse(std::span<const uint8_t>(buf).first(n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->ErrorCode()->code, 420);
  EXPECT_EQ(m->ErrorCode()->reason, "Unknown Attribute");
  bool found = false;
  m->ForEachAttribute([&](uint16_t type, std::span<const uint8_t> v) {
    if (type == stun_attr::kUnknownAttributes) {
      found = true;
      ASSERT_EQ(v.size(), 4u);
      EXPECT_EQ(ReadU16(v.data()), 0x0003);
      EXPECT_EQ(ReadU16(v.data() + 2), 0x001E);
    }
  });
  EXPECT_TRUE(found);

  // Explicit reason; exact wire bytes of ERROR-CODE 487.
  const std::size_t n2 = StunBuilder::BuildBindingError(buf, kRfc5769Txid, 487, "Role Conflict");
  ASSERT_EQ(n2, 20u + 4 + 4 + 16 + 8);
  const uint8_t expected[] = {0x00, 0x09, 0x00, 0x11, 0x00, 0x00, 0x04, 0x57, 'R',  'o',
                              'l',  'e',  ' ',  'C',  'o',  'n',  'f',  'l',  'i',  'c',
                              't',  0x00, 0x00, 0x00};
  EXPECT_TRUE(std::equal(std::begin(expected), std::end(expected), buf.begin() + 20));
}

TEST(StunBuilderTest, InvalidErrorCodesFail) {
  std::array<uint8_t, 128> buf{};
  EXPECT_EQ(StunBuilder::BuildBindingError(buf, kRfc5769Txid, 299), 0u);
  EXPECT_EQ(StunBuilder::BuildBindingError(buf, kRfc5769Txid, 700), 0u);
}

TEST(StunBuilderTest, EveryTooSmallBufferFailsWithoutOverflow) {
  const StunAddress mapped = StunAddress::Ipv4({10, 0, 0, 1}, 1234);
  std::array<uint8_t, 128> full{};
  const std::size_t needed = StunBuilder::BuildBindingSuccess(full, kRfc5769Txid, mapped, "k");
  ASSERT_EQ(needed, 64u);
  for (std::size_t size = 0; size < needed; ++size) {
    std::vector<uint8_t> buf(needed + 8, 0xAB);
    EXPECT_EQ(StunBuilder::BuildBindingSuccess(std::span<uint8_t>(buf).first(size), kRfc5769Txid,
                                               mapped, "k"),
              0u)
        << size;
    for (std::size_t i = size; i < buf.size(); ++i) {
      ASSERT_EQ(buf[i], 0xAB) << "wrote past the buffer at " << i << " (size " << size << ")";
    }
  }
}

TEST(StunBuilderTest, OrderingRulesAreEnforced) {
  std::array<uint8_t, 256> buf{};
  {
    StunBuilder b(buf);
    EXPECT_FALSE(b.AddPriority(1));  // before Begin
    EXPECT_EQ(b.Finish(), 0u);
  }
  {
    StunBuilder b(buf);
    ASSERT_TRUE(b.Begin(kStunBindingRequest, kRfc5769Txid));
    ASSERT_TRUE(b.AddMessageIntegrity("k"));
    EXPECT_FALSE(b.AddPriority(1));  // only FINGERPRINT after MESSAGE-INTEGRITY
    EXPECT_EQ(b.Finish(), 0u);
  }
  {
    StunBuilder b(buf);
    ASSERT_TRUE(b.Begin(kStunBindingRequest, kRfc5769Txid));
    ASSERT_TRUE(b.AddFingerprint());
    EXPECT_FALSE(b.AddFingerprint());  // nothing after FINGERPRINT
    EXPECT_EQ(b.Finish(), 0u);
  }
  {
    StunBuilder b(buf);
    ASSERT_TRUE(b.Begin(kStunBindingRequest, kRfc5769Txid));
    EXPECT_FALSE(b.Begin(kStunBindingRequest, kRfc5769Txid));  // twice
  }
}

TEST(StunBuilderTest, BuildDoesNotAllocate) {
  const HmacSha1 key("server-pwd");
  const StunAddress mapped = StunAddress::Ipv4({10, 0, 0, 1}, 1234);
  std::array<uint8_t, 128> buf{};
  test::AllocationScope scope;
  for (int i = 0; i < 10; ++i) {
    ASSERT_GT(StunBuilder::BuildBindingSuccess(buf, kRfc5769Txid, mapped, key), 0u);
    ASSERT_GT(StunBuilder::BuildBindingSuccess(buf, kRfc5769Txid, mapped, "server-pwd"), 0u);
    ASSERT_GT(StunBuilder::BuildBindingError(buf, kRfc5769Txid, 401), 0u);
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
