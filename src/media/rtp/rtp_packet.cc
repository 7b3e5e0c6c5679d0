#include "media/rtp/rtp_packet.h"

#include <algorithm>
#include <cstring>

namespace tr::media {

bool RtpPacket::IsRtp(std::span<const uint8_t> data) {
  return data.size() >= kRtpFixedHeaderSize && (data[0] & 0xC0) == 0x80 &&
         !(data[1] >= 192 && data[1] <= 223);
}

std::optional<RtpPacket> RtpPacket::Parse(std::span<uint8_t> data) {
  std::optional<RtpPacket> result(std::in_place);
  if (!Parse(data, *result)) {
    result.reset();
  }
  return result;  // single return: NRVO, no copy of the offset table
}

bool RtpPacket::Parse(std::span<uint8_t> data, RtpPacket& out) {
  const std::size_t size = data.size();
  if (size < kRtpFixedHeaderSize || size > 0xFFFF) {
    return false;
  }
  const uint8_t* p = data.data();
  if ((p[0] & 0xC0) != 0x80) {
    return false;
  }
  std::size_t pos = kRtpFixedHeaderSize + 4u * (p[0] & 0x0Fu);
  if (pos > size) {
    return false;
  }
  out.data_ = data;
  out.ext_present_ = {};
  out.ext_count_ = 0;
  out.ext_offset_ = 0;
  out.ext_size_ = 0;
  out.form_ = RtpExtensionForm::kNone;
  if ((p[0] & 0x10) != 0) {
    if (size - pos < 4) {
      return false;
    }
    const uint16_t profile = ReadU16(p + pos);
    const std::size_t ext_len = 4u * ReadU16(p + pos + 2);
    pos += 4;
    if (ext_len > size - pos) {
      return false;
    }
    out.ext_offset_ = static_cast<uint16_t>(pos);
    out.ext_size_ = static_cast<uint16_t>(ext_len);
    if (profile == kRtpOneByteExtensionProfile) {
      out.form_ = RtpExtensionForm::kOneByte;
    } else if ((profile & 0xFFF0u) == kRtpTwoByteExtensionProfile) {
      out.form_ = RtpExtensionForm::kTwoByte;
    } else {
      out.form_ = RtpExtensionForm::kOther;
    }
    if (!out.IndexExtensions()) {
      return false;
    }
    pos += ext_len;
  }
  std::size_t padding = 0;
  if ((p[0] & 0x20) != 0) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included.
    if (pos == size) {
      return false;
    }
    padding = p[size - 1];
    if (padding == 0 || padding > size - pos) {
      return false;
    }
  }
  out.header_size_ = static_cast<uint16_t>(pos);
  out.padding_size_ = static_cast<uint8_t>(padding);
  out.payload_size_ = static_cast<uint16_t>(size - pos - padding);
  return true;
}

bool RtpPacket::IndexExtensions() {
  ext_present_ = {};
  ext_count_ = 0;
  if (form_ != RtpExtensionForm::kOneByte && form_ != RtpExtensionForm::kTwoByte) {
    return true;
  }
  const uint8_t* b = data_.data();
  std::size_t i = ext_offset_;
  const std::size_t end = std::size_t{ext_offset_} + ext_size_;
  const bool one_byte = form_ == RtpExtensionForm::kOneByte;
  while (i < end) {
    const uint8_t h = b[i];
    if (h == 0) {
      ++i;  // padding byte: no id, no length
      continue;
    }
    uint8_t id;
    std::size_t value;
    std::size_t len;
    if (one_byte) {
      id = h >> 4;
      if (id == 15) {
        break;  // RFC 8285 §4.2: reserved; stop processing the extension here
      }
      len = (h & 0x0Fu) + 1u;
      value = i + 1;
    } else {
      if (end - i < 2) {
        return false;
      }
      id = h;
      len = b[i + 1];
      value = i + 2;
    }
    if (len > end - value) {
      return false;  // element overruns the block
    }
    if (HasExtension(id)) {
      return false;  // duplicate id: ambiguous, refuse the packet
    }
    ext_present_[id >> 6] |= uint64_t{1} << (id & 63);
    ext_value_offset_[id] = static_cast<uint16_t>(value);
    ++ext_count_;
    i = value + len;
  }
  return true;
}

uint16_t RtpPacket::ExtensionProfile() const {
  if (form_ == RtpExtensionForm::kNone) {
    return 0;
  }
  return ReadU16(data_.data() + ext_offset_ - 4);
}

bool RtpPacket::SetExtensionValue(uint8_t id, std::span<const uint8_t> value) {
  if (!HasExtension(id)) {
    return false;
  }
  const std::size_t offset = ext_value_offset_[id];
  const std::size_t current = ValueLengthAt(offset);
  uint8_t* v = data_.data() + offset;
  if (value.size() == current) {
    std::memcpy(v, value.data(), value.size());
    return true;
  }
  const bool one_byte = form_ == RtpExtensionForm::kOneByte;
  if (one_byte ? (value.empty() || value.size() > 16) : value.size() > 255) {
    return false;
  }
  if (value.size() > current) {
    // Room = current value + the padding bytes after it, up to the next element.
    const std::size_t end = std::size_t{ext_offset_} + ext_size_;
    std::size_t room = current;
    while (offset + room < end && data_[offset + room] == 0 && room < value.size()) {
      ++room;
    }
    if (room < value.size()) {
      return false;
    }
  }
  if (!value.empty()) {
    std::memcpy(v, value.data(), value.size());
  }
  if (value.size() < current) {
    std::memset(v + value.size(), 0, current - value.size());
  }
  if (one_byte) {
    v[-1] = static_cast<uint8_t>((v[-1] & 0xF0u) | (value.size() - 1));
  } else {
    v[-1] = static_cast<uint8_t>(value.size());
  }
  return true;
}

bool RtpPacket::RemapExtensionIds(const RtpExtensionIdMap& map) {
  if (ext_count_ == 0) {
    return true;
  }
  const uint8_t max_id = form_ == RtpExtensionForm::kOneByte ? kMaxOneByteId : 255;
  // Pass 1: validate, remembering (new id, offset) pairs.
  std::array<uint8_t, 256> new_ids;
  std::array<uint16_t, 256> offsets;
  std::array<uint64_t, 4> seen{};
  std::size_t n = 0;
  for (std::size_t word = 0; word < 4; ++word) {
    uint64_t bits = ext_present_[word];
    while (bits != 0) {
      const auto id = static_cast<uint8_t>(word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
      bits &= bits - 1;
      const uint8_t new_id = map[id];
      if (new_id == 0 || new_id > max_id || ((seen[new_id >> 6] >> (new_id & 63)) & 1u)) {
        return false;
      }
      seen[new_id >> 6] |= uint64_t{1} << (new_id & 63);
      new_ids[n] = new_id;
      offsets[n] = ext_value_offset_[id];
      ++n;
    }
  }
  // Pass 2: rewrite the element headers and the index.
  const bool one_byte = form_ == RtpExtensionForm::kOneByte;
  for (std::size_t k = 0; k < n; ++k) {
    uint8_t& header = data_[HeaderOffsetOf(offsets[k])];
    header = one_byte ? static_cast<uint8_t>((new_ids[k] << 4) | (header & 0x0Fu)) : new_ids[k];
    ext_value_offset_[new_ids[k]] = offsets[k];
  }
  ext_present_ = seen;
  return true;
}

bool RtpPacket::ClearExtension(uint8_t id) {
  if (!HasExtension(id)) {
    return false;
  }
  const std::size_t value = ext_value_offset_[id];
  const std::size_t header = HeaderOffsetOf(value);
  std::memset(data_.data() + header, 0, value - header + ValueLengthAt(value));
  ext_present_[id >> 6] &= ~(uint64_t{1} << (id & 63));
  --ext_count_;
  return true;
}

std::size_t RtpPacket::ClearUnmappedExtensions(const RtpExtensionIdMap& map) {
  std::size_t cleared = 0;
  for (std::size_t word = 0; word < 4; ++word) {
    uint64_t bits = ext_present_[word];
    while (bits != 0) {
      const auto id = static_cast<uint8_t>(word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
      bits &= bits - 1;
      if (map[id] == 0) {
        ClearExtension(id);
        ++cleared;
      }
    }
  }
  return cleared;
}

bool RtpPacket::RestoreExtensionBlock(std::span<const uint8_t> saved) {
  if (saved.size() != ext_size_) {
    return false;
  }
  if (!saved.empty()) {
    std::memmove(data_.data() + ext_offset_, saved.data(), saved.size());
  }
  return IndexExtensions();
}

bool RtpPacket::TrimPayloadFront(std::size_t n) {
  if (n > payload_size_) {
    return false;
  }
  if (n == 0) {
    return true;
  }
  std::memmove(data_.data() + n, data_.data(), header_size_);
  data_ = data_.subspan(n);
  payload_size_ = static_cast<uint16_t>(payload_size_ - n);
  // Extension offsets are relative to data_, which moved with the header: still valid.
  return true;
}

}  // namespace tr::media
