#pragma once
// H.264 RTP payload (RFC 6184 §5.6-5.8): NAL unit type of the packetization and key-frame
// detection for single NAL unit packets, STAP-A/STAP-B aggregates and FU-A/FU-B fragments.
//
// DOC: https://www.rfc-editor.org/rfc/rfc6184#section-5.2
//
// A packet starts a key frame when it carries an IDR slice (type 5) or an SPS (type 7),
// whole, aggregated, or as the first fragment (FU S bit): Chrome sends SPS + PPS + IDR in
// one STAP-A at the start of every key frame and other senders send the SPS as a single
// NAL right before the IDR, so the SPS is the earliest packet a receiver can decode from.
#include <cstdint>
#include <optional>
#include <span>

namespace tr::media {

struct H264PayloadInfo {
  // Type of the RTP packetization: 1..23 single NAL unit, 24 STAP-A, 25 STAP-B,
  // 26 MTAP16, 27 MTAP24, 28 FU-A, 29 FU-B.
  uint8_t packet_type = 0;
  // For single NAL units and fragments: the type of the (fragmented) NAL unit.
  uint8_t nal_unit_type = 0;
  bool is_fragment_start = false;  // FU with S=1
  bool is_fragment_end = false;    // FU with E=1
  bool has_idr = false;
  bool has_sps = false;
  bool has_pps = false;
  bool is_key_frame = false;
};

class H264Payload {
 public:
  static constexpr uint8_t kNalIdr = 5;
  static constexpr uint8_t kNalSps = 7;
  static constexpr uint8_t kNalPps = 8;
  static constexpr uint8_t kStapA = 24;
  static constexpr uint8_t kStapB = 25;
  static constexpr uint8_t kMtap16 = 26;
  static constexpr uint8_t kMtap24 = 27;
  static constexpr uint8_t kFuA = 28;
  static constexpr uint8_t kFuB = 29;

  // nullopt for an empty payload, a truncated aggregate or fragment header, or an
  // aggregation unit overrunning the packet.
  static std::optional<H264PayloadInfo> Parse(std::span<const uint8_t> payload);
  static bool IsKeyFrame(std::span<const uint8_t> payload);
};

}  // namespace tr::media
