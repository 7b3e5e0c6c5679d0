#pragma once
// Per-consumer RTP parameters (mediasoup canConsume / getConsumerRtpParameters): the
// consumable parameters reduced to what the receiving endpoint supports, with ONE encoding
// of fresh SSRCs. The result (after the transport sets `mid`) is the `rtpParameters` of
// the `consumer-created` event, passed verbatim to mediasoup-client's transport.consume().
#include <optional>

#include "media/ortc/rtp_capabilities.h"
#include "media/ortc/rtp_parameters.h"
#include "media/ortc/ssrc_source.h"

namespace tr::media::ortc {

struct ConsumerRtpOptions {
  // Pipe consumers (router to router) keep every encoding, with SSRCs base+i.
  bool pipe = false;
  // RTX and plain NACK feedback; mediasoup's default: on for video, off for audio (Chrome
  // retransmits opus on the media SSRC only when asked, and mediasoup does not).
  std::optional<bool> enable_rtx;
  SsrcSource ssrc_source = RandomSsrc;
};

// Whether `client_caps` (the page's device.recvRtpCapabilities) can receive these
// consumable parameters: some media codec matches strictly, and the first one's payload
// type is a preferredPayloadType of a media codec in `client_caps` (mediasoup-client's
// canReceive() refuses anything else with "cannot consume this Producer").
bool CanConsume(const RtpParameters& consumable, const RtpCapabilities& client_caps);

// Throws OrtcError when CanConsume() is false (message names the codecs and the reason).
//  - codecs: consumable codecs that match a client codec (strict; RTX: the client lists an
//    RTX for the same apt), in consumable order, rtcpFeedback replaced by the client's
//    (without plain "nack" when RTX is off); RTX kept only with its media codec;
//  - headerExtensions: consumable ones the client lists with the same uri, kind and id
//    (router ids) for receiving;
//  - feedback reduction: transport-wide-cc extension present -> drop goog-remb; else
//    abs-send-time present -> drop transport-cc; else drop both;
//  - encodings (not pipe): one {ssrc: random, rtx: {ssrc: ssrc + 1} when RTX kept,
//    scalabilityMode, maxBitrate: max over producer encodings}; scalabilityMode is the
//    producer's, and "L<N>T<T>" for simulcast (N encodings, T temporal layers of the first
//    encoding that has a scalabilityMode), e.g. 3 x L1T3 -> "L3T3";
//  - rtcp and msid from the consumable parameters; mid left empty for the transport to set
//    ("0", "1", ... per transport; never "probator").
RtpParameters GetConsumerRtpParameters(const RtpParameters& consumable,
                                       const RtpCapabilities& client_caps,
                                       const ConsumerRtpOptions& options);
RtpParameters GetConsumerRtpParameters(const RtpParameters& consumable,
                                       const RtpCapabilities& client_caps, bool pipe = false);

}  // namespace tr::media::ortc
