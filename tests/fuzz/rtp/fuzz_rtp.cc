// libFuzzer target for the RTP packet view (media/rtp): parse, every getter, extension
// lookups for all 256 ids and the typed readers, in-place setters and extension writers,
// clear + remap of extension ids, RTX build / decode, codec payload descriptors. After
// every in-place change the packet must still parse with the expected values.
// Seeds: tests/fuzz/corpus/rtp/ (plain packets; the configuration of each run is derived
// from the packet bytes so that seeds stay real packets).
#include <cstdint>
#include <cstring>
#include <vector>

#include "media/rtp/codecs/codec_payload.h"
#include "media/rtp/codecs/h264.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/codecs/vp9.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"
#include "fuzz_check.h"

namespace {

using namespace tr::media;

volatile uint64_t g_sink = 0;

uint64_t ConsumeGetters(const RtpPacket& p) {
  uint64_t h = p.Size() + p.HeaderSize() + p.PayloadSize() + p.PaddingSize() + p.Version() +
               p.HasPadding() + p.HasHeaderExtension() + p.CsrcCount() + p.Marker() +
               p.PayloadType() + p.SequenceNumber() + p.Timestamp() + p.Ssrc() +
               p.ExtensionProfile() + static_cast<uint64_t>(p.ExtensionForm()) +
               p.ExtensionBlock().size() + p.ExtensionCount();
  FUZZ_CHECK(p.HeaderSize() + p.PayloadSize() + p.PaddingSize() == p.Size());
  for (std::size_t i = 0; i < p.CsrcCount(); ++i) {
    h += p.Csrc(i);
  }
  std::size_t present = 0;
  for (int i = 0; i < 256; ++i) {
    const auto id = static_cast<uint8_t>(i);
    const bool has = p.HasExtension(id);
    present += has;
    const std::span<uint8_t> v = p.GetExtension(id);
    FUZZ_CHECK(has || v.empty());
    h += v.size();
    if (const auto x = p.GetExtension<MidExtension>(id)) h += x->size();
    if (const auto x = p.GetExtension<RtpStreamIdExtension>(id)) h += x->size();
    if (const auto x = p.GetExtension<RepairedRtpStreamIdExtension>(id)) h += x->size();
    if (const auto x = p.GetExtension<AudioLevelExtension>(id)) h += x->level + x->voice_activity;
    if (const auto x = p.GetExtension<AbsSendTimeExtension>(id)) h += *x;
    if (const auto x = p.GetExtension<TransportSequenceNumberExtension>(id)) h += *x;
  }
  FUZZ_CHECK(present == p.ExtensionCount());
  std::size_t walked = 0;
  p.ForEachExtension([&](uint8_t id, std::span<uint8_t> value) {
    ++walked;
    FUZZ_CHECK(p.HasExtension(id));
    const std::span<uint8_t> v = p.GetExtension(id);
    FUZZ_CHECK(v.data() == value.data() && v.size() == value.size());
  });
  FUZZ_CHECK(walked == p.ExtensionCount());
  for (RtpCodec codec : {RtpCodec::kVp8, RtpCodec::kVp9, RtpCodec::kH264, RtpCodec::kOpus}) {
    const CodecPayloadInfo info = InspectPayload(codec, p.Payload());
    h += info.valid + info.is_key_frame + info.temporal_layer + info.spatial_layer;
  }
  if (const auto d = Vp8PayloadDescriptor::Parse(p.Payload())) {
    FUZZ_CHECK(d->size < p.PayloadSize());
    h += d->picture_id + d->width;
  }
  if (const auto d = Vp9PayloadDescriptor::Parse(p.Payload())) {
    FUZZ_CHECK(d->size < p.PayloadSize());
    h += d->picture_id + d->width[0];
  }
  if (const auto d = H264Payload::Parse(p.Payload())) {
    h += d->nal_unit_type + d->has_sps;
  }
  return h;
}

std::vector<uint8_t> Bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::vector<uint8_t> buf(data, data + size);
  RtpPacket::IsRtp(buf);
  auto parsed = RtpPacket::Parse(buf);
  if (!parsed) {
    return 0;
  }
  RtpPacket& p = *parsed;
  uint64_t h = ConsumeGetters(p);
  // Configuration derived from the packet itself.
  uint32_t cfg = 2166136261u;
  for (uint8_t b : buf) {
    cfg = (cfg ^ b) * 16777619u;
  }
  const std::vector<uint8_t> original = buf;

  // RTX: build from the original, decode back, compare (the original's padding is dropped).
  {
    std::vector<uint8_t> rtx_buf(p.HeaderSize() + 2 + p.PayloadSize());
    const std::size_t n = BuildRtxPacket(p, 97, 0xABCD0001, static_cast<uint16_t>(cfg), rtx_buf);
    FUZZ_CHECK(n == rtx_buf.size());
    auto rtx = RtpPacket::Parse(rtx_buf);
    FUZZ_CHECK(rtx && RtxOriginalSequenceNumber(*rtx) == p.SequenceNumber());
    FUZZ_CHECK(rtx->ExtensionCount() == p.ExtensionCount());
    FUZZ_CHECK(RtxDecodeInPlace(*rtx, p.PayloadType(), p.Ssrc()));
    FUZZ_CHECK(rtx->Size() == p.HeaderSize() + p.PayloadSize());
    FUZZ_CHECK((rtx->Data()[0] | (original[0] & 0x20)) == original[0]);
    FUZZ_CHECK(std::memcmp(rtx->Data().data() + 1, original.data() + 1, rtx->Size() - 1) == 0);
    FUZZ_CHECK(rtx->ExtensionCount() == p.ExtensionCount());
  }
  // De-RTX the fuzz input itself, in a copy.
  {
    std::vector<uint8_t> copy = original;
    auto q = RtpPacket::Parse(copy);
    FUZZ_CHECK(q);
    const bool ok = RtxDecodeInPlace(*q, 96, 0x01020304);
    FUZZ_CHECK(ok == (p.PayloadSize() >= 2));
    if (ok) {
      auto again = RtpPacket::Parse(q->Data());
      FUZZ_CHECK(again && again->SequenceNumber() == ReadU16(p.Payload().data()));
      FUZZ_CHECK(again->PayloadSize() == p.PayloadSize() - 2);
      h += ConsumeGetters(*again);
    }
  }

  // Per-consumer rewrite: fixed fields, then the packet must reparse with them.
  p.SetSsrc(cfg);
  p.SetSequenceNumber(static_cast<uint16_t>(cfg >> 3));
  p.SetTimestamp(~cfg);
  FUZZ_CHECK(p.SetPayloadType(static_cast<uint8_t>(cfg & 0x7F)));
  p.SetMarker((cfg & 0x100) != 0);
  {
    std::vector<uint8_t> copy = buf;
    const auto q = RtpPacket::Parse(copy);
    FUZZ_CHECK(q && q->Ssrc() == cfg && q->PayloadType() == (cfg & 0x7F) &&
               q->Marker() == ((cfg & 0x100) != 0) && q->Timestamp() == ~cfg);
  }

  // Extension writers; each accepted write must be visible after a reparse.
  const std::vector<uint8_t> saved_block = Bytes(p.ExtensionBlock());
  for (int i = 1; i < 256; ++i) {
    const auto id = static_cast<uint8_t>(i);
    if (!p.HasExtension(id)) {
      continue;
    }
    bool wrote_tcc = false;
    bool wrote_mid = false;
    const char* mids[] = {"m", "abc", "0123456789abcdef", ""};
    const char* mid = mids[(cfg + id) % 4];
    switch ((cfg >> (id % 24)) % 4) {
      case 0:
        wrote_tcc = p.SetExtension<TransportSequenceNumberExtension>(id, static_cast<uint16_t>(id));
        break;
      case 1:
        p.SetExtension<AbsSendTimeExtension>(id, 0x123456);
        break;
      case 2:
        wrote_mid = p.SetExtension<MidExtension>(id, mid);
        break;
      default:
        p.SetExtension<AudioLevelExtension>(id, AudioLevel{true, 5});
        break;
    }
    std::vector<uint8_t> copy = buf;
    const auto q = RtpPacket::Parse(copy);
    FUZZ_CHECK(q && q->ExtensionCount() == p.ExtensionCount());
    if (wrote_tcc) {
      FUZZ_CHECK(q->GetExtension<TransportSequenceNumberExtension>(id) == id);
    }
    if (wrote_mid) {
      FUZZ_CHECK(q->GetExtension(id).size() == std::strlen(mid));
    }
  }
  FUZZ_CHECK(p.RestoreExtensionBlock(saved_block));
  FUZZ_CHECK(std::memcmp(buf.data() + 12, original.data() + 12, buf.size() - 12) == 0);

  // Clear what a "consumer" did not negotiate, then remap the rest through a permutation.
  const bool one_byte = p.ExtensionForm() == RtpExtensionForm::kOneByte;
  const int max_id = one_byte ? 14 : 255;
  RtpExtensionIdMap map{};
  uint8_t perm[256];
  for (int i = 0; i < 256; ++i) {
    perm[i] = static_cast<uint8_t>(i);
  }
  uint32_t r = cfg | 1;
  for (int i = max_id; i > 1; --i) {  // Fisher-Yates over 1..max_id
    r = r * 1103515245u + 12345u;
    const int j = 1 + static_cast<int>((r >> 8) % static_cast<uint32_t>(i));
    std::swap(perm[i], perm[j]);
  }
  for (int i = 1; i <= max_id; ++i) {
    r = r * 1103515245u + 12345u;
    map[static_cast<std::size_t>(i)] = ((r >> 16) % 5 == 0) ? 0 : perm[i];
  }
  const std::size_t before = p.ExtensionCount();
  const std::size_t cleared = p.ClearUnmappedExtensions(map);
  FUZZ_CHECK(p.ExtensionCount() == before - cleared);
  bool had[256] = {};
  std::vector<std::vector<uint8_t>> values(256);
  for (int i = 1; i < 256; ++i) {
    const auto id = static_cast<uint8_t>(i);
    had[i] = p.HasExtension(id);
    if (had[i]) {
      values[static_cast<std::size_t>(i)] = Bytes(p.GetExtension(id));
    }
  }
  // Every remaining id maps to a distinct id valid for the form: the remap must succeed.
  FUZZ_CHECK(p.RemapExtensionIds(map));
  {
    std::vector<uint8_t> copy = buf;
    const auto q = RtpPacket::Parse(copy);
    FUZZ_CHECK(q && q->ExtensionCount() == p.ExtensionCount());
    for (int i = 1; i < 256; ++i) {
      if (had[i]) {
        const uint8_t id = map[static_cast<std::size_t>(i)];
        FUZZ_CHECK(q->HasExtension(id));
        FUZZ_CHECK(Bytes(q->GetExtension(id)) == values[static_cast<std::size_t>(i)]);
      }
    }
    h += ConsumeGetters(*q);
  }
  g_sink = g_sink + h;
  return 0;
}
