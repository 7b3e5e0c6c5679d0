#pragma once
// Codec-independent questions a router asks about an RTP payload: does it start a key
// frame, and which temporal layer does it belong to.
#include <cstdint>
#include <span>

namespace tr::media {

enum class RtpCodec : uint8_t { kOther, kOpus, kVp8, kVp9, kH264 };

struct CodecPayloadInfo {
  bool valid = false;  // the payload header parsed (always true for kOpus/kOther)
  bool is_key_frame = false;
  uint8_t temporal_layer = 0;  // 0 when the codec/packet carries none
  uint8_t spatial_layer = 0;
};

CodecPayloadInfo InspectPayload(RtpCodec codec, std::span<const uint8_t> payload);

inline bool IsKeyFrame(RtpCodec codec, std::span<const uint8_t> payload) {
  return InspectPayload(codec, payload).is_key_frame;
}

}  // namespace tr::media
