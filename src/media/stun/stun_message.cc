#include "media/stun/stun_message.h"

#include <algorithm>

#include "media/common/byte_io.h"
#include "media/stun/crc32.h"

namespace tr::media {

namespace {

// Size limits of RFC 8489 §14: USERNAME < 513 bytes (RFC 5389's bound, the looser of the
// two RFCs), REALM/NONCE/SOFTWARE/reason phrase < 763 bytes.
constexpr std::size_t kMaxUsername = 512;
constexpr std::size_t kMaxText = 763;

}  // namespace

bool StunMessage::IsStun(std::span<const uint8_t> data) {
  return data.size() >= kStunHeaderSize && data[0] <= 3 && ReadU32(data.data() + 4) == kStunMagicCookie;
}

uint16_t StunMessage::Type() const { return ReadU16(data_.data()); }

std::optional<StunMessage> StunMessage::Parse(std::span<const uint8_t> data) {
  if (data.size() < kStunHeaderSize || data.size() > kStunHeaderSize + 0xFFFF) {
    return std::nullopt;
  }
  const uint8_t* p = data.data();
  if ((p[0] & 0xC0) != 0 || ReadU32(p + 4) != kStunMagicCookie) {
    return std::nullopt;
  }
  const std::size_t length = ReadU16(p + 2);
  if ((length & 3) != 0 || kStunHeaderSize + length != data.size()) {
    return std::nullopt;
  }

  std::optional<StunMessage> result(std::in_place);
  StunMessage& m = *result;
  m.data_ = data;

  bool after_integrity = false;         // MESSAGE-INTEGRITY seen
  bool after_integrity_sha256 = false;  // MESSAGE-INTEGRITY-SHA256 seen
  std::size_t pos = kStunHeaderSize;
  while (pos < data.size()) {
    if (m.fingerprint_ != 0) {
      return std::nullopt;  // FINGERPRINT must be the last attribute.
    }
    if (data.size() - pos < 4) {
      return std::nullopt;
    }
    const uint16_t type = ReadU16(p + pos);
    const std::size_t len = ReadU16(p + pos + 2);
    const std::size_t value = pos + 4;
    if (len > data.size() - value) {
      return std::nullopt;
    }
    const auto offset = static_cast<uint32_t>(value);
    pos = value + PadTo4(len);  // fits: remaining bytes are a multiple of 4

    if (type == stun_attr::kFingerprint) {
      if (len != 4) {
        return std::nullopt;
      }
      m.fingerprint_ = offset;
      continue;
    }
    if (after_integrity_sha256) {
      continue;  // only FINGERPRINT may follow MESSAGE-INTEGRITY-SHA256
    }
    if (type == stun_attr::kMessageIntegritySha256) {
      if (len < 16 || len > 32 || (len & 3) != 0) {
        return std::nullopt;
      }
      m.message_integrity_sha256_ = offset;
      after_integrity_sha256 = true;
      continue;
    }
    if (after_integrity) {
      continue;  // ignored per RFC 8489 §14.5
    }

    // First occurrence of each attribute wins; later duplicates are validated and skipped.
    auto record = [&](uint32_t& slot) {
      if (slot == 0) {
        slot = offset;
      }
    };
    switch (type) {
      case stun_attr::kMessageIntegrity:
        if (len != Sha1::kDigestSize) {
          return std::nullopt;
        }
        m.message_integrity_ = offset;
        after_integrity = true;
        break;
      case stun_attr::kUsername:
        if (len > kMaxUsername) {
          return std::nullopt;
        }
        record(m.username_);
        break;
      case stun_attr::kSoftware:
      case stun_attr::kRealm:
      case stun_attr::kNonce:
        if (len > kMaxText) {
          return std::nullopt;
        }
        record(type == stun_attr::kSoftware ? m.software_
               : type == stun_attr::kRealm  ? m.realm_
                                            : m.nonce_);
        break;
      case stun_attr::kPriority:
        if (len != 4) {
          return std::nullopt;
        }
        record(m.priority_);
        break;
      case stun_attr::kUseCandidate:
        if (len != 0) {
          return std::nullopt;
        }
        m.use_candidate_ = true;
        break;
      case stun_attr::kIceControlled:
      case stun_attr::kIceControlling:
        if (len != 8) {
          return std::nullopt;
        }
        record(type == stun_attr::kIceControlled ? m.ice_controlled_ : m.ice_controlling_);
        break;
      case stun_attr::kNomination:
      case stun_attr::kGoogNomination:
        if (len != 4) {
          return std::nullopt;
        }
        record(type == stun_attr::kNomination ? m.nomination_ : m.goog_nomination_);
        break;
      case stun_attr::kXorMappedAddress: {
        if (len < 4) {
          return std::nullopt;
        }
        const uint8_t family = p[value + 1];
        if (!((family == 0x01 && len == 8) || (family == 0x02 && len == 20))) {
          return std::nullopt;
        }
        record(m.xor_mapped_address_);
        break;
      }
      case stun_attr::kErrorCode: {
        if (len < 4 || len - 4 > kMaxText) {
          return std::nullopt;
        }
        const uint8_t cls = p[value + 2] & 0x07;
        const uint8_t number = p[value + 3];
        if (cls < 3 || cls > 6 || number > 99) {
          return std::nullopt;
        }
        record(m.error_code_);
        break;
      }
      default:
        if (stun_attr::IsComprehensionRequired(type)) {
          if (m.unknown_recorded_ < kMaxUnknownRecorded) {
            m.unknown_required_[m.unknown_recorded_++] = type;
          }
          if (m.unknown_total_ < 0xFFFF) {
            ++m.unknown_total_;
          }
        }
        break;
    }
  }
  return result;
}

uint16_t StunMessage::LengthAt(uint32_t value_offset) const {
  return ReadU16(data_.data() + value_offset - 2);
}

std::optional<std::string_view> StunMessage::StringAt(uint32_t offset) const {
  if (offset == 0) {
    return std::nullopt;
  }
  return AsStringView(data_.subspan(offset, LengthAt(offset)));
}

std::optional<uint32_t> StunMessage::Priority() const {
  if (priority_ == 0) {
    return std::nullopt;
  }
  return ReadU32(data_.data() + priority_);
}

std::optional<uint64_t> StunMessage::IceControlling() const {
  if (ice_controlling_ == 0) {
    return std::nullopt;
  }
  return ReadU64(data_.data() + ice_controlling_);
}

std::optional<uint64_t> StunMessage::IceControlled() const {
  if (ice_controlled_ == 0) {
    return std::nullopt;
  }
  return ReadU64(data_.data() + ice_controlled_);
}

std::optional<uint32_t> StunMessage::Nomination() const {
  const uint32_t offset = nomination_ != 0 ? nomination_ : goog_nomination_;
  if (offset == 0) {
    return std::nullopt;
  }
  return ReadU32(data_.data() + offset);
}

std::optional<StunAddress> StunMessage::XorMappedAddress() const {
  if (xor_mapped_address_ == 0) {
    return std::nullopt;
  }
  const uint8_t* v = data_.data() + xor_mapped_address_;
  StunAddress addr;
  addr.port = static_cast<uint16_t>(ReadU16(v + 2) ^ (kStunMagicCookie >> 16));
  // The address is XORed with the cookie (IPv4) or cookie ++ transaction id (IPv6),
  // i.e. with header bytes 4..19 in order.
  const uint8_t* key = data_.data() + 4;
  if (v[1] == 0x01) {
    addr.family = StunAddress::Family::kIpv4;
    for (std::size_t i = 0; i < 4; ++i) {
      addr.ip[i] = static_cast<uint8_t>(v[4 + i] ^ key[i]);
    }
  } else {
    addr.family = StunAddress::Family::kIpv6;
    for (std::size_t i = 0; i < 16; ++i) {
      addr.ip[i] = static_cast<uint8_t>(v[4 + i] ^ key[i]);
    }
  }
  return addr;
}

std::optional<StunErrorCode> StunMessage::ErrorCode() const {
  if (error_code_ == 0) {
    return std::nullopt;
  }
  const uint8_t* v = data_.data() + error_code_;
  StunErrorCode ec;
  ec.code = static_cast<uint16_t>((v[2] & 0x07) * 100 + v[3]);
  ec.reason = AsStringView(data_.subspan(error_code_ + 4, LengthAt(error_code_) - 4u));
  return ec;
}

std::span<const uint8_t> StunMessage::MessageIntegritySha256() const {
  if (message_integrity_sha256_ == 0) {
    return {};
  }
  return data_.subspan(message_integrity_sha256_, LengthAt(message_integrity_sha256_));
}

bool StunMessage::CheckIntegrity(std::string_view key) const {
  return CheckIntegrity(AsBytes(key));
}

bool StunMessage::CheckIntegrity(std::span<const uint8_t> key) const {
  if (message_integrity_ == 0) {
    return false;
  }
  return CheckIntegrity(HmacSha1(key));
}

bool StunMessage::CheckIntegrity(const HmacSha1& prepared_key) const {
  if (message_integrity_ == 0) {
    return false;
  }
  const std::size_t attr_start = message_integrity_ - 4;
  // The header as it would read if MESSAGE-INTEGRITY were the last attribute.
  std::array<uint8_t, kStunHeaderSize> header;
  std::copy_n(data_.data(), kStunHeaderSize, header.data());
  WriteU16(header.data() + 2, static_cast<uint16_t>(attr_start + 4 + Sha1::kDigestSize -
                                                    kStunHeaderSize));
  HmacSha1 mac = prepared_key;
  mac.Update(header);
  mac.Update(data_.subspan(kStunHeaderSize, attr_start - kStunHeaderSize));
  const Sha1::Digest digest = mac.Final();
  return ConstantTimeEqual(digest, data_.subspan(message_integrity_, Sha1::kDigestSize));
}

bool StunMessage::CheckFingerprint() const {
  if (fingerprint_ == 0) {
    return false;
  }
  // FINGERPRINT is last, so the header length already ends after it as required.
  const uint32_t crc = Crc32(data_.first(fingerprint_ - 4)) ^ kStunFingerprintXor;
  return crc == ReadU32(data_.data() + fingerprint_);
}

}  // namespace tr::media
