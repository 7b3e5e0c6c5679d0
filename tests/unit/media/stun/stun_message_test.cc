#include "media/stun/stun_message.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "../common/alloc_counter.h"
#include "media/common/byte_io.h"
#include "media/stun/crc32.h"
#include "media/stun/stun_builder.h"
#include "rfc5769_vectors.h"

namespace tr::media {
namespace {

using test::kRfc5769Ipv4Response;
using test::kRfc5769Ipv6Response;
using test::kRfc5769LongTermRequest;
using test::kRfc5769Password;
using test::kRfc5769Request;

std::vector<uint8_t> ToVector(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

// Recomputes the trailing FINGERPRINT of a hand-edited message so that only the property
// under test is wrong.
void FixFingerprint(std::vector<uint8_t>& m) {
  const std::size_t fp = m.size() - 4;
  WriteU32(m.data() + fp, Crc32(std::span<const uint8_t>(m).first(fp - 4)) ^ kStunFingerprintXor);
}

TEST(StunMessageTest, MessageTypeEncoding) {
  EXPECT_EQ(kStunBindingRequest, 0x0001);
  EXPECT_EQ(kStunBindingIndication, 0x0011);
  EXPECT_EQ(kStunBindingSuccessResponse, 0x0101);
  EXPECT_EQ(kStunBindingErrorResponse, 0x0111);
  for (uint16_t method = 0; method < 0x1000; ++method) {
    for (uint8_t c = 0; c < 4; ++c) {
      const uint16_t t = StunMessageType(method, static_cast<StunClass>(c));
      ASSERT_EQ(t & 0xC000, 0);
      ASSERT_EQ(StunMethodOf(t), method);
      ASSERT_EQ(StunClassOf(t), static_cast<StunClass>(c));
    }
  }
}

TEST(StunMessageTest, IsStunDemux) {
  EXPECT_TRUE(StunMessage::IsStun(kRfc5769Request));
  EXPECT_TRUE(StunMessage::IsStun(kRfc5769Ipv4Response));
  EXPECT_FALSE(StunMessage::IsStun(std::span<const uint8_t>(kRfc5769Request).first(19)));
  auto m = ToVector(kRfc5769Request);
  m[4] ^= 1;  // cookie
  EXPECT_FALSE(StunMessage::IsStun(m));
  m = ToVector(kRfc5769Request);
  m[0] = 0x80;  // RTP/RTCP range
  EXPECT_FALSE(StunMessage::IsStun(m));
  m[0] = 0x16;  // DTLS handshake
  EXPECT_FALSE(StunMessage::IsStun(m));
  m[0] = 0x03;  // RFC 7983 allows 0..3
  EXPECT_TRUE(StunMessage::IsStun(m));
}

TEST(StunMessageTest, Rfc5769SampleRequest) {
  const auto m = StunMessage::Parse(kRfc5769Request);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->IsBindingRequest());
  EXPECT_EQ(m->Method(), stun_method::kBinding);
  EXPECT_EQ(m->Class(), StunClass::kRequest);
  EXPECT_EQ(m->Size(), kRfc5769Request.size());
  const uint8_t txid[] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
  EXPECT_TRUE(std::equal(m->TransactionId().begin(), m->TransactionId().end(), txid));
  EXPECT_EQ(m->Software(), "STUN test client");
  EXPECT_EQ(m->Priority(), 0x6e0001ffu);
  EXPECT_EQ(m->IceControlled(), 0x932ff9b151263b36ull);
  EXPECT_FALSE(m->IceControlling());
  EXPECT_EQ(m->Username(), "evtj:h6vY");
  EXPECT_FALSE(m->HasUseCandidate());
  EXPECT_FALSE(m->XorMappedAddress());
  EXPECT_FALSE(m->ErrorCode());
  EXPECT_FALSE(m->HasUnknownRequiredAttributes());
  EXPECT_TRUE(m->HasMessageIntegrity());
  EXPECT_TRUE(m->HasFingerprint());
  EXPECT_TRUE(m->CheckIntegrity(kRfc5769Password));
  EXPECT_TRUE(m->CheckIntegrity(HmacSha1(kRfc5769Password)));
  EXPECT_FALSE(m->CheckIntegrity("VOkJxbRl1RmTxUk/WvJxBT"));
  EXPECT_FALSE(m->CheckIntegrity(""));
  EXPECT_TRUE(m->CheckFingerprint());
}

TEST(StunMessageTest, Rfc5769Ipv4Response) {
  const auto m = StunMessage::Parse(kRfc5769Ipv4Response);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Type(), kStunBindingSuccessResponse);
  EXPECT_EQ(m->Software(), "test vector");
  const auto addr = m->XorMappedAddress();
  ASSERT_TRUE(addr);
  EXPECT_EQ(*addr, StunAddress::Ipv4({192, 0, 2, 1}, 32853));
  EXPECT_TRUE(m->CheckIntegrity(kRfc5769Password));
  EXPECT_TRUE(m->CheckFingerprint());
}

TEST(StunMessageTest, Rfc5769Ipv6Response) {
  const auto m = StunMessage::Parse(kRfc5769Ipv6Response);
  ASSERT_TRUE(m);
  const auto addr = m->XorMappedAddress();
  ASSERT_TRUE(addr);
  EXPECT_EQ(*addr, StunAddress::Ipv6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11,
                                      0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
                                     32853));
  EXPECT_TRUE(m->CheckIntegrity(kRfc5769Password));
  EXPECT_TRUE(m->CheckFingerprint());
}

std::array<uint8_t, 16> LongTermKey() {
  const std::string input = std::string(test::kRfc5769LongTermUsername) + ":" +
                            std::string(test::kRfc5769LongTermRealm) + ":" +
                            std::string(test::kRfc5769LongTermPassword);
  std::array<uint8_t, 16> key{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), key.data(), &len, EVP_md5(), nullptr);
  return key;
}

TEST(StunMessageTest, Rfc5769LongTermAuthRequest) {
  const auto m = StunMessage::Parse(kRfc5769LongTermRequest);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->IsBindingRequest());
  EXPECT_EQ(m->Username(), test::kRfc5769LongTermUsername);
  EXPECT_EQ(m->Realm(), test::kRfc5769LongTermRealm);
  EXPECT_EQ(m->Nonce(), test::kRfc5769LongTermNonce);
  EXPECT_FALSE(m->HasUnknownRequiredAttributes());  // REALM and NONCE are known
  EXPECT_FALSE(m->HasFingerprint());
  EXPECT_FALSE(m->CheckFingerprint());
  const auto key = LongTermKey();
  EXPECT_TRUE(m->CheckIntegrity(std::span<const uint8_t>(key)));
  EXPECT_FALSE(m->CheckIntegrity(test::kRfc5769LongTermPassword));
}

TEST(StunMessageTest, EveryTruncationIsRejected) {
  for (const auto& vec : {ToVector(kRfc5769Request), ToVector(kRfc5769Ipv4Response),
                          ToVector(kRfc5769Ipv6Response), ToVector(kRfc5769LongTermRequest)}) {
    ASSERT_TRUE(StunMessage::Parse(vec));
    for (std::size_t n = 0; n < vec.size(); ++n) {
      ASSERT_FALSE(StunMessage::Parse(std::span<const uint8_t>(vec).first(n))) << n;
    }
  }
}

TEST(StunMessageTest, TrailingBytesAndBadLengthFieldsAreRejected) {
  auto m = ToVector(kRfc5769Request);
  m.insert(m.end(), {0, 0, 0, 0});
  EXPECT_FALSE(StunMessage::Parse(m));  // length field says 0x58

  m = ToVector(kRfc5769Request);
  WriteU16(m.data() + 2, 0x57);  // not a multiple of 4
  EXPECT_FALSE(StunMessage::Parse(m));

  m = ToVector(kRfc5769Request);
  m[0] |= 0x40;  // top bits must be zero
  EXPECT_FALSE(StunMessage::Parse(m));

  m = ToVector(kRfc5769Request);
  m[7] ^= 0xFF;  // cookie
  EXPECT_FALSE(StunMessage::Parse(m));
}

TEST(StunMessageTest, AttributeOverrunningMessageIsRejected) {
  auto m = ToVector(kRfc5769Request);
  WriteU16(m.data() + 20 + 2, 0x0100);  // SOFTWARE claims 256 bytes
  EXPECT_FALSE(StunMessage::Parse(m));
}

TEST(StunMessageTest, KnownAttributeWithBadSizeIsRejected) {
  // Build messages with one malformed attribute each.
  const StunTransactionId txid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  struct Case {
    uint16_t type;
    std::vector<uint8_t> value;
  };
  const std::vector<Case> cases = {
      {stun_attr::kPriority, {1, 2}},
      {stun_attr::kUseCandidate, {0, 0, 0, 0}},
      {stun_attr::kIceControlling, {1, 2, 3, 4}},
      {stun_attr::kIceControlled, {1, 2, 3, 4, 5, 6, 7, 8, 9}},
      {stun_attr::kMessageIntegrity, std::vector<uint8_t>(16)},
      {stun_attr::kMessageIntegritySha256, std::vector<uint8_t>(12)},
      {stun_attr::kMessageIntegritySha256, std::vector<uint8_t>(18)},
      {stun_attr::kFingerprint, {1, 2}},
      {stun_attr::kXorMappedAddress, {0, 3, 0, 0, 0, 0, 0, 0}},                 // family 3
      {stun_attr::kXorMappedAddress, {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},     // v4, 12 bytes
      {stun_attr::kXorMappedAddress, {0, 2, 0, 0, 0, 0, 0, 0}},                 // v6, 8 bytes
      {stun_attr::kErrorCode, {0, 0, 2, 0}},                                    // class 2
      {stun_attr::kErrorCode, {0, 0, 4, 100}},                                  // number 100
      {stun_attr::kErrorCode, {0, 0, 4}},                                       // short
      {stun_attr::kNomination, {1}},
      {stun_attr::kUsername, std::vector<uint8_t>(600, 'a')},
  };
  for (const auto& c : cases) {
    std::vector<uint8_t> buf(2048);
    StunBuilder b(buf);
    ASSERT_TRUE(b.Begin(kStunBindingRequest, txid));
    ASSERT_TRUE(b.AddAttribute(c.type, c.value));
    const std::size_t n = b.Finish();
    ASSERT_GT(n, 0u);
    EXPECT_FALSE(StunMessage::Parse(std::span<const uint8_t>(buf).first(n)))
        << "type " << c.type << " size " << c.value.size();
  }
}

TEST(StunMessageTest, FingerprintMustBeLast) {
  auto m = ToVector(kRfc5769Request);
  m.insert(m.end(), {0x00, 0x25, 0x00, 0x00});  // USE-CANDIDATE after FINGERPRINT
  WriteU16(m.data() + 2, static_cast<uint16_t>(m.size() - 20));
  EXPECT_FALSE(StunMessage::Parse(m));
}

TEST(StunMessageTest, AttributesAfterIntegrityAreIgnored) {
  // RFC 5769 §2.4 message plus a PRIORITY after MESSAGE-INTEGRITY: still parses, the
  // PRIORITY is not reported, integrity still verifies (it never covered it).
  auto m = ToVector(kRfc5769LongTermRequest);
  m.insert(m.end(), {0x00, 0x24, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04});
  WriteU16(m.data() + 2, static_cast<uint16_t>(m.size() - 20));
  const auto msg = StunMessage::Parse(m);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->Priority());
  EXPECT_TRUE(msg->CheckIntegrity(std::span<const uint8_t>(LongTermKey())));
}

TEST(StunMessageTest, UnknownAttributesAreSkippedAndRequiredOnesReported) {
  const StunTransactionId txid{};
  std::vector<uint8_t> buf(512);
  StunBuilder b(buf);
  ASSERT_TRUE(b.Begin(kStunBindingRequest, txid));
  const uint8_t v[] = {1, 2, 3};
  ASSERT_TRUE(b.AddAttribute(0xC057, v));  // GOOG-NETWORK-INFO: optional
  ASSERT_TRUE(b.AddAttribute(0x0003, v));  // CHANGE-REQUEST (RFC 5780): required, unknown
  ASSERT_TRUE(b.AddPriority(7));
  ASSERT_TRUE(b.AddAttribute(0x001E, v));  // USERHASH: required, unsupported
  ASSERT_TRUE(b.AddFingerprint());
  const auto m = StunMessage::Parse(std::span<const uint8_t>(buf).first(b.Finish()));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Priority(), 7u);
  ASSERT_EQ(m->UnknownRequiredAttributes().size(), 2u);
  EXPECT_EQ(m->UnknownRequiredAttributes()[0], 0x0003);
  EXPECT_EQ(m->UnknownRequiredAttributes()[1], 0x001E);
  EXPECT_TRUE(m->CheckFingerprint());

  std::vector<uint16_t> seen;
  m->ForEachAttribute([&](uint16_t type, std::span<const uint8_t>) { seen.push_back(type); });
  EXPECT_EQ(seen, (std::vector<uint16_t>{0xC057, 0x0003, 0x0024, 0x001E, 0x8028}));
}

TEST(StunMessageTest, IceAttributesAndDuplicates) {
  const StunTransactionId txid{9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
  std::vector<uint8_t> buf(512);
  StunBuilder b(buf);
  ASSERT_TRUE(b.Begin(kStunBindingRequest, txid));
  ASSERT_TRUE(b.AddUsername("srv:cli"));
  ASSERT_TRUE(b.AddUsername("second:ignored"));
  ASSERT_TRUE(b.AddPriority(0x6e7f1eff));
  ASSERT_TRUE(b.AddUseCandidate());
  ASSERT_TRUE(b.AddIceControlling(0x1122334455667788ull));
  uint8_t nom[4];
  WriteU32(nom, 5);
  ASSERT_TRUE(b.AddAttribute(stun_attr::kGoogNomination, nom));
  ASSERT_TRUE(b.AddMessageIntegrity("pass"));
  ASSERT_TRUE(b.AddFingerprint());
  const auto m = StunMessage::Parse(std::span<const uint8_t>(buf).first(b.Finish()));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Username(), "srv:cli");
  EXPECT_EQ(m->Priority(), 0x6e7f1effu);
  EXPECT_TRUE(m->HasUseCandidate());
  EXPECT_EQ(m->IceControlling(), 0x1122334455667788ull);
  EXPECT_EQ(m->Nomination(), 5u);
  EXPECT_TRUE(m->CheckIntegrity("pass"));
  EXPECT_TRUE(m->CheckFingerprint());
}

TEST(StunMessageTest, CorruptedBytesFailChecks) {
  auto m = ToVector(kRfc5769Request);
  m[30] ^= 0x01;  // inside SOFTWARE: covered by both MI and FINGERPRINT
  auto msg = StunMessage::Parse(m);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->CheckIntegrity(kRfc5769Password));
  EXPECT_FALSE(msg->CheckFingerprint());
  FixFingerprint(m);
  msg = StunMessage::Parse(m);
  ASSERT_TRUE(msg);
  EXPECT_TRUE(msg->CheckFingerprint());
  EXPECT_FALSE(msg->CheckIntegrity(kRfc5769Password));
}

TEST(StunMessageTest, ParseAndCheckDoNotAllocate) {
  const HmacSha1 key(kRfc5769Password);
  test::AllocationScope scope;
  for (int i = 0; i < 10; ++i) {
    const auto m = StunMessage::Parse(kRfc5769Request);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->CheckIntegrity(key));
    ASSERT_TRUE(m->CheckIntegrity(kRfc5769Password));
    ASSERT_TRUE(m->CheckFingerprint());
  }
  EXPECT_EQ(scope.Count(), 0u);
}

}  // namespace
}  // namespace tr::media
