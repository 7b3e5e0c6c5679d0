#pragma once
// The router's RTP capabilities: what `device.load({ routerRtpCapabilities })` receives.
// Built like mediasoup's generateRouterRtpCapabilities(mediaCodecs): each media codec gets
// the RTCP feedback mediasoup attaches (opus: nack, transport-cc; video: nack, nack pli,
// ccm fir, goog-remb, transport-cc) and a payload type from the dynamic range in
// mediasoup's order (100..127 then 96..99); every video codec is followed by its video/rtx
// (apt). Header extensions are mediasoup 3.27's table (ids 1..11) without the
// mediasoup-internal packet-id:
//
//   1 mid (audio, video)           sendrecv    7 dependency-descriptor (video)  recvonly
//   2 rtp-stream-id (video)        recvonly    8 video-orientation (video)      sendrecv
//   3 repaired-rtp-stream-id (v)   recvonly    9 toffset (video)                sendrecv
//   4 abs-send-time (audio, video) sendrecv   10 abs-capture-time (audio, video) sendrecv
//   5 transport-wide-cc-01         audio recvonly, video sendrecv
//   6 ssrc-audio-level (audio)     sendrecv   11 playout-delay (audio, video)   sendrecv
//
// "recvonly" = endpoints may only send it to us (the router never sends it to consumers).
#include <vector>

#include "media/ortc/rtp_capabilities.h"

namespace tr::media::ortc {

// Codecs the SFU can forward (it has payload descriptors for them), in preference order:
//   audio/opus 48000/2 {useinbandfec: 1, usedtx: 1}
//   video/VP8, video/VP9 profile-id 0, video/VP9 profile-id 2,
//   video/H264 packetization-mode 1 profile-level-id 42e01f, then 4d0032
//   (level-asymmetry-allowed 1), each video codec with x-google-start-bitrate 1000.
std::vector<RtpCodecCapability> DefaultRouterMediaCodecs();

// Throws OrtcError for a codec the SFU cannot forward, a preferredPayloadType used twice,
// or when the dynamic payload types run out.
RtpCapabilities GenerateRouterRtpCapabilities(const std::vector<RtpCodecCapability>& media_codecs);

// GenerateRouterRtpCapabilities(DefaultRouterMediaCodecs()), computed once (thread-safe).
const RtpCapabilities& RouterRtpCapabilities();

}  // namespace tr::media::ortc
