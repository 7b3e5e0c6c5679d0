#include "media/stun/stun_builder.h"

#include <algorithm>
#include <cstring>

#include "media/common/byte_io.h"
#include "media/stun/crc32.h"

namespace tr::media {

bool StunBuilder::Begin(uint16_t message_type,
                        std::span<const uint8_t, kStunTransactionIdSize> txid) {
  if (begun_ || (message_type & 0xC000) != 0 || out_.size() < kStunHeaderSize) {
    ok_ = false;
    return false;
  }
  uint8_t* p = out_.data();
  WriteU16(p, message_type);
  WriteU16(p + 2, 0);
  WriteU32(p + 4, kStunMagicCookie);
  std::memcpy(p + 8, txid.data(), kStunTransactionIdSize);
  size_ = kStunHeaderSize;
  begun_ = true;
  return true;
}

void StunBuilder::SetLength(std::size_t total) {
  WriteU16(out_.data() + 2, static_cast<uint16_t>(total - kStunHeaderSize));
}

uint8_t* StunBuilder::Reserve(uint16_t type, std::size_t value_len) {
  if (!ok_ || !begun_ || sealed_ || value_len > 0xFFFF) {
    ok_ = false;
    return nullptr;
  }
  const std::size_t total = 4 + PadTo4(value_len);
  if (total > out_.size() - size_ || size_ + total - kStunHeaderSize > 0xFFFF) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* p = out_.data() + size_;
  WriteU16(p, type);
  WriteU16(p + 2, static_cast<uint16_t>(value_len));
  // Zero the padding (RFC 8489 §14: receivers ignore it; we send zeros).
  std::memset(p + 4 + value_len, 0, PadTo4(value_len) - value_len);
  size_ += total;
  SetLength(size_);
  return p + 4;
}

bool StunBuilder::AddAttribute(uint16_t type, std::span<const uint8_t> value) {
  if (has_integrity_ && type != stun_attr::kFingerprint) {
    ok_ = false;  // nothing but FINGERPRINT after MESSAGE-INTEGRITY
    return false;
  }
  uint8_t* v = Reserve(type, value.size());
  if (v == nullptr) {
    return false;
  }
  if (!value.empty()) {
    std::memcpy(v, value.data(), value.size());
  }
  return true;
}

bool StunBuilder::AddUsername(std::string_view username) {
  return AddAttribute(stun_attr::kUsername, AsBytes(username));
}

bool StunBuilder::AddSoftware(std::string_view software) {
  return AddAttribute(stun_attr::kSoftware, AsBytes(software));
}

bool StunBuilder::AddPriority(uint32_t priority) {
  uint8_t v[4];
  WriteU32(v, priority);
  return AddAttribute(stun_attr::kPriority, v);
}

bool StunBuilder::AddUseCandidate() { return AddAttribute(stun_attr::kUseCandidate, {}); }

bool StunBuilder::AddIceControlling(uint64_t tie_breaker) {
  uint8_t v[8];
  WriteU64(v, tie_breaker);
  return AddAttribute(stun_attr::kIceControlling, v);
}

bool StunBuilder::AddIceControlled(uint64_t tie_breaker) {
  uint8_t v[8];
  WriteU64(v, tie_breaker);
  return AddAttribute(stun_attr::kIceControlled, v);
}

bool StunBuilder::AddXorMappedAddress(const StunAddress& address) {
  if (!begun_) {
    ok_ = false;
    return false;
  }
  const bool v4 = address.family == StunAddress::Family::kIpv4;
  const std::size_t ip_len = v4 ? 4 : 16;
  uint8_t v[20];
  v[0] = 0;
  v[1] = static_cast<uint8_t>(address.family);
  WriteU16(v + 2, static_cast<uint16_t>(address.port ^ (kStunMagicCookie >> 16)));
  // XOR with cookie (IPv4) or cookie ++ transaction id (IPv6): header bytes 4..19.
  const uint8_t* key = out_.data() + 4;
  for (std::size_t i = 0; i < ip_len; ++i) {
    v[4 + i] = static_cast<uint8_t>(address.ip[i] ^ key[i]);
  }
  return AddAttribute(stun_attr::kXorMappedAddress, std::span<const uint8_t>(v, 4 + ip_len));
}

std::string_view StunBuilder::DefaultReason(uint16_t code) {
  switch (code) {
    case 300:
      return "Try Alternate";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 420:
      return "Unknown Attribute";
    case 438:
      return "Stale Nonce";
    case 487:
      return "Role Conflict";
    case 500:
      return "Server Error";
    default:
      return {};
  }
}

bool StunBuilder::AddErrorCode(uint16_t code, std::string_view reason) {
  if (code < 300 || code > 699 || reason.size() > 763) {
    ok_ = false;
    return false;
  }
  if (reason.empty()) {
    reason = DefaultReason(code);
  }
  if (has_integrity_) {
    ok_ = false;
    return false;
  }
  uint8_t* v = Reserve(stun_attr::kErrorCode, 4 + reason.size());
  if (v == nullptr) {
    return false;
  }
  v[0] = 0;
  v[1] = 0;
  v[2] = static_cast<uint8_t>(code / 100);
  v[3] = static_cast<uint8_t>(code % 100);
  if (!reason.empty()) {
    std::memcpy(v + 4, reason.data(), reason.size());
  }
  return true;
}

bool StunBuilder::AddUnknownAttributes(std::span<const uint16_t> types) {
  if (has_integrity_) {
    ok_ = false;
    return false;
  }
  uint8_t* v = Reserve(stun_attr::kUnknownAttributes, 2 * types.size());
  if (v == nullptr) {
    return false;
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    WriteU16(v + 2 * i, types[i]);
  }
  return true;
}

bool StunBuilder::AddMessageIntegrity(std::string_view key) {
  return AddMessageIntegrity(AsBytes(key));
}

bool StunBuilder::AddMessageIntegrity(std::span<const uint8_t> key) {
  if (!ok_) {
    return false;
  }
  return AddMessageIntegrity(HmacSha1(key));
}

bool StunBuilder::AddMessageIntegrity(const HmacSha1& prepared_key) {
  if (has_integrity_) {
    ok_ = false;
    return false;
  }
  const std::size_t covered = size_;
  // Reserve first: it sets the header length to include the MI attribute, which is
  // exactly the length the HMAC must cover.
  uint8_t* v = Reserve(stun_attr::kMessageIntegrity, Sha1::kDigestSize);
  if (v == nullptr) {
    return false;
  }
  HmacSha1 mac = prepared_key;
  mac.Update(out_.first(covered));
  const Sha1::Digest digest = mac.Final();
  std::memcpy(v, digest.data(), digest.size());
  has_integrity_ = true;
  return true;
}

bool StunBuilder::AddFingerprint() {
  const std::size_t covered = size_;
  uint8_t* v = Reserve(stun_attr::kFingerprint, 4);
  if (v == nullptr) {
    return false;
  }
  WriteU32(v, Crc32(out_.first(covered)) ^ kStunFingerprintXor);
  sealed_ = true;
  return true;
}

std::size_t StunBuilder::BuildBindingSuccess(
    std::span<uint8_t> out,
    std::span<const uint8_t, kStunTransactionIdSize> request_txid,
    const StunAddress& mapped,
    const HmacSha1& prepared_key) {
  StunBuilder b(out);
  b.Begin(kStunBindingSuccessResponse, request_txid);
  b.AddXorMappedAddress(mapped);
  b.AddMessageIntegrity(prepared_key);
  b.AddFingerprint();
  return b.Finish();
}

std::size_t StunBuilder::BuildBindingSuccess(
    std::span<uint8_t> out,
    std::span<const uint8_t, kStunTransactionIdSize> request_txid,
    const StunAddress& mapped,
    std::string_view key) {
  return BuildBindingSuccess(out, request_txid, mapped, HmacSha1(key));
}

std::size_t StunBuilder::BuildBindingError(
    std::span<uint8_t> out,
    std::span<const uint8_t, kStunTransactionIdSize> request_txid,
    uint16_t code,
    std::string_view reason,
    std::span<const uint16_t> unknown) {
  StunBuilder b(out);
  b.Begin(kStunBindingErrorResponse, request_txid);
  b.AddErrorCode(code, reason);
  if (code == 420 && !unknown.empty()) {
    b.AddUnknownAttributes(unknown);
  }
  b.AddFingerprint();
  return b.Finish();
}

}  // namespace tr::media
