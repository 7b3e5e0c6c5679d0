#pragma once
// The RTCP CNAME of a transport's producers. mediasoup (node Transport.produce) keeps one
// CNAME per transport for all its producers, so that audio and video of one sender share
// it and receivers lip-sync them (RFC 3550 §6.5.1): the first non-empty CNAME a producer
// brings, else a random 8-character one, written into every producer's rtcp.cname. Chrome
// sends cname "" for RID simulcast (no a=ssrc lines), so this is what gives those producers
// (and their consumers' SDES) a CNAME at all.
#include <string>

#include "media/ortc/rtp_parameters.h"

namespace tr::media::ortc {

// `transport_cname` is the per-transport state (empty at first). Overwrites
// `params.rtcp.cname`. Call before ValidateAndMapProducer.
void ApplyTransportCname(std::string& transport_cname, RtpParameters& params);

}  // namespace tr::media::ortc
