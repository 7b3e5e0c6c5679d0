#pragma once
// RTP header extension URIs (SDP a=extmap) the router knows. Ids are negotiated: the
// router's are in RouterRtpCapabilities(), a producer's come from its rtpParameters.
#include <string_view>

namespace tr::media::ortc::uris {

// RFC 8843 §15 (BUNDLE MID).
inline constexpr std::string_view kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
// RFC 8852 §3.1 / §3.2 (simulcast RID and the RID an RTX stream repairs).
inline constexpr std::string_view kRtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRtpStreamId =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
// https://webrtc.googlesource.com/src/+/refs/heads/main/docs/native-code/rtp-hdrext/abs-send-time
inline constexpr std::string_view kAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
// draft-holmer-rmcat-transport-wide-cc-extensions-01.
inline constexpr std::string_view kTransportWideCc01 =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
// RFC 6464 (client-to-mixer audio level).
inline constexpr std::string_view kSsrcAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
// AV1 RTP spec appendix A (dependency descriptor; Chrome also uses it with H.264).
inline constexpr std::string_view kDependencyDescriptor =
    "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
// 3GPP TS 26.114 §7.4.5 (coordination of video orientation).
inline constexpr std::string_view kVideoOrientation = "urn:3gpp:video-orientation";
// RFC 5450 (transmission time offset).
inline constexpr std::string_view kToffset = "urn:ietf:params:rtp-hdrext:toffset";
inline constexpr std::string_view kAbsCaptureTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
inline constexpr std::string_view kPlayoutDelay =
    "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

}  // namespace tr::media::ortc::uris
