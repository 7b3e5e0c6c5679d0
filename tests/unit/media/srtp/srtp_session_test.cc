#include "media/srtp/srtp_session.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "srtp_reference.h"

namespace tr::media {
namespace {

using testing::Bytes;
using testing::FromHex;
using Direction = SrtpSession::Direction;

constexpr SrtpProfile kProfiles[] = {SrtpProfile::kAeadAes128Gcm,
                                     SrtpProfile::kAes128CmHmacSha1_80};

// Deterministic key material (tests are hermetic: no randomness).
Bytes MasterKey(uint8_t seed = 1) {
  Bytes key(16);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed * 31 + i * 7);
  return key;
}

Bytes MasterSalt(SrtpProfile profile, uint8_t seed = 1) {
  Bytes salt(SrtpMasterSaltLength(profile));
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<uint8_t>(seed * 17 + i * 13);
  return salt;
}

// A VP8-like RTP packet: V=2, optional one-byte header extension (RFC 8285), payload of
// `payload_size` bytes.
Bytes MakeRtp(uint16_t seq, uint32_t ssrc, std::size_t payload_size, bool extension = false) {
  Bytes p;
  p.reserve(20 + payload_size);
  auto put = [&p](uint8_t b) { p.push_back(b); };
  put(extension ? 0x90 : 0x80);
  put(96);
  put(static_cast<uint8_t>(seq >> 8));
  put(static_cast<uint8_t>(seq));
  for (int b : {0x00, 0x01, 0xe2, 0x40}) put(static_cast<uint8_t>(b));  // timestamp 123456
  for (int shift = 24; shift >= 0; shift -= 8) put(static_cast<uint8_t>(ssrc >> shift));
  if (extension) {
    // 0xBEDE profile, 1 word: id 1 (mid) len 1 "0", id 3 len 1, 0x2a.
    for (int b : {0xbe, 0xde, 0x00, 0x01, 0x10, 0x30, 0x30, 0x2a}) put(static_cast<uint8_t>(b));
  }
  for (std::size_t i = 0; i < payload_size; ++i) put(static_cast<uint8_t>(i * 3 + seq));
  return p;
}

// RTCP receiver report with one report block (RFC 3550 §6.4.2): 32 bytes.
Bytes MakeRtcpRr(uint32_t ssrc) {
  Bytes p = {0x81,
             201,
             0x00,
             0x07,
             static_cast<uint8_t>(ssrc >> 24),
             static_cast<uint8_t>(ssrc >> 16),
             static_cast<uint8_t>(ssrc >> 8),
             static_cast<uint8_t>(ssrc)};
  for (int i = 0; i < 24; ++i) p.push_back(static_cast<uint8_t>(0xa0 + i));
  return p;
}

struct Pair {
  SrtpSession out;
  SrtpSession in;
};

std::optional<Pair> MakePair(SrtpProfile profile, uint8_t out_seed = 1, uint8_t in_seed = 1) {
  auto out = SrtpSession::Create(Direction::kOutbound, profile, MasterKey(out_seed),
                                 MasterSalt(profile, out_seed));
  auto in = SrtpSession::Create(Direction::kInbound, profile, MasterKey(in_seed),
                                MasterSalt(profile, in_seed));
  if (!out || !in) return std::nullopt;
  return Pair{std::move(*out), std::move(*in)};
}

// Protects `plain` into a fresh buffer with trailer room; returns the SRTP bytes.
std::optional<Bytes> Protect(SrtpSession& s, const Bytes& plain, bool rtcp = false) {
  Bytes buffer(plain.size() + SrtpSession::kRtcpTrailerRoom);
  std::size_t len = 0;
  const bool ok =
      rtcp ? s.ProtectRtcp(plain.data(), plain.size(), buffer.data(), buffer.size(), &len)
           : s.ProtectRtp(plain.data(), plain.size(), buffer.data(), buffer.size(), &len);
  if (!ok) return std::nullopt;
  buffer.resize(len);
  return buffer;
}

std::optional<Bytes> Unprotect(SrtpSession& s, Bytes packet, bool rtcp = false) {
  std::size_t len = packet.size();
  const bool ok = rtcp ? s.UnprotectRtcp(packet.data(), &len) : s.UnprotectRtp(packet.data(), &len);
  if (!ok) return std::nullopt;
  packet.resize(len);
  return packet;
}

class SrtpSessionProfileTest : public ::testing::TestWithParam<SrtpProfile> {};

INSTANTIATE_TEST_SUITE_P(BothProfiles, SrtpSessionProfileTest, ::testing::ValuesIn(kProfiles),
                         [](const ::testing::TestParamInfo<SrtpProfile>& param_info) {
                           return param_info.param == SrtpProfile::kAeadAes128Gcm
                                      ? std::string("AeadAes128Gcm")
                                      : std::string("Aes128CmHmacSha1_80");
                         });

TEST_P(SrtpSessionProfileTest, RtpRoundTripForSeveralSizes) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  const std::size_t tag = GetParam() == SrtpProfile::kAeadAes128Gcm ? 16 : 10;
  uint16_t seq = 1000;
  for (std::size_t size : {1u, 20u, 160u, 1200u}) {
    for (bool extension : {false, true}) {
      const Bytes plain = MakeRtp(seq++, 0x11223344, size, extension);
      auto srtp = Protect(pair->out, plain);
      ASSERT_TRUE(srtp);
      EXPECT_EQ(srtp->size(), plain.size() + tag);
      const std::size_t header = extension ? 20 : 12;
      EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + header, srtp->begin()))
          << "header stays in the clear";
      EXPECT_FALSE(std::equal(plain.begin() + header, plain.end(), srtp->begin() + header))
          << "payload is encrypted";
      auto back = Unprotect(pair->in, *srtp);
      ASSERT_TRUE(back);
      EXPECT_EQ(*back, plain);
    }
  }
  EXPECT_EQ(pair->out.stats().protected_packets, 8u);
  EXPECT_EQ(pair->in.stats().unprotected_packets, 8u);
}

TEST_P(SrtpSessionProfileTest, RtcpRoundTrip) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  for (uint32_t ssrc : {0x01020304u, 0x05060708u}) {
    for (int i = 0; i < 3; ++i) {
      const Bytes plain = MakeRtcpRr(ssrc);
      auto srtcp = Protect(pair->out, plain, /*rtcp=*/true);
      ASSERT_TRUE(srtcp);
      EXPECT_GT(srtcp->size(), plain.size() + 4);
      auto back = Unprotect(pair->in, *srtcp, /*rtcp=*/true);
      ASSERT_TRUE(back);
      EXPECT_EQ(*back, plain);
    }
  }
}

TEST_P(SrtpSessionProfileTest, ManySsrcsShareOneSession) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  for (uint32_t ssrc = 1; ssrc <= 20; ++ssrc) {
    const Bytes plain = MakeRtp(static_cast<uint16_t>(ssrc * 1000), ssrc, 100);
    auto srtp = Protect(pair->out, plain);
    ASSERT_TRUE(srtp);
    auto back = Unprotect(pair->in, *srtp);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, plain);
  }
}

TEST_P(SrtpSessionProfileTest, TamperedPacketsAreRejected) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  uint16_t seq = 1;
  // Flip one bit in the header, in the payload and in the tag: each must fail.
  for (std::size_t position : {1u, 3u, 9u, 12u, 100u, 170u}) {
    const Bytes plain = MakeRtp(seq++, 0xcafebabe, 160);
    auto srtp = Protect(pair->out, plain);
    ASSERT_TRUE(srtp);
    ASSERT_LT(position, srtp->size());
    Bytes tampered = *srtp;
    tampered[position] ^= 0x01;
    EXPECT_FALSE(Unprotect(pair->in, tampered)) << "flipped byte " << position;
    // The genuine packet still passes afterwards: a forged copy does not burn the index.
    EXPECT_TRUE(Unprotect(pair->in, *srtp));
  }
  // Truncated (tag cut off) and tiny packets.
  const Bytes plain = MakeRtp(seq++, 0xcafebabe, 160);
  auto srtp = Protect(pair->out, plain);
  ASSERT_TRUE(srtp);
  Bytes truncated(srtp->begin(), srtp->end() - 4);
  EXPECT_FALSE(Unprotect(pair->in, truncated));
  EXPECT_FALSE(Unprotect(pair->in, Bytes(srtp->begin(), srtp->begin() + 11)));
  EXPECT_FALSE(Unprotect(pair->in, Bytes{}));
  EXPECT_GE(pair->in.stats().auth_failures, 6u);
  EXPECT_GE(pair->in.stats().other_failures + pair->in.stats().auth_failures, 9u);

  // RTCP too.
  auto srtcp = Protect(pair->out, MakeRtcpRr(7), /*rtcp=*/true);
  ASSERT_TRUE(srtcp);
  Bytes bad = *srtcp;
  bad[10] ^= 0x80;
  EXPECT_FALSE(Unprotect(pair->in, bad, /*rtcp=*/true));
  EXPECT_TRUE(Unprotect(pair->in, *srtcp, /*rtcp=*/true));
}

TEST_P(SrtpSessionProfileTest, ReplayIsRejectedInbound) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  const Bytes plain = MakeRtp(500, 0xabcdef01, 160);
  auto srtp = Protect(pair->out, plain);
  ASSERT_TRUE(srtp);
  EXPECT_TRUE(Unprotect(pair->in, *srtp));
  EXPECT_FALSE(Unprotect(pair->in, *srtp));
  EXPECT_EQ(pair->in.stats().replay_failures, 1u);

  auto srtcp = Protect(pair->out, MakeRtcpRr(9), /*rtcp=*/true);
  ASSERT_TRUE(srtcp);
  EXPECT_TRUE(Unprotect(pair->in, *srtcp, /*rtcp=*/true));
  EXPECT_FALSE(Unprotect(pair->in, *srtcp, /*rtcp=*/true));
  EXPECT_EQ(pair->in.stats().replay_failures, 2u);
}

TEST_P(SrtpSessionProfileTest, ReplayWindowAcceptsLateRetransmissionsUpTo1024) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  std::vector<Bytes> sent;
  for (uint16_t seq = 0; seq <= 1100; ++seq) {
    auto srtp = Protect(pair->out, MakeRtp(seq, 0x55, 40));
    ASSERT_TRUE(srtp);
    sent.push_back(*srtp);
  }
  // Receive the newest first, then older ones as a NACK-driven resend would deliver them.
  EXPECT_TRUE(Unprotect(pair->in, sent[1100]));
  EXPECT_TRUE(Unprotect(pair->in, sent[1099]));
  EXPECT_TRUE(Unprotect(pair->in, sent[600]));
  EXPECT_TRUE(Unprotect(pair->in, sent[1100 - 1023]));  // oldest index inside the window
  EXPECT_FALSE(Unprotect(pair->in, sent[10]));          // behind the window
  EXPECT_EQ(pair->in.stats().replay_failures, 1u);
}

TEST_P(SrtpSessionProfileTest, OutboundAllowsRetransmissionOfSamePacket) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  const Bytes plain = MakeRtp(42, 0x99, 300);
  auto first = Protect(pair->out, plain);
  ASSERT_TRUE(first);
  for (uint16_t seq = 43; seq < 60; ++seq) ASSERT_TRUE(Protect(pair->out, MakeRtp(seq, 0x99, 300)));
  auto again = Protect(pair->out, plain);  // NACK: same SSRC, sequence number and payload
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  // The receiver gets it once: the resend fills the hole if the first copy was lost.
  EXPECT_TRUE(Unprotect(pair->in, *again));
  EXPECT_FALSE(Unprotect(pair->in, *first));
}

TEST_P(SrtpSessionProfileTest, WrongKeyOrSaltIsRejected) {
  const SrtpProfile profile = GetParam();
  auto out =
      SrtpSession::Create(Direction::kOutbound, profile, MasterKey(1), MasterSalt(profile, 1));
  auto wrong_key =
      SrtpSession::Create(Direction::kInbound, profile, MasterKey(2), MasterSalt(profile, 1));
  auto wrong_salt =
      SrtpSession::Create(Direction::kInbound, profile, MasterKey(1), MasterSalt(profile, 2));
  ASSERT_TRUE(out && wrong_key && wrong_salt);
  auto srtp = Protect(*out, MakeRtp(1, 2, 160));
  ASSERT_TRUE(srtp);
  EXPECT_FALSE(Unprotect(*wrong_key, *srtp));
  EXPECT_FALSE(Unprotect(*wrong_salt, *srtp));
  EXPECT_EQ(wrong_key->stats().auth_failures, 1u);
  auto srtcp = Protect(*out, MakeRtcpRr(2), /*rtcp=*/true);
  ASSERT_TRUE(srtcp);
  EXPECT_FALSE(Unprotect(*wrong_key, *srtcp, /*rtcp=*/true));
}

TEST_P(SrtpSessionProfileTest, ProtectNeedsTrailerRoomAndRightDirection) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  const Bytes plain = MakeRtp(1, 2, 160);
  Bytes small(plain.size() + SrtpSession::kRtpTrailerRoom - 1);
  std::size_t len = 0;
  EXPECT_FALSE(pair->out.ProtectRtp(plain.data(), plain.size(), small.data(), small.size(), &len));
  Bytes enough(plain.size() + SrtpSession::kRtpTrailerRoom);
  EXPECT_TRUE(pair->out.ProtectRtp(plain.data(), plain.size(), enough.data(), enough.size(), &len));
  const Bytes rtcp = MakeRtcpRr(3);
  Bytes rtcp_small(rtcp.size() + SrtpSession::kRtcpTrailerRoom - 1);
  EXPECT_FALSE(
      pair->out.ProtectRtcp(rtcp.data(), rtcp.size(), rtcp_small.data(), rtcp_small.size(), &len));
  // Too short to be RTP / RTCP.
  EXPECT_FALSE(pair->out.ProtectRtp(plain.data(), 11, enough.data(), enough.size(), &len));
  EXPECT_FALSE(pair->out.ProtectRtcp(rtcp.data(), 7, enough.data(), enough.size(), &len));
  // Wrong direction.
  EXPECT_FALSE(pair->in.ProtectRtp(plain.data(), plain.size(), enough.data(), enough.size(), &len));
  Bytes copy = enough;
  std::size_t copy_len = len;
  EXPECT_FALSE(pair->out.UnprotectRtp(copy.data(), &copy_len));
  EXPECT_GE(pair->out.stats().other_failures, 4u);
}

TEST_P(SrtpSessionProfileTest, ProtectInPlace) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  const Bytes plain = MakeRtp(77, 0x1234, 500);
  Bytes buffer(plain.size() + SrtpSession::kRtpTrailerRoom);
  std::memcpy(buffer.data(), plain.data(), plain.size());
  std::size_t len = 0;
  ASSERT_TRUE(
      pair->out.ProtectRtp(buffer.data(), plain.size(), buffer.data(), buffer.size(), &len));
  ASSERT_TRUE(pair->in.UnprotectRtp(buffer.data(), &len));
  buffer.resize(len);
  EXPECT_EQ(buffer, plain);
}

TEST_P(SrtpSessionProfileTest, MovedFromSessionFailsAndMovedToWorks) {
  auto pair = MakePair(GetParam());
  ASSERT_TRUE(pair);
  SrtpSession moved = std::move(pair->out);
  const Bytes plain = MakeRtp(1, 1, 10);
  EXPECT_FALSE(Protect(pair->out, plain));  // NOLINT(bugprone-use-after-move): on purpose
  auto srtp = Protect(moved, plain);
  ASSERT_TRUE(srtp);
  EXPECT_TRUE(Unprotect(pair->in, *srtp));
}

TEST_P(SrtpSessionProfileTest, KeyAndSaltFromOneBuffer) {
  const SrtpProfile profile = GetParam();
  Bytes key_and_salt = MasterKey();
  const Bytes salt = MasterSalt(profile);
  key_and_salt.insert(key_and_salt.end(), salt.begin(), salt.end());
  auto out = SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, key_and_salt);
  auto in = SrtpSession::Create(Direction::kInbound, profile, MasterKey(), salt);
  ASSERT_TRUE(out && in);
  auto srtp = Protect(*out, MakeRtp(5, 6, 70));
  ASSERT_TRUE(srtp);
  EXPECT_TRUE(Unprotect(*in, *srtp));
  key_and_salt.pop_back();
  EXPECT_FALSE(SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, key_and_salt));
}

TEST(SrtpSession, RejectsWrongKeyLengths) {
  const Bytes key = MasterKey();
  EXPECT_FALSE(SrtpSession::Create(Direction::kInbound, SrtpProfile::kAeadAes128Gcm, key,
                                   MasterSalt(SrtpProfile::kAes128CmHmacSha1_80)));
  EXPECT_FALSE(SrtpSession::Create(Direction::kInbound, SrtpProfile::kAes128CmHmacSha1_80, key,
                                   MasterSalt(SrtpProfile::kAeadAes128Gcm)));
  EXPECT_FALSE(SrtpSession::Create(Direction::kInbound, SrtpProfile::kAes128CmHmacSha1_80,
                                   Bytes(15, 1), MasterSalt(SrtpProfile::kAes128CmHmacSha1_80)));
}

// ---- Known-answer tests ----------------------------------------------------------------

// RFC 3711 Appendix B.3: checks the reference KDF the tests below rely on.
TEST(SrtpReference, KeyDerivationMatchesRfc3711AppendixB3) {
  const Bytes master_key = FromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const Bytes master_salt = FromHex("0EC675AD498AFEEBB6960B3AABE6");
  EXPECT_EQ(testing::DeriveSessionKey(master_key, master_salt, 0, 16),
            FromHex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(testing::DeriveSessionKey(master_key, master_salt, 2, 14),
            FromHex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(testing::DeriveSessionKey(master_key, master_salt, 1, 20),
            FromHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
}

uint32_t SrtcpIndexOf(SrtpProfile profile, const Bytes& srtcp) {
  // AES-CM: ... ‖ E ‖ index ‖ tag(10). AEAD: ... ‖ tag(16) ‖ E ‖ index.
  const std::size_t at =
      profile == SrtpProfile::kAeadAes128Gcm ? srtcp.size() - 4 : srtcp.size() - 14;
  return ((uint32_t{srtcp[at]} << 24) | (uint32_t{srtcp[at + 1]} << 16) |
          (uint32_t{srtcp[at + 2]} << 8) | srtcp[at + 3]) &
         0x7fffffffu;
}

TEST_P(SrtpSessionProfileTest, KnownAnswerAgainstIndependentReference) {
  const SrtpProfile profile = GetParam();
  const Bytes key = FromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const Bytes salt = profile == SrtpProfile::kAeadAes128Gcm
                         ? FromHex("0EC675AD498AFEEBB6960B3A")
                         : FromHex("0EC675AD498AFEEBB6960B3AABE6");
  auto out = SrtpSession::Create(Direction::kOutbound, profile, key, salt);
  auto in = SrtpSession::Create(Direction::kInbound, profile, key, salt);
  ASSERT_TRUE(out && in);

  // Includes a sequence-number rollover (65535 → 0 is ROC 1) and a header extension.
  struct Case {
    uint16_t seq;
    uint32_t roc;
    std::size_t payload;
    bool extension;
  };
  const Case cases[] = {{65533, 0, 160, false},
                        {65534, 0, 1200, true},
                        {65535, 0, 1, false},
                        {0, 1, 160, true},
                        {1, 1, 33, false}};
  for (const Case& c : cases) {
    const Bytes plain = MakeRtp(c.seq, 0xdecafbad, c.payload, c.extension);
    auto srtp = Protect(*out, plain);
    ASSERT_TRUE(srtp);
    EXPECT_EQ(*srtp, testing::ReferenceProtectRtp(profile, key, salt, plain, c.roc))
        << "seq " << c.seq;
    auto back = Unprotect(*in, *srtp);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, plain);
  }

  // And the reference output is accepted by the receiver (the other direction).
  const Bytes next = MakeRtp(2, 0xdecafbad, 99);
  EXPECT_TRUE(Unprotect(*in, testing::ReferenceProtectRtp(profile, key, salt, next, 1)));

  for (int i = 0; i < 3; ++i) {
    const Bytes plain = MakeRtcpRr(0xdecafbad);
    auto srtcp = Protect(*out, plain, /*rtcp=*/true);
    ASSERT_TRUE(srtcp);
    const uint32_t index = SrtcpIndexOf(profile, *srtcp);
    EXPECT_EQ(index, static_cast<uint32_t>(i + 1)) << "libsrtp starts SRTCP indices at 1";
    EXPECT_EQ(*srtcp, testing::ReferenceProtectRtcp(profile, key, salt, plain, index));
  }
  EXPECT_TRUE(Unprotect(*in, testing::ReferenceProtectRtcp(profile, key, salt, MakeRtcpRr(1), 100),
                        /*rtcp=*/true));
}

}  // namespace
}  // namespace tr::media
