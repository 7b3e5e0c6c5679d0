#pragma once
// RtpParameters (mediasoup RtpParameters.ts): what one producer sends or one consumer
// receives: MID, codecs (media + RTX), header extensions with their ids, encodings (RTP
// streams) and RTCP settings. This is the `rtpParameters` of the `produce` request and of
// the `consumer-created` event.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "media/ortc/rtcp_parameters.h"
#include "media/ortc/rtp_codec_parameters.h"
#include "media/ortc/rtp_encoding_parameters.h"
#include "media/ortc/rtp_header_extension_parameters.h"

namespace tr::media::ortc {

inline constexpr std::size_t kMaxParameterCodecs = 32;
inline constexpr std::size_t kMaxParameterHeaderExtensions = 32;
// Chrome simulcasts at most 3-4 layers; a single SSRC per encoding otherwise.
inline constexpr std::size_t kMaxEncodings = 4;
// MID (RFC 8843): 16 bytes fit a one-byte header extension element.
inline constexpr std::size_t kMaxMidLength = 16;
inline constexpr std::size_t kMaxMsidLength = 256;

struct RtpParameters {
  std::optional<std::string> mid;
  std::vector<RtpCodecParameters> codecs;
  std::vector<RtpHeaderExtensionParameters> header_extensions;
  std::vector<RtpEncodingParameters> encodings;
  RtcpParameters rtcp;
  std::optional<std::string> msid;  // "<streamId> <trackId>" (recent mediasoup-client)

  // Parses and validates (including ValidateStructure). Absent headerExtensions and
  // encodings become empty lists; absent rtcp becomes {reducedSize: true}.
  static RtpParameters FromJson(const Json& json, const std::string& path = "rtpParameters");
  Json ToJson() const;

  // Invariants across fields, for parameters built in code as well as parsed ones (throws
  // OrtcError naming `path`): at least one media codec, payload types 0..127 and unique,
  // valid mimeTypes, every RTX apt names a media codec of this list, every
  // encodings[i].codecPayloadType names a media codec, header extension ids 1..255 and
  // unique, unique header extension uris, valid mid and rids, size caps.
  void ValidateStructure(const std::string& path = "rtpParameters") const;

  const RtpCodecParameters* FindCodec(uint8_t payload_type) const;
  // The RTX codec whose apt is `media_payload_type`.
  const RtpCodecParameters* FindRtxCodec(uint8_t media_payload_type) const;
  const RtpHeaderExtensionParameters* FindHeaderExtension(std::string_view uri) const;

  bool operator==(const RtpParameters&) const = default;
};

bool IsValidMid(std::string_view mid);

}  // namespace tr::media::ortc
