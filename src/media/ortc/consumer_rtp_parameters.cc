#include "media/ortc/consumer_rtp_parameters.h"

#include <algorithm>
#include <set>
#include <string>

#include "media/ortc/codec_matching.h"
#include "media/ortc/header_extension_uris.h"
#include "media/ortc/ortc_error.h"
#include "media/ortc/scalability_mode.h"

namespace tr::media::ortc {
namespace {

// mediasoup-client's probator stream (generateProbatorRtpParameters).
constexpr uint32_t kProbatorSsrc = 1234;

const RtpCodecCapability* FindClientCodec(const RtpCodecParameters& codec,
                                          const RtpCapabilities& client_caps) {
  if (codec.IsRtx()) {
    const auto apt = codec.Apt();
    const RtpCodecCapability* rtx = apt ? client_caps.FindRtxCodec(*apt) : nullptr;
    return rtx != nullptr && rtx->clock_rate == codec.clock_rate ? rtx : nullptr;
  }
  for (const auto& cap : client_caps.codecs) {
    if (!cap.IsRtx() && MatchCodecs(ViewOf(cap), ViewOf(codec), CodecMatchMode::kStrict)) {
      return &cap;
    }
  }
  return nullptr;
}

// The client requirement of mediasoup-client's canReceive().
bool ClientKnowsPayloadType(const RtpCapabilities& client_caps, uint8_t payload_type) {
  const RtpCodecCapability* cap = client_caps.FindCodecByPayloadType(payload_type);
  return cap != nullptr && !cap->IsRtx();
}

std::string CodecList(const RtpParameters& params) {
  std::string out;
  for (const auto& codec : params.codecs) {
    if (codec.IsRtx()) {
      continue;
    }
    if (!out.empty()) {
      out += ", ";
    }
    out += codec.mime_type;
  }
  return out;
}

void RemoveFeedback(std::vector<RtpCodecParameters>& codecs, std::string_view type) {
  for (auto& codec : codecs) {
    std::erase_if(codec.rtcp_feedback, [type](const RtcpFeedback& fb) { return fb.type == type; });
  }
}

uint32_t NextSsrc(const SsrcSource& source) {
  const uint32_t ssrc = source();
  if (ssrc == 0 || ssrc > 0xFFFFFFFFu - 8 || ssrc == kProbatorSsrc || ssrc + 1 == kProbatorSsrc) {
    throw OrtcError("ssrc source returned an unusable SSRC");
  }
  return ssrc;
}

}  // namespace

bool CanConsume(const RtpParameters& consumable, const RtpCapabilities& client_caps) {
  for (const auto& codec : consumable.codecs) {
    if (FindClientCodec(codec, client_caps) == nullptr) {
      continue;
    }
    // The first matching codec decides (mediasoup), plus the client's own check.
    return !codec.IsRtx() && ClientKnowsPayloadType(client_caps, codec.payload_type);
  }
  return false;
}

RtpParameters GetConsumerRtpParameters(const RtpParameters& consumable,
                                       const RtpCapabilities& client_caps, bool pipe) {
  ConsumerRtpOptions options;
  options.pipe = pipe;
  return GetConsumerRtpParameters(consumable, client_caps, options);
}

RtpParameters GetConsumerRtpParameters(const RtpParameters& consumable,
                                       const RtpCapabilities& client_caps,
                                       const ConsumerRtpOptions& options) {
  if (consumable.codecs.empty()) {
    throw OrtcError("consumable rtpParameters have no codecs");
  }
  const MediaKind kind = consumable.codecs.front().Kind();
  const bool enable_rtx = options.enable_rtx.value_or(kind == MediaKind::kVideo);

  RtpParameters out;
  for (const auto& codec : consumable.codecs) {
    if (!enable_rtx && codec.IsRtx()) {
      continue;
    }
    const RtpCodecCapability* cap = FindClientCodec(codec, client_caps);
    if (cap == nullptr) {
      continue;
    }
    RtpCodecParameters consumer_codec = codec;
    consumer_codec.rtcp_feedback.clear();
    for (const auto& fb : cap->rtcp_feedback) {
      if (enable_rtx || fb.type != "nack" || !fb.parameter.empty()) {
        consumer_codec.rtcp_feedback.push_back(fb);
      }
    }
    out.codecs.push_back(std::move(consumer_codec));
  }

  // RTX only next to its media codec.
  std::set<uint8_t> media_payload_types;
  for (const auto& codec : out.codecs) {
    if (!codec.IsRtx()) {
      media_payload_types.insert(codec.payload_type);
    }
  }
  std::erase_if(out.codecs, [&media_payload_types](const RtpCodecParameters& codec) {
    return codec.IsRtx() && media_payload_types.count(codec.Apt().value_or(0xFF)) == 0;
  });
  const bool rtx_supported = std::any_of(out.codecs.begin(), out.codecs.end(),
                                         [](const RtpCodecParameters& c) { return c.IsRtx(); });

  if (out.codecs.empty() || out.codecs.front().IsRtx()) {
    throw OrtcError("no compatible media codecs: the endpoint cannot receive " +
                    CodecList(consumable));
  }
  if (!ClientKnowsPayloadType(client_caps, out.codecs.front().payload_type)) {
    throw OrtcError("rtpCapabilities do not list payload type " +
                    std::to_string(out.codecs.front().payload_type) +
                    " (send device.recvRtpCapabilities computed against this router)");
  }

  for (const auto& ext : consumable.header_extensions) {
    const bool supported =
        std::any_of(client_caps.header_extensions.begin(), client_caps.header_extensions.end(),
                    [&ext, kind](const RtpHeaderExtension& cap) {
                      return cap.kind == kind && cap.uri == ext.uri && cap.preferred_id == ext.id &&
                             (cap.direction == RtpHeaderExtensionDirection::kSendRecv ||
                              cap.direction == RtpHeaderExtensionDirection::kRecvOnly);
                    });
    if (supported) {
      out.header_extensions.push_back(ext);
    }
  }

  // Use transport-cc if available, REMB otherwise.
  if (out.FindHeaderExtension(uris::kTransportWideCc01) != nullptr) {
    RemoveFeedback(out.codecs, "goog-remb");
  } else if (out.FindHeaderExtension(uris::kAbsSendTime) != nullptr) {
    RemoveFeedback(out.codecs, "transport-cc");
  } else {
    RemoveFeedback(out.codecs, "goog-remb");
    RemoveFeedback(out.codecs, "transport-cc");
  }

  if (!options.pipe) {
    RtpEncodingParameters encoding;
    encoding.ssrc = NextSsrc(options.ssrc_source);
    if (rtx_supported) {
      encoding.rtx = RtxParameters{*encoding.ssrc + 1};
    }
    const auto with_mode =
        std::find_if(consumable.encodings.begin(), consumable.encodings.end(),
                     [](const RtpEncodingParameters& e) { return e.scalability_mode.has_value(); });
    std::optional<std::string> mode;
    if (with_mode != consumable.encodings.end()) {
      mode = with_mode->scalability_mode;
    }
    if (consumable.encodings.size() > 1) {
      const int temporal_layers = ScalabilityModeOrDefault(mode).temporal_layers;
      mode =
          "L" + std::to_string(consumable.encodings.size()) + "T" + std::to_string(temporal_layers);
    }
    encoding.scalability_mode = mode;
    uint32_t max_bitrate = 0;
    for (const auto& e : consumable.encodings) {
      max_bitrate = std::max(max_bitrate, e.max_bitrate.value_or(0));
    }
    if (max_bitrate > 0) {
      encoding.max_bitrate = max_bitrate;
    }
    out.encodings.push_back(std::move(encoding));
  } else {
    const uint32_t base_ssrc = NextSsrc(options.ssrc_source);
    const uint32_t base_rtx_ssrc = NextSsrc(options.ssrc_source);
    for (std::size_t i = 0; i < consumable.encodings.size(); ++i) {
      RtpEncodingParameters encoding = consumable.encodings[i];
      encoding.ssrc = base_ssrc + static_cast<uint32_t>(i);
      if (rtx_supported) {
        encoding.rtx = RtxParameters{base_rtx_ssrc + static_cast<uint32_t>(i)};
      } else {
        encoding.rtx.reset();
      }
      out.encodings.push_back(std::move(encoding));
    }
  }

  out.rtcp = consumable.rtcp;
  out.msid = consumable.msid;
  return out;
}

}  // namespace tr::media::ortc
