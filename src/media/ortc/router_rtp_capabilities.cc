#include "media/ortc/router_rtp_capabilities.h"

#include <algorithm>
#include <deque>
#include <string>

#include "media/ortc/codec_matching.h"
#include "media/ortc/header_extension_uris.h"
#include "media/ortc/mime_type.h"
#include "media/ortc/ortc_error.h"

namespace tr::media::ortc {
namespace {

using Direction = RtpHeaderExtensionDirection;

// mediasoup's DynamicPayloadTypes order.
std::deque<uint8_t> DynamicPayloadTypes() {
  std::deque<uint8_t> out;
  for (int pt = 100; pt <= 127; ++pt) {
    out.push_back(static_cast<uint8_t>(pt));
  }
  for (int pt = 96; pt <= 99; ++pt) {
    out.push_back(static_cast<uint8_t>(pt));
  }
  return out;
}

std::vector<RtcpFeedback> AudioFeedback() { return {{"nack", ""}, {"transport-cc", ""}}; }

std::vector<RtcpFeedback> VideoFeedback() {
  return {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}, {"transport-cc", ""}};
}

// What the packet path can forward. Audio opus must be stereo-declared (48000/2, RFC 7587).
struct SupportedCodec {
  MediaKind kind;
  const char* mime_type;
  uint32_t clock_rate;
  std::optional<uint8_t> channels;
};

constexpr SupportedCodec kSupportedCodecs[] = {
    {MediaKind::kAudio, "audio/opus", 48000, 2},
    {MediaKind::kVideo, "video/VP8", 90000, std::nullopt},
    {MediaKind::kVideo, "video/VP9", 90000, std::nullopt},
    {MediaKind::kVideo, "video/H264", 90000, std::nullopt},
};

const SupportedCodec* FindSupported(const RtpCodecCapability& codec) {
  for (const auto& supported : kSupportedCodecs) {
    if (MimeTypeEquals(codec.mime_type, supported.mime_type) &&
        codec.clock_rate == supported.clock_rate && codec.channels == supported.channels) {
      return &supported;
    }
  }
  return nullptr;
}

RtpCodecCapability MediaCodec(const char* mime_type, uint32_t clock_rate,
                              std::optional<uint8_t> channels, ParameterMap parameters) {
  RtpCodecCapability codec;
  codec.kind = MimeTypeKind(mime_type).value_or(MediaKind::kAudio);
  codec.mime_type = mime_type;
  codec.clock_rate = clock_rate;
  codec.channels = channels;
  codec.parameters = std::move(parameters);
  return codec;
}

RtpHeaderExtension Ext(MediaKind kind, std::string_view uri, uint8_t id, Direction direction) {
  RtpHeaderExtension ext;
  ext.kind = kind;
  ext.uri = std::string(uri);
  ext.preferred_id = id;
  ext.preferred_encrypt = false;
  ext.direction = direction;
  return ext;
}

std::vector<RtpHeaderExtension> RouterHeaderExtensions() {
  constexpr auto kA = MediaKind::kAudio;
  constexpr auto kV = MediaKind::kVideo;
  constexpr auto kSendRecv = Direction::kSendRecv;
  constexpr auto kRecvOnly = Direction::kRecvOnly;
  return {
      Ext(kA, uris::kMid, 1, kSendRecv),
      Ext(kV, uris::kMid, 1, kSendRecv),
      Ext(kV, uris::kRtpStreamId, 2, kRecvOnly),
      Ext(kV, uris::kRepairedRtpStreamId, 3, kRecvOnly),
      Ext(kA, uris::kAbsSendTime, 4, kSendRecv),
      Ext(kV, uris::kAbsSendTime, 4, kSendRecv),
      // No send-side BWE toward audio consumers (mediasoup): endpoints stamp it, we don't.
      Ext(kA, uris::kTransportWideCc01, 5, kRecvOnly),
      Ext(kV, uris::kTransportWideCc01, 5, kSendRecv),
      Ext(kA, uris::kSsrcAudioLevel, 6, kSendRecv),
      Ext(kV, uris::kDependencyDescriptor, 7, kRecvOnly),
      Ext(kV, uris::kVideoOrientation, 8, kSendRecv),
      Ext(kV, uris::kToffset, 9, kSendRecv),
      Ext(kA, uris::kAbsCaptureTime, 10, kSendRecv),
      Ext(kV, uris::kAbsCaptureTime, 10, kSendRecv),
      Ext(kA, uris::kPlayoutDelay, 11, kSendRecv),
      Ext(kV, uris::kPlayoutDelay, 11, kSendRecv),
  };
}

}  // namespace

std::vector<RtpCodecCapability> DefaultRouterMediaCodecs() {
  // Chrome starts its video encoders at ~300 kbps unless told otherwise; 1000 kbps lets the
  // 720p simulcast layer come up without waiting for the bandwidth ramp-up.
  const ParameterValue start_bitrate = int64_t{1000};
  return {
      MediaCodec("audio/opus", 48000, 2, {{"useinbandfec", int64_t{1}}, {"usedtx", int64_t{1}}}),
      MediaCodec("video/VP8", 90000, std::nullopt, {{"x-google-start-bitrate", start_bitrate}}),
      MediaCodec("video/VP9", 90000, std::nullopt,
                 {{"profile-id", int64_t{0}}, {"x-google-start-bitrate", start_bitrate}}),
      MediaCodec("video/VP9", 90000, std::nullopt,
                 {{"profile-id", int64_t{2}}, {"x-google-start-bitrate", start_bitrate}}),
      MediaCodec("video/H264", 90000, std::nullopt,
                 {{"packetization-mode", int64_t{1}},
                  {"profile-level-id", std::string("42e01f")},
                  {"level-asymmetry-allowed", int64_t{1}},
                  {"x-google-start-bitrate", start_bitrate}}),
      MediaCodec("video/H264", 90000, std::nullopt,
                 {{"packetization-mode", int64_t{1}},
                  {"profile-level-id", std::string("4d0032")},
                  {"level-asymmetry-allowed", int64_t{1}},
                  {"x-google-start-bitrate", start_bitrate}}),
  };
}

RtpCapabilities GenerateRouterRtpCapabilities(const std::vector<RtpCodecCapability>& media_codecs) {
  std::deque<uint8_t> dynamic = DynamicPayloadTypes();
  // Explicit preferred payload types are taken out of the dynamic pool first.
  for (const auto& codec : media_codecs) {
    if (codec.preferred_payload_type) {
      std::erase(dynamic, *codec.preferred_payload_type);
    }
  }
  auto take_dynamic = [&dynamic]() {
    if (dynamic.empty()) {
      throw OrtcError("router capabilities: no dynamic payload type left");
    }
    const uint8_t pt = dynamic.front();
    dynamic.pop_front();
    return pt;
  };

  RtpCapabilities caps;
  for (const auto& media_codec : media_codecs) {
    const SupportedCodec* supported = FindSupported(media_codec);
    if (supported == nullptr || media_codec.IsRtx()) {
      throw OrtcError("router capabilities: media codec not supported: " + media_codec.mime_type);
    }
    RtpCodecCapability codec = media_codec;
    codec.kind = supported->kind;
    codec.mime_type = supported->mime_type;
    codec.rtcp_feedback = supported->kind == MediaKind::kAudio ? AudioFeedback() : VideoFeedback();
    if (!codec.preferred_payload_type) {
      codec.preferred_payload_type = take_dynamic();
    }
    if (*codec.preferred_payload_type > 127 ||
        (*codec.preferred_payload_type >= 64 && *codec.preferred_payload_type <= 95)) {
      throw OrtcError("router capabilities: payload type " +
                      std::to_string(*codec.preferred_payload_type) +
                      " is outside 0..63 and 96..127 (RFC 5761 §4)");
    }
    if (caps.FindCodecByPayloadType(*codec.preferred_payload_type) != nullptr) {
      throw OrtcError("router capabilities: duplicated preferredPayloadType " +
                      std::to_string(*codec.preferred_payload_type));
    }
    for (const auto& existing : caps.codecs) {
      if (!existing.IsRtx() &&
          MatchCodecs(ViewOf(existing), ViewOf(codec), CodecMatchMode::kStrict)) {
        throw OrtcError("router capabilities: codec listed twice: " + codec.mime_type);
      }
    }
    caps.codecs.push_back(codec);

    if (codec.kind == MediaKind::kVideo) {
      RtpCodecCapability rtx;
      rtx.kind = MediaKind::kVideo;
      rtx.mime_type = "video/rtx";
      rtx.preferred_payload_type = take_dynamic();
      rtx.clock_rate = codec.clock_rate;
      rtx.parameters = {{"apt", int64_t{*codec.preferred_payload_type}}};
      caps.codecs.push_back(std::move(rtx));
    }
  }
  caps.header_extensions = RouterHeaderExtensions();
  return caps;
}

const RtpCapabilities& RouterRtpCapabilities() {
  static const RtpCapabilities caps = GenerateRouterRtpCapabilities(DefaultRouterMediaCodecs());
  return caps;
}

}  // namespace tr::media::ortc
