#include "media/rtp/codecs/codec_payload.h"

#include "media/rtp/codecs/h264.h"
#include "media/rtp/codecs/opus.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/codecs/vp9.h"

namespace tr::media {

CodecPayloadInfo InspectPayload(RtpCodec codec, std::span<const uint8_t> payload) {
  CodecPayloadInfo info;
  switch (codec) {
    case RtpCodec::kVp8:
      if (const auto d = Vp8PayloadDescriptor::Parse(payload)) {
        info.valid = true;
        info.is_key_frame = d->is_key_frame;
        info.temporal_layer = d->TemporalLayerId();
      }
      break;
    case RtpCodec::kVp9:
      if (const auto d = Vp9PayloadDescriptor::Parse(payload)) {
        info.valid = true;
        info.is_key_frame = d->is_key_frame;
        info.temporal_layer = d->temporal_id;
        info.spatial_layer = d->spatial_id;
      }
      break;
    case RtpCodec::kH264:
      if (const auto h = H264Payload::Parse(payload)) {
        info.valid = true;
        info.is_key_frame = h->is_key_frame;
      }
      break;
    case RtpCodec::kOpus:
      info.valid = true;
      info.is_key_frame = OpusPayload::IsKeyFrame(payload);
      break;
    case RtpCodec::kOther:
      info.valid = true;
      break;
  }
  return info;
}

}  // namespace tr::media
