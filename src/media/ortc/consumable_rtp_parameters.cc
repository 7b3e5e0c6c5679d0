#include "media/ortc/consumable_rtp_parameters.h"

#include "media/ortc/header_extension_uris.h"
#include "media/ortc/ortc_error.h"

namespace tr::media::ortc {

RtpParameters GetConsumableRtpParameters(MediaKind kind, const RtpParameters& producer_params,
                                         const RtpCapabilities& router_caps,
                                         const RtpMapping& rtp_mapping) {
  RtpParameters out;

  for (const auto& codec : producer_params.codecs) {
    if (codec.IsRtx()) {
      continue;
    }
    const auto mapped_pt = rtp_mapping.MappedPayloadType(codec.payload_type);
    const RtpCodecCapability* cap =
        mapped_pt ? router_caps.FindCodecByPayloadType(*mapped_pt) : nullptr;
    if (cap == nullptr || cap->IsRtx()) {
      throw OrtcError("rtpMapping: no router codec for producer payload type " +
                      std::to_string(codec.payload_type));
    }
    RtpCodecParameters consumable;
    consumable.mime_type = cap->mime_type;
    consumable.payload_type = *cap->preferred_payload_type;
    consumable.clock_rate = cap->clock_rate;
    consumable.channels = cap->channels;
    consumable.parameters = codec.parameters;
    consumable.rtcp_feedback = cap->rtcp_feedback;
    out.codecs.push_back(std::move(consumable));

    if (const RtpCodecCapability* rtx = router_caps.FindRtxCodec(*cap->preferred_payload_type)) {
      RtpCodecParameters consumable_rtx;
      consumable_rtx.mime_type = rtx->mime_type;
      consumable_rtx.payload_type = *rtx->preferred_payload_type;
      consumable_rtx.clock_rate = rtx->clock_rate;
      consumable_rtx.channels = rtx->channels;
      consumable_rtx.parameters = rtx->parameters;
      consumable_rtx.rtcp_feedback = rtx->rtcp_feedback;
      out.codecs.push_back(std::move(consumable_rtx));
    }
  }
  if (out.codecs.empty()) {
    throw OrtcError("rtpParameters.codecs: no media codec");
  }

  for (const auto& cap_ext : router_caps.header_extensions) {
    if (cap_ext.kind != kind || (cap_ext.direction != RtpHeaderExtensionDirection::kSendRecv &&
                                 cap_ext.direction != RtpHeaderExtensionDirection::kSendOnly)) {
      continue;
    }
    if (cap_ext.uri == uris::kAbsCaptureTime &&
        producer_params.FindHeaderExtension(uris::kAbsCaptureTime) == nullptr) {
      continue;
    }
    RtpHeaderExtensionParameters ext;
    ext.uri = cap_ext.uri;
    ext.id = cap_ext.preferred_id;
    ext.encrypt = cap_ext.preferred_encrypt;
    out.header_extensions.push_back(std::move(ext));
  }

  if (rtp_mapping.encodings.size() != producer_params.encodings.size()) {
    throw OrtcError("rtpMapping.encodings: size does not match rtpParameters.encodings");
  }
  for (std::size_t i = 0; i < producer_params.encodings.size(); ++i) {
    RtpEncodingParameters encoding = producer_params.encodings[i];
    encoding.rid.reset();
    encoding.rtx.reset();
    encoding.codec_payload_type.reset();
    encoding.ssrc = rtp_mapping.encodings[i].mapped_ssrc;
    out.encodings.push_back(std::move(encoding));
  }

  out.rtcp.cname = producer_params.rtcp.cname;
  out.rtcp.reduced_size = true;
  out.msid = producer_params.msid;
  return out;
}

}  // namespace tr::media::ortc
