#pragma once
// The producer's parameters in router terms, computed once per producer (mediasoup
// getConsumableRtpParameters); every consumer of the producer is derived from them.
#include "media/ortc/media_kind.h"
#include "media/ortc/rtp_capabilities.h"
#include "media/ortc/rtp_mapping.h"
#include "media/ortc/rtp_parameters.h"

namespace tr::media::ortc {

// - codecs: each producer media codec becomes the router codec it maps to (router mimeType,
//   payload type, clockRate, channels, rtcpFeedback) but keeps the PRODUCER's parameters
//   (what the sender really encodes), followed by the router's RTX for it, if any;
// - headerExtensions: every router extension of `kind` the router may send (sendrecv /
//   sendonly), with the router's id; abs-capture-time only if the producer negotiated it;
// - encodings: the producer's, without rid / rtx / codecPayloadType, ssrc = mappedSsrc;
// - rtcp: {cname: producer's cname, reducedSize: true}; msid copied; no mid.
// Throws OrtcError if `rtp_mapping` does not belong to `producer_params`.
RtpParameters GetConsumableRtpParameters(MediaKind kind, const RtpParameters& producer_params,
                                         const RtpCapabilities& router_caps,
                                         const RtpMapping& rtp_mapping);

}  // namespace tr::media::ortc
