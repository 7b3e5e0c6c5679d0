#pragma once
// RTCP common header and compound packet iteration (RFC 3550 §6.4, RFC 4585 §6.1,
// RFC 5506 reduced size), plus the RFC 5761 / RFC 7983 demux test.
//
// DOC: https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1
//      https://www.rfc-editor.org/rfc/rfc5761#section-4
//
// Every view in this folder (SenderReport, GenericNack, TransportFeedback, ...) is parsed
// from an RtcpPacket, which the compound iterator yields after checking the header: version
// 2, a length that fits, a sane padding count. Views point into the caller's buffer; the
// buffer must outlive them. Builders write into a caller buffer and return the bytes
// written (0 = did not fit / invalid); a compound packet is built by concatenating.
// Nothing here allocates, throws or locks.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tr::media {

namespace rtcp_type {
inline constexpr uint8_t kSenderReport = 200;
inline constexpr uint8_t kReceiverReport = 201;
inline constexpr uint8_t kSdes = 202;
inline constexpr uint8_t kBye = 203;
inline constexpr uint8_t kApp = 204;
inline constexpr uint8_t kRtpFeedback = 205;      // RTPFB (RFC 4585 §6.2)
inline constexpr uint8_t kPayloadFeedback = 206;  // PSFB (RFC 4585 §6.3)
inline constexpr uint8_t kExtendedReport = 207;   // XR (RFC 3611)
}  // namespace rtcp_type

// One RTCP packet of a compound packet.
class RtcpPacket {
 public:
  static constexpr std::size_t kHeaderSize = 4;

  // RFC 5761 §4 / RFC 7983: at least a header, first byte 128..191 (version 2), second byte
  // (packet type) 192..223. Must be tested before RtpPacket::IsRtp.
  static bool IsRtcp(std::span<const uint8_t> data);

  // Parses the packet at the start of `data` (more packets may follow): version 2, the
  // length field ((length + 1) * 4 bytes) within `data`, and with the P bit a padding count
  // in 1..(size - 4). nullopt otherwise.
  static std::optional<RtcpPacket> Parse(std::span<const uint8_t> data);

  // RC (reports), SC (sources) or FMT (feedback message type), depending on the type.
  uint8_t Count() const { return data_[0] & 0x1F; }
  uint8_t Fmt() const { return Count(); }
  uint8_t Type() const { return data_[1]; }
  bool HasPadding() const { return (data_[0] & 0x20) != 0; }
  std::size_t PaddingSize() const { return padding_; }
  // The whole packet as on the wire (header, body, padding): what the length field covers.
  std::span<const uint8_t> Data() const { return data_; }
  std::size_t Size() const { return data_.size(); }
  // The bytes after the 4-byte header, without padding.
  std::span<const uint8_t> Body() const {
    return data_.subspan(kHeaderSize, data_.size() - kHeaderSize - padding_);
  }

 private:
  std::span<const uint8_t> data_;
  std::size_t padding_ = 0;
};

// Walks a compound RTCP packet:
//   RtcpCompoundIterator it(datagram);
//   RtcpPacket packet;
//   while (it.Next(&packet)) { switch (packet.Type()) { ... } }
//   if (it.Failed()) { /* count a malformed compound */ }
// Packets before a malformed one are still delivered (RFC 5506: a receiver may accept
// non-compound and reduced-size packets, so the first packet's type is not checked).
class RtcpCompoundIterator {
 public:
  explicit RtcpCompoundIterator(std::span<const uint8_t> compound) : rest_(compound) {}

  // The next packet; false at the end or at a malformed header (then Failed() is true).
  bool Next(RtcpPacket* out);
  bool Failed() const { return failed_; }

  // True when the whole buffer is a sequence of valid RTCP packets (at least one).
  static bool Validate(std::span<const uint8_t> compound);

 private:
  std::span<const uint8_t> rest_;
  bool failed_ = false;
};

// Writes a common header for a packet of `packet_size` bytes (a multiple of 4, >= 4):
// V=2, P=0, count/FMT, type, length = packet_size / 4 - 1. Used by the builders.
void WriteRtcpHeader(uint8_t* out, uint8_t count_or_fmt, uint8_t type, std::size_t packet_size);

}  // namespace tr::media
