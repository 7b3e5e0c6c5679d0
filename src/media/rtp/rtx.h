#pragma once
// RTP retransmission payload format (RFC 4588 §4): an RTX packet carries the original
// sequence number (OSN, 2 bytes) followed by the original payload, on its own SSRC,
// payload type and sequence space.
//
// DOC: https://www.rfc-editor.org/rfc/rfc4588#section-4
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/rtp/rtp_packet.h"

namespace tr::media {

// The OSN of an RTX packet; nullopt when the payload is shorter than 2 bytes (Chrome's
// padding-only bandwidth probes on the RTX SSRC have no OSN: drop them).
std::optional<uint16_t> RtxOriginalSequenceNumber(const RtpPacket& rtx);

// Writes the RTX form of `original` into `out`: the original header (CSRCs and extensions
// byte for byte, marker kept) with `rtx_payload_type`, `rtx_sequence_number` and `rtx_ssrc`,
// the padding bit cleared, then OSN = original sequence number, then the original payload
// (original padding dropped). Returns the size, or 0 if `out` is too small or the payload
// type is above 127. Extensions that must differ (transport-wide seq) are set afterwards
// on a parse of the result.
std::size_t BuildRtxPacket(const RtpPacket& original,
                           uint8_t rtx_payload_type,
                           uint32_t rtx_ssrc,
                           uint16_t rtx_sequence_number,
                           std::span<uint8_t> out);

// Turns a parsed RTX packet back into the packet it repairs, in place: sequence number :=
// OSN, payload type and SSRC := the originals, and the OSN removed by moving the header two
// bytes forward (RtpPacket::TrimPayloadFront), so `rtx.Data()` starts two bytes later in
// the buffer afterwards. False, packet untouched, if there is no OSN or the payload type is
// above 127.
bool RtxDecodeInPlace(RtpPacket& rtx, uint8_t original_payload_type, uint32_t original_ssrc);

}  // namespace tr::media
