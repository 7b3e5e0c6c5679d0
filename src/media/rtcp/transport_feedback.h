#pragma once
// Transport-wide congestion control feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): PT 205 (RTPFB), FMT 15.
//
//   header | SSRC of packet sender | SSRC of media source |
//   base sequence number (16) | packet status count (16) |
//   reference time (24, unit 64 ms) | feedback packet count (8) |
//   packet chunks (16 bits each) ... | receive deltas (8 or 16 bits each) ... | zero padding
//
// Packet chunks give one status symbol per transport sequence number from the base on:
//   run length chunk      0 | S (2) | run length (13)        S repeated run-length times
//   status vector chunk   1 | 0 | 14 one-bit symbols           0 = not received, 1 = small delta
//   status vector chunk   1 | 1 | 7 two-bit symbols            00 not received, 01 small delta,
//                                                              10 large or negative delta
// Every received packet has a receive delta in 250 us ticks, relative to the previous
// received packet (the first one: to the reference time): unsigned 8 bits for "small",
// signed 16 bits for "large".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/common/byte_io.h"
#include "media/rtcp/rtcp_packet.h"

namespace tr::media {

struct TwccPacketStatus {
  uint16_t sequence_number = 0;
  bool received = false;
  // Receive delta in 250 us ticks (0 when not received).
  int32_t delta_ticks = 0;
  // ReferenceTimeUs() plus all deltas so far: the receive time on the feedback sender's
  // clock, modulo the 2^24 * 64 ms wrap of the reference time (meaningless if !received).
  int64_t receive_time_us = 0;
};

class TransportFeedback {
 public:
  static constexpr uint8_t kPacketType = rtcp_type::kRtpFeedback;
  static constexpr uint8_t kFmt = 15;
  static constexpr int64_t kDeltaTickUs = 250;
  static constexpr int64_t kReferenceTimeTickUs = 64'000;
  // Builder input: an arrival time below zero means "not received".
  static constexpr int64_t kNotReceived = -1;

  // Validates the whole message: a non-zero status count, chunks covering it without
  // reserved symbols, and all receive deltas present (at most 3 trailing zero-padding
  // bytes; RTCP-level padding is already removed by RtcpPacket).
  static std::optional<TransportFeedback> Parse(const RtcpPacket& packet);

  uint32_t SenderSsrc() const { return ReadU32(body_.data()); }
  uint32_t MediaSsrc() const { return ReadU32(body_.data() + 4); }
  uint16_t BaseSequenceNumber() const { return ReadU16(body_.data() + 8); }
  uint16_t PacketStatusCount() const { return ReadU16(body_.data() + 10); }
  // Raw 24-bit reference time in 64 ms units. It wraps (every ~12.4 days): unwrap across
  // feedback packets with WrapUnwrapper<24> (media/common/seq_num.h).
  uint32_t ReferenceTime() const { return ReadU24(body_.data() + 12); }
  int64_t ReferenceTimeUs() const { return int64_t{ReferenceTime()} * kReferenceTimeTickUs; }
  uint8_t FeedbackPacketCount() const { return body_[15]; }
  std::size_t ReceivedCount() const { return received_; }

  // Yields one TwccPacketStatus per sequence number, base first.
  class Iterator {
   public:
    bool Next(TwccPacketStatus* out);

   private:
    friend class TransportFeedback;
    std::span<const uint8_t> body_;
    std::size_t chunk_pos_ = 16;
    std::size_t delta_pos_ = 0;
    std::size_t remaining_ = 0;
    uint16_t chunk_ = 0;
    uint16_t chunk_index_ = 0;
    uint16_t chunk_length_ = 0;
    uint16_t sequence_number_ = 0;
    int64_t time_us_ = 0;
  };
  Iterator Packets() const;

  template <typename F>
  void ForEachPacket(F&& f) const {
    Iterator it = Packets();
    TwccPacketStatus s;
    while (it.Next(&s)) {
      f(s);
    }
  }

  struct PacketResult {
    uint16_t sequence_number = 0;
    int64_t arrival_time_us = kNotReceived;  // receiver clock; < 0 = not received
  };

  // Builds a feedback message for `packets`, ascending transport sequence numbers
  // (wraparound order; gaps are reported as not received). Base sequence number =
  // packets[0]; reference time = the first received arrival, floored to 64 ms (mod 2^24);
  // deltas are rounded down to 250 us ticks without drift. Encodes packets in order until
  // one does not fit `out`, cannot be encoded (delta beyond +/-8.19 s, status count above
  // 65535, sequence number not ascending) or the list ends. Returns the packet size (a
  // multiple of 4, zero-padded) and sets *packets_encoded if given; with packets_encoded
  // null, returns 0 unless every packet was encoded. 0 also when no encoded packet was
  // received (the reference time would be meaningless).
  static std::size_t Build(std::span<uint8_t> out,
                           uint32_t sender_ssrc,
                           uint32_t media_ssrc,
                           uint8_t feedback_packet_count,
                           std::span<const PacketResult> packets,
                           std::size_t* packets_encoded = nullptr);

 private:
  std::span<const uint8_t> body_;
  std::size_t deltas_offset_ = 0;
  std::size_t received_ = 0;
};

}  // namespace tr::media
