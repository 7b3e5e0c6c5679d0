#pragma once
// RTP packet view (RFC 3550 §5.1) with RFC 8285 header extensions, parsed in place.
//
// DOC: https://www.rfc-editor.org/rfc/rfc3550#section-5.1
//      https://www.rfc-editor.org/rfc/rfc8285 (one-byte 0xBEDE and two-byte 0x100X forms)
//      https://www.rfc-editor.org/rfc/rfc7983 (demultiplexing)
//
// RtpPacket holds a std::span<uint8_t> into the caller's buffer plus a few offsets and an
// id -> offset table of the header extensions (a 256-bit presence mask and 256 offsets:
// O(1) lookup, nothing on the heap). The buffer must outlive the view. Setters rewrite
// fields in place so a router can stamp each consumer's SSRC / sequence number /
// timestamp / payload type / extension ids onto the shared packet, send, and restore.
// Nothing here allocates, throws or locks; malformed input is reported by return value.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/common/byte_io.h"

namespace tr::media {

inline constexpr std::size_t kRtpFixedHeaderSize = 12;
inline constexpr uint16_t kRtpOneByteExtensionProfile = 0xBEDE;
// Two-byte form: 0x100 followed by 4 "appbits" (RFC 8285 §4.3): 0x1000..0x100F.
inline constexpr uint16_t kRtpTwoByteExtensionProfile = 0x1000;

enum class RtpExtensionForm : uint8_t {
  kNone,     // X bit clear
  kOneByte,  // 0xBEDE: ids 1..14, values 1..16 bytes
  kTwoByte,  // 0x100X: ids 1..255, values 0..255 bytes
  kOther,    // some other profile-defined extension: kept, not indexed
};

// Extension id translation table for RemapExtensionIds(): map[old_id] = new_id. An entry of
// 0 means "no new id" (the extension must be cleared first, see ClearUnmappedExtensions).
using RtpExtensionIdMap = std::array<uint8_t, 256>;

class RtpPacket {
 public:
  static constexpr uint8_t kMaxOneByteId = 14;

  // A user-provided (empty) constructor: value-initialising an RtpPacket must not zero the
  // 512-byte offset table, which is only read where the presence mask says so.
  RtpPacket() {}

  // RFC 7983 / RFC 5761 §4: at least 12 bytes, first byte 128..191 (version 2) and second
  // byte (M + PT) *not* in 192..223. The last test is what separates RTP from RTCP, whose
  // packet types 192..223 overlap M=1 + PT 64..95; those payload types must not be used.
  // Run RtcpPacket::IsRtcp first; this check alone does not make a packet valid RTP.
  static bool IsRtp(std::span<const uint8_t> data);

  // Parses and validates a complete RTP packet (exactly `data`, at most 65535 bytes):
  // version 2, CSRC list, extension header and body, extension elements (each within the
  // block, no duplicate ids), padding count (1..remaining). nullopt when malformed.
  static std::optional<RtpPacket> Parse(std::span<uint8_t> data);
  // Same, into an existing object (e.g. one slot of a receive batch). On failure `out` is
  // left in an unspecified state.
  static bool Parse(std::span<uint8_t> data, RtpPacket& out);

  // ---- Whole packet ----
  std::span<uint8_t> Data() const { return data_; }
  std::size_t Size() const { return data_.size(); }
  std::size_t HeaderSize() const { return header_size_; }
  std::span<uint8_t> Payload() const { return data_.subspan(header_size_, payload_size_); }
  std::size_t PayloadSize() const { return payload_size_; }
  std::size_t PaddingSize() const { return padding_size_; }

  // ---- Fixed header fields ----
  uint8_t Version() const { return data_[0] >> 6; }
  bool HasPadding() const { return (data_[0] & 0x20) != 0; }
  bool HasHeaderExtension() const { return (data_[0] & 0x10) != 0; }
  uint8_t CsrcCount() const { return data_[0] & 0x0F; }
  uint32_t Csrc(std::size_t index) const { return ReadU32(data_.data() + 12 + 4 * index); }
  bool Marker() const { return (data_[1] & 0x80) != 0; }
  uint8_t PayloadType() const { return data_[1] & 0x7F; }
  uint16_t SequenceNumber() const { return ReadU16(data_.data() + 2); }
  uint32_t Timestamp() const { return ReadU32(data_.data() + 4); }
  uint32_t Ssrc() const { return ReadU32(data_.data() + 8); }

  // ---- In-place setters (each a single store) ----
  void SetMarker(bool marker) {
    data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0x00));
  }
  // False for payload types above 127.
  bool SetPayloadType(uint8_t payload_type) {
    if (payload_type > 127) {
      return false;
    }
    data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | payload_type);
    return true;
  }
  void SetSequenceNumber(uint16_t seq) { WriteU16(data_.data() + 2, seq); }
  void SetTimestamp(uint32_t timestamp) { WriteU32(data_.data() + 4, timestamp); }
  void SetSsrc(uint32_t ssrc) { WriteU32(data_.data() + 8, ssrc); }

  // ---- Header extensions (RFC 8285) ----
  RtpExtensionForm ExtensionForm() const { return form_; }
  // The 16-bit "defined by profile" field; 0 without extension.
  uint16_t ExtensionProfile() const;
  // The extension elements area (after the 4-byte extension header), empty without one.
  std::span<uint8_t> ExtensionBlock() const { return data_.subspan(ext_offset_, ext_size_); }
  std::size_t ExtensionCount() const { return ext_count_; }

  bool HasExtension(uint8_t id) const {
    return (ext_present_[id >> 6] >> (id & 63)) & 1u;
  }
  // Value bytes of extension `id`, empty when absent (a two-byte-form element may also be
  // present and empty: use HasExtension to tell).
  std::span<uint8_t> GetExtension(uint8_t id) const {
    if (!HasExtension(id)) {
      return {};
    }
    const std::size_t offset = ext_value_offset_[id];
    return data_.subspan(offset, ValueLengthAt(offset));
  }

  // Typed access through a traits type (see rtp_header_extensions.h): `Ext::Parse` maps the
  // value bytes to `Ext::Value`, `Ext::ValueSize`/`Ext::Write` serialize one.
  template <typename Ext>
  std::optional<typename Ext::Value> GetExtension(uint8_t id) const {
    if (!HasExtension(id)) {
      return std::nullopt;
    }
    return Ext::Parse(GetExtension(id));
  }
  template <typename Ext>
  bool SetExtension(uint8_t id, const typename Ext::Value& value) {
    std::array<uint8_t, 255> scratch;
    const std::size_t n = Ext::ValueSize(value);
    if (n > scratch.size() || !Ext::Write(std::span<uint8_t>(scratch.data(), n), value)) {
      return false;
    }
    return SetExtensionValue(id, std::span<const uint8_t>(scratch.data(), n));
  }

  // Overwrites the value of existing extension `id` in place. A value of a different size
  // is allowed when it fits the element's room: its current length plus the padding (zero)
  // bytes that follow it (RFC 8285 §4.1: padding may sit between elements). Shrinking
  // rewrites the length field and zeroes the freed bytes, which become padding, so a later
  // call can grow the value back (how a consumer's MID is written over a producer's and then
  // restored). False when absent, too large, or invalid for the form (one-byte: 1..16).
  bool SetExtensionValue(uint8_t id, std::span<const uint8_t> value);

  // Rewrites every extension's id through `map` without moving any byte (the ids live in
  // the element headers). All or nothing: false, and the packet unchanged, if some present
  // id maps to 0, to an id the form cannot carry (> 14 in the one-byte form), or if two
  // elements would end up with the same id. Reversible with the inverse map.
  bool RemapExtensionIds(const RtpExtensionIdMap& map);

  // Neutralizes extension `id`: its header and value bytes are all set to 0, i.e. turned
  // into padding bytes, which every RFC 8285 receiver skips one by one. This is the way to
  // drop an extension a consumer did not negotiate. (Merely writing id 0 into the element
  // header would NOT do: a 0 byte is a one-byte padding with no length, so the receiver
  // would parse the value bytes as further elements.) Irreversible: on a packet shared by
  // several consumers, copy ExtensionBlock() first and restore it with RestoreExtensionBlock.
  bool ClearExtension(uint8_t id);
  // Clears every present extension whose map entry is 0; returns how many were cleared.
  std::size_t ClearUnmappedExtensions(const RtpExtensionIdMap& map);

  // Copies `saved` (an earlier copy of ExtensionBlock(), same size) back and re-indexes the
  // extensions. False if the size differs or the restored block does not parse.
  bool RestoreExtensionBlock(std::span<const uint8_t> saved);

  // Calls f(id, value) for every extension element, in wire order.
  template <typename F>
  void ForEachExtension(F&& f) const;

  // ---- Payload surgery (RTX) ----

  // Drops the first `n` payload bytes by moving the RTP header `n` bytes forward in the
  // buffer (header bytes are few; the payload is not touched). Afterwards Data() starts `n`
  // bytes later. False if the payload is shorter than `n`.
  bool TrimPayloadFront(std::size_t n);

 private:
  bool IndexExtensions();
  std::size_t ValueLengthAt(std::size_t value_offset) const {
    return form_ == RtpExtensionForm::kOneByte ? (data_[value_offset - 1] & 0x0Fu) + 1u
                                               : data_[value_offset - 1];
  }
  // Offset of the element header (1 or 2 bytes before the value).
  std::size_t HeaderOffsetOf(std::size_t value_offset) const {
    return value_offset - (form_ == RtpExtensionForm::kOneByte ? 1 : 2);
  }

  std::span<uint8_t> data_;
  uint16_t header_size_ = 0;
  uint16_t payload_size_ = 0;
  uint16_t ext_offset_ = 0;  // start of the elements area
  uint16_t ext_size_ = 0;
  uint8_t padding_size_ = 0;
  RtpExtensionForm form_ = RtpExtensionForm::kNone;
  uint16_t ext_count_ = 0;
  std::array<uint64_t, 4> ext_present_{};
  // Offset in data_ of each present extension's value; entries of absent ids are garbage.
  std::array<uint16_t, 256> ext_value_offset_;
};

template <typename F>
void RtpPacket::ForEachExtension(F&& f) const {
  if (form_ != RtpExtensionForm::kOneByte && form_ != RtpExtensionForm::kTwoByte) {
    return;
  }
  const bool one_byte = form_ == RtpExtensionForm::kOneByte;
  std::size_t i = ext_offset_;
  const std::size_t end = std::size_t{ext_offset_} + ext_size_;
  while (i < end) {
    const uint8_t h = data_[i];
    if (h == 0) {
      ++i;  // padding
      continue;
    }
    if (one_byte) {
      const uint8_t id = h >> 4;
      if (id == 15) {
        return;  // RFC 8285 §4.2: stop at id 15
      }
      const std::size_t len = (h & 0x0Fu) + 1u;
      f(id, data_.subspan(i + 1, len));
      i += 1 + len;
    } else {
      const std::size_t len = data_[i + 1];
      f(h, data_.subspan(i + 2, len));
      i += 2 + len;
    }
  }
}

}  // namespace tr::media
