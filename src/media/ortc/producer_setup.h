#pragma once
// Validating a `produce` request and mapping it into the router, like mediasoup's
// Transport.produce() (node: validateRtpParameters + getProducerRtpParametersMapping;
// worker: RtpParameters / Producer constructors). The result is everything the packet
// path needs to recognize the producer's RTP and rewrite it into router terms.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/ortc/media_kind.h"
#include "media/ortc/rtp_capabilities.h"
#include "media/ortc/rtp_mapping.h"
#include "media/ortc/rtp_parameters.h"
#include "media/ortc/scalability_mode.h"
#include "media/ortc/ssrc_source.h"

namespace tr::media::ortc {

// mediasoup's producer.type.
enum class ProducerType {
  kSimple,     // one encoding, one layer
  kSimulcast,  // several encodings (VP8/H.264), or one VP8/H.264 encoding with temporal layers
  kSvc,        // one VP9 encoding with several spatial and/or temporal layers
};
std::string_view ProducerTypeName(ProducerType type);  // "simple", "simulcast", "svc"

// RTCP feedback negotiated for a media codec: what the SFU may send to the producer.
struct RtcpFeedbackSupport {
  bool nack = false;          // generic NACK (RFC 4585 §6.2.1)
  bool nack_pli = false;      // PLI (RFC 4585 §6.3.1); preferred key-frame request
  bool ccm_fir = false;       // FIR (RFC 5104 §4.3.1); fallback key-frame request
  bool transport_cc = false;  // transport-wide CC feedback (needs the TWCC extension too)
  bool goog_remb = false;     // REMB (needs abs-send-time)
  bool operator==(const RtcpFeedbackSupport&) const = default;
};

// Ids of the header extensions the packet path reads from the producer's packets, from
// the producer's own rtpParameters (Chrome's ids, not the router's). 0 = not negotiated.
struct HeaderExtensionIds {
  uint8_t mid = 0;
  uint8_t rid = 0;
  uint8_t rrid = 0;
  uint8_t abs_send_time = 0;
  uint8_t transport_wide_cc = 0;
  uint8_t ssrc_audio_level = 0;
  uint8_t video_orientation = 0;
  uint8_t toffset = 0;
  uint8_t abs_capture_time = 0;
  uint8_t playout_delay = 0;
  uint8_t dependency_descriptor = 0;
  bool operator==(const HeaderExtensionIds&) const = default;
};

// One producer RTP stream (encoding index = spatial layer for simulcast: encodings are
// ordered from lowest to highest quality, r0 first).
struct ProducerEncoding {
  // How incoming packets are bound to this encoding: by `ssrc` / `rtx_ssrc` when signaled,
  // else by `rid` (media) / repaired rid (RTX), else (single encoding) by MID + payload type.
  std::optional<uint32_t> ssrc;
  std::optional<uint32_t> rtx_ssrc;
  std::optional<std::string> rid;
  uint32_t mapped_ssrc = 0;                 // SSRC inside the router (consumable encoding ssrc)
  uint8_t payload_type = 0;                 // producer's media PT of this encoding
  uint8_t mapped_payload_type = 0;          // router's PT for it
  std::optional<uint8_t> rtx_payload_type;  // producer's RTX PT (apt = payload_type)
  std::optional<uint8_t> mapped_rtx_payload_type;  // router's RTX PT
  std::string mime_type;  // the router's spelling ("video/VP8") of the encoding's codec
  uint32_t clock_rate = 0;
  ScalabilityMode scalability_mode;  // L1T1 when not given
  std::optional<uint32_t> max_bitrate;
  RtcpFeedbackSupport rtcp_feedback;
  bool operator==(const ProducerEncoding&) const = default;
};

struct ProducerSetup {
  MediaKind kind = MediaKind::kAudio;
  ProducerType type = ProducerType::kSimple;
  // The validated parameters: header extensions the router does not accept removed, H.264
  // profile-level-id set to the negotiated answer (as mediasoup does). rtcp.cname untouched
  // (see producer_cname.h).
  RtpParameters rtp_parameters;
  RtpMapping rtp_mapping;
  std::optional<std::string> mid;
  std::vector<ProducerEncoding> encodings;
  HeaderExtensionIds header_extension_ids;
};

// Throws OrtcError (naming the field, e.g. "rtpParameters.codecs[0]: unsupported codec
// video/AV1 (payload type 45)") when:
//  - the structure is invalid (RtpParameters::ValidateStructure), a codec is of the other
//    kind, or a payload type is in 64..95 (collides with RTCP under rtcp-mux, RFC 5761 §4);
//  - a media codec matches no router codec (strict matching), or an RTX codec's media
//    codec has no RTX in the router, or two RTX codecs repair the same codec;
//  - encodings are missing (1..4 required), an encoding cannot be bound to incoming RTP (no
//    ssrc, no rid with the rtp-stream-id extension, and not a single encoding with a MID
//    and the sdes:mid extension), SSRCs or rids repeat, `rtx` is given without an RTX
//    codec, simulcast is combined with spatial layers, or the codec cannot carry the
//    layering (simulcast: VP8, H.264; SVC: VP9);
//  - a kept header extension asks for encryption (RFC 6904; unsupported).
// Mapped SSRCs are ssrc_source() + encoding index (mediasoup does the same).
ProducerSetup ValidateAndMapProducer(MediaKind kind, const RtpParameters& params,
                                     const RtpCapabilities& router_caps,
                                     const SsrcSource& ssrc_source = RandomSsrc);

}  // namespace tr::media::ortc
