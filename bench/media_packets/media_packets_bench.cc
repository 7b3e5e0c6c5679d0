// ns/op of the media packet layer on the packet path: RTP parse, the per-consumer rewrite,
// STUN parse + integrity, TWCC feedback build / parse. Run:
//   build/bench/media_packets/bench_media_packets
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "media/rtcp/generic_nack.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/transport_feedback.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/rtp_packet.h"
#include "media/stun/stun_builder.h"
#include "media/stun/stun_message.h"

namespace {

using namespace tr::media;

// A 1200-byte Chrome VP8 packet with 4 one-byte extensions: abs-send-time (2),
// video-orientation (3), transport-wide seq (4), mid (9).
std::vector<uint8_t> MakeVideoPacket() {
  std::vector<uint8_t> p = {0x90, 0x60, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x7a, 0x1b,
                            0x2c, 0x3d, 0xbe, 0xde, 0x00, 0x03, 0x22, 0x5d, 0x3c, 0x1f,
                            0x30, 0x00, 0x41, 0x01, 0x2c, 0x90, 0x30, 0x00};
  p.push_back(0x90);  // VP8 descriptor: X S, I, PictureID
  p.push_back(0x80);
  p.push_back(0x81);
  p.push_back(0x23);
  while (p.size() < 1200) {
    p.push_back(static_cast<uint8_t>(p.size()));
  }
  return p;
}

void BM_RtpParse(benchmark::State& state) {
  std::vector<uint8_t> buf = MakeVideoPacket();
  for (auto _ : state) {
    auto p = RtpPacket::Parse(buf);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_RtpParse);

void BM_RtpParseIntoExisting(benchmark::State& state) {
  std::vector<uint8_t> buf = MakeVideoPacket();
  RtpPacket p;
  for (auto _ : state) {
    bool ok = RtpPacket::Parse(buf, p);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_RtpParseIntoExisting);

// The per-consumer rewrite on the shared packet: SSRC, sequence number, timestamp, payload
// type and the extension ids (alternating between a map and its inverse so each iteration
// does a full remap of all 4 extensions).
void BM_RtpPerConsumerRewrite(benchmark::State& state) {
  std::vector<uint8_t> buf = MakeVideoPacket();
  auto p = RtpPacket::Parse(buf);
  RtpExtensionIdMap forward{};
  RtpExtensionIdMap back{};
  const uint8_t from[] = {2, 3, 4, 9};
  const uint8_t to[] = {4, 8, 5, 1};
  for (int i = 0; i < 4; ++i) {
    forward[from[i]] = to[i];
    back[to[i]] = from[i];
  }
  uint32_t n = 0;
  for (auto _ : state) {
    p->SetSsrc(0xDEADBEEF + n);
    p->SetSequenceNumber(static_cast<uint16_t>(n));
    p->SetTimestamp(n * 3000);
    p->SetPayloadType(101);
    bool ok = p->RemapExtensionIds((n & 1) ? back : forward);
    benchmark::DoNotOptimize(ok);
    benchmark::ClobberMemory();
    ++n;
  }
}
BENCHMARK(BM_RtpPerConsumerRewrite);

// The same plus what a consumer also stamps: transport-wide seq, abs-send-time, its MID.
void BM_RtpPerConsumerRewriteWithExtensionValues(benchmark::State& state) {
  std::vector<uint8_t> buf = MakeVideoPacket();
  auto p = RtpPacket::Parse(buf);
  RtpExtensionIdMap forward{};
  RtpExtensionIdMap back{};
  const uint8_t from[] = {2, 3, 4, 9};
  const uint8_t to[] = {4, 8, 5, 1};
  for (int i = 0; i < 4; ++i) {
    forward[from[i]] = to[i];
    back[to[i]] = from[i];
  }
  uint32_t n = 0;
  for (auto _ : state) {
    const bool fwd = (n & 1) == 0;
    p->SetSsrc(0xDEADBEEF + n);
    p->SetSequenceNumber(static_cast<uint16_t>(n));
    p->SetTimestamp(n * 3000);
    p->SetPayloadType(101);
    bool ok = p->RemapExtensionIds(fwd ? forward : back);
    ok &= p->SetExtension<TransportSequenceNumberExtension>(fwd ? 5 : 4, static_cast<uint16_t>(n));
    ok &= p->SetExtension<AbsSendTimeExtension>(fwd ? 4 : 2, AbsSendTimeExtension::FromMicros(n));
    ok &= p->SetExtension<MidExtension>(fwd ? 1 : 9, fwd ? "7" : "0");
    benchmark::DoNotOptimize(ok);
    benchmark::ClobberMemory();
    ++n;
  }
}
BENCHMARK(BM_RtpPerConsumerRewriteWithExtensionValues);

void BM_Vp8KeyFrameCheck(benchmark::State& state) {
  std::vector<uint8_t> buf = MakeVideoPacket();
  auto p = RtpPacket::Parse(buf);
  for (auto _ : state) {
    auto d = Vp8PayloadDescriptor::Parse(p->Payload());
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_Vp8KeyFrameCheck);

constexpr std::string_view kIcePassword = "a1B2c3D4e5F6g7H8i9J0k1L2";

std::vector<uint8_t> MakeBindingRequest() {
  std::vector<uint8_t> buf(256);
  const StunTransactionId txid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  StunBuilder b(buf);
  b.Begin(kStunBindingRequest, txid);
  b.AddUsername("sRvUfRaG:cLiE");
  const uint8_t netinfo[] = {0x00, 0x01, 0x00, 0x0a};
  b.AddAttribute(0xC057, netinfo);
  b.AddIceControlling(0x0102030405060708ull);
  b.AddUseCandidate();
  b.AddPriority(0x6e7f1eff);
  b.AddMessageIntegrity(kIcePassword);
  b.AddFingerprint();
  buf.resize(b.Finish());
  return buf;
}

void BM_StunParseAndCheckIntegrity(benchmark::State& state) {
  const std::vector<uint8_t> req = MakeBindingRequest();
  const HmacSha1 key(kIcePassword);  // prepared once per ICE password
  for (auto _ : state) {
    auto m = StunMessage::Parse(req);
    bool ok = m && m->CheckIntegrity(key) && m->CheckFingerprint();
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_StunParseAndCheckIntegrity);

void BM_StunParseAndCheckIntegrityStringKey(benchmark::State& state) {
  const std::vector<uint8_t> req = MakeBindingRequest();
  for (auto _ : state) {
    auto m = StunMessage::Parse(req);
    bool ok = m && m->CheckIntegrity(kIcePassword) && m->CheckFingerprint();
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_StunParseAndCheckIntegrityStringKey);

// Reference point for the own HMAC-SHA1: OpenSSL's one-shot HMAC() over the same bytes
// (allocates a context internally on every call).
void BM_OpenSslHmacSha1Reference(benchmark::State& state) {
  const std::vector<uint8_t> req = MakeBindingRequest();
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    HMAC(EVP_sha1(), kIcePassword.data(), static_cast<int>(kIcePassword.size()), req.data(),
         req.size() - 32, md, &len);
    benchmark::DoNotOptimize(md);
  }
}
BENCHMARK(BM_OpenSslHmacSha1Reference);

void BM_StunBuildBindingSuccess(benchmark::State& state) {
  const std::vector<uint8_t> req = MakeBindingRequest();
  const auto m = StunMessage::Parse(req);
  const HmacSha1 key(kIcePassword);
  const StunAddress mapped = StunAddress::Ipv4({192, 0, 2, 1}, 50000);
  std::array<uint8_t, 128> out{};
  for (auto _ : state) {
    std::size_t n = StunBuilder::BuildBindingSuccess(out, m->TransactionId(), mapped, key);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_StunBuildBindingSuccess);

// ~100 ms of a 2.5 Mbit/s + audio transport: 100 packets, 2 % loss, 0.6-1.4 ms spacing.
std::vector<TransportFeedback::PacketResult> MakeTwccInput(int count) {
  std::vector<TransportFeedback::PacketResult> in;
  int64_t t = 12'345'678;
  uint32_t r = 7;
  for (int i = 0; i < count; ++i) {
    r = r * 1103515245u + 12345u;
    t += 600 + (r >> 16) % 800;
    in.push_back({static_cast<uint16_t>(65500 + i),
                  (r >> 8) % 50 == 0 ? TransportFeedback::kNotReceived : t});
  }
  return in;
}

void BM_TwccBuild(benchmark::State& state) {
  const auto in = MakeTwccInput(static_cast<int>(state.range(0)));
  std::vector<uint8_t> out(1500);
  for (auto _ : state) {
    std::size_t n = TransportFeedback::Build(out, 1, 2, 3, in);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TwccBuild)->Arg(20)->Arg(100);

void BM_TwccParseAndIterate(benchmark::State& state) {
  const auto in = MakeTwccInput(static_cast<int>(state.range(0)));
  std::vector<uint8_t> out(1500);
  out.resize(TransportFeedback::Build(out, 1, 2, 3, in));
  for (auto _ : state) {
    RtcpCompoundIterator it(out);
    RtcpPacket packet;
    int64_t sum = 0;
    while (it.Next(&packet)) {
      if (auto fb = TransportFeedback::Parse(packet)) {
        fb->ForEachPacket([&](const TwccPacketStatus& s) { sum += s.receive_time_us; });
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TwccParseAndIterate)->Arg(20)->Arg(100);

void BM_NackBuildAndParse(benchmark::State& state) {
  const uint16_t lost[] = {100, 101, 103, 117, 140, 141, 142, 200};
  std::array<uint8_t, 64> out{};
  for (auto _ : state) {
    std::size_t n = GenericNack::Build(out, 1, 2, lost);
    auto p = RtcpPacket::Parse(std::span<const uint8_t>(out).first(n));
    std::size_t count = 0;
    if (auto nack = GenericNack::Parse(*p)) {
      nack->ForEachLost([&](uint16_t) { ++count; });
    }
    benchmark::DoNotOptimize(count);
  }
}
BENCHMARK(BM_NackBuildAndParse);

}  // namespace

BENCHMARK_MAIN();
