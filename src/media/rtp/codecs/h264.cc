#include "media/rtp/codecs/h264.h"

#include "media/common/byte_io.h"

namespace tr::media {

namespace {

void NoteNal(H264PayloadInfo& info, uint8_t nal_type) {
  info.has_idr |= nal_type == H264Payload::kNalIdr;
  info.has_sps |= nal_type == H264Payload::kNalSps;
  info.has_pps |= nal_type == H264Payload::kNalPps;
}

}  // namespace

std::optional<H264PayloadInfo> H264Payload::Parse(std::span<const uint8_t> payload) {
  const std::size_t n = payload.size();
  if (n < 1) {
    return std::nullopt;
  }
  H264PayloadInfo info;
  info.packet_type = payload[0] & 0x1F;
  switch (info.packet_type) {
    case kStapA:
    case kStapB: {
      // [header][DON (STAP-B only)] then repeated: 16-bit size, NAL unit.
      std::size_t pos = info.packet_type == kStapB ? 3 : 1;
      if (pos >= n) {
        return std::nullopt;
      }
      while (pos < n) {
        if (n - pos < 2) {
          return std::nullopt;
        }
        const std::size_t size = ReadU16(payload.data() + pos);
        pos += 2;
        if (size == 0 || size > n - pos) {
          return std::nullopt;
        }
        NoteNal(info, payload[pos] & 0x1F);
        pos += size;
      }
      break;
    }
    case kFuA:
    case kFuB: {
      // FU indicator, FU header |S|E|R|Type| [, DON (FU-B)].
      const std::size_t header = info.packet_type == kFuB ? 4 : 2;
      if (n < header) {
        return std::nullopt;
      }
      const uint8_t fu = payload[1];
      info.is_fragment_start = (fu & 0x80) != 0;
      info.is_fragment_end = (fu & 0x40) != 0;
      info.nal_unit_type = fu & 0x1F;
      if (info.is_fragment_start) {
        NoteNal(info, info.nal_unit_type);
      }
      break;
    }
    case kMtap16:
    case kMtap24:
    case 0:
    case 30:
    case 31:
      // Interleaved-mode aggregates (never sent by WebRTC) and reserved types: nothing known.
      break;
    default:
      info.nal_unit_type = info.packet_type;
      NoteNal(info, info.nal_unit_type);
      break;
  }
  info.is_key_frame = info.has_idr || info.has_sps;
  return info;
}

bool H264Payload::IsKeyFrame(std::span<const uint8_t> payload) {
  const auto info = Parse(payload);
  return info && info->is_key_frame;
}

}  // namespace tr::media
