#pragma once
// STUN message view (RFC 8489) with the attributes an ICE-lite server needs (RFC 8445).
//
// DOC: https://www.rfc-editor.org/rfc/rfc8489#section-5 (header),
//      https://www.rfc-editor.org/rfc/rfc8489#section-14 (attributes),
//      https://www.rfc-editor.org/rfc/rfc8445#section-16.1 (PRIORITY, USE-CANDIDATE,
//      ICE-CONTROLLED, ICE-CONTROLLING), https://www.rfc-editor.org/rfc/rfc7983 (demux).
//
// StunMessage::Parse validates the header and walks every attribute once, recording where
// the known ones are; the result is a small value that points into the caller's buffer
// (no copies, no heap). The buffer must outlive the view. Parse never allocates, throws
// or locks; malformed input returns nullopt.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/stun/sha1.h"
#include "media/stun/stun_address.h"

namespace tr::media {

inline constexpr uint32_t kStunMagicCookie = 0x2112A442u;
inline constexpr std::size_t kStunHeaderSize = 20;
inline constexpr std::size_t kStunTransactionIdSize = 12;
// FINGERPRINT value = CRC-32 of the message so far XOR this constant ("STUN").
inline constexpr uint32_t kStunFingerprintXor = 0x5354554Eu;

using StunTransactionId = std::array<uint8_t, kStunTransactionIdSize>;

// The two class bits of the message type (RFC 8489 §5).
enum class StunClass : uint8_t {
  kRequest = 0,
  kIndication = 1,
  kSuccessResponse = 2,
  kErrorResponse = 3,
};

namespace stun_method {
inline constexpr uint16_t kBinding = 0x001;
}  // namespace stun_method

// Attribute types (IANA "STUN Attributes" registry). 0x0000-0x7FFF are
// comprehension-required, 0x8000-0xFFFF comprehension-optional.
namespace stun_attr {
inline constexpr uint16_t kMappedAddress = 0x0001;
inline constexpr uint16_t kUsername = 0x0006;
inline constexpr uint16_t kMessageIntegrity = 0x0008;
inline constexpr uint16_t kErrorCode = 0x0009;
inline constexpr uint16_t kUnknownAttributes = 0x000A;
inline constexpr uint16_t kRealm = 0x0014;
inline constexpr uint16_t kNonce = 0x0015;
inline constexpr uint16_t kMessageIntegritySha256 = 0x001C;
inline constexpr uint16_t kXorMappedAddress = 0x0020;
inline constexpr uint16_t kPriority = 0x0024;
inline constexpr uint16_t kUseCandidate = 0x0025;
// draft-thatcher-ice-renomination; libwebrtc sends its own 0xC001 (GOOG-NOMINATION).
inline constexpr uint16_t kNomination = 0x0030;
inline constexpr uint16_t kSoftware = 0x8022;
inline constexpr uint16_t kFingerprint = 0x8028;
inline constexpr uint16_t kIceControlled = 0x8029;
inline constexpr uint16_t kIceControlling = 0x802A;
inline constexpr uint16_t kGoogNomination = 0xC001;

constexpr bool IsComprehensionRequired(uint16_t type) { return type < 0x8000; }
}  // namespace stun_attr

// Message type from method and class: the class bits C1 C0 sit at bits 8 and 4, the
// 12 method bits around them (RFC 8489 §5, figure 3).
constexpr uint16_t StunMessageType(uint16_t method, StunClass cls) {
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000Fu) | ((method & 0x0070u) << 1) |
                               ((method & 0x0F80u) << 2) | ((c & 1u) << 4) | ((c & 2u) << 7));
}
constexpr uint16_t StunMethodOf(uint16_t type) {
  return static_cast<uint16_t>((type & 0x000Fu) | ((type & 0x00E0u) >> 1) |
                               ((type & 0x3E00u) >> 2));
}
constexpr StunClass StunClassOf(uint16_t type) {
  return static_cast<StunClass>(((type >> 7) & 2u) | ((type >> 4) & 1u));
}

inline constexpr uint16_t kStunBindingRequest =
    StunMessageType(stun_method::kBinding, StunClass::kRequest);  // 0x0001
inline constexpr uint16_t kStunBindingSuccessResponse =
    StunMessageType(stun_method::kBinding, StunClass::kSuccessResponse);  // 0x0101
inline constexpr uint16_t kStunBindingErrorResponse =
    StunMessageType(stun_method::kBinding, StunClass::kErrorResponse);  // 0x0111
inline constexpr uint16_t kStunBindingIndication =
    StunMessageType(stun_method::kBinding, StunClass::kIndication);  // 0x0011

struct StunErrorCode {
  uint16_t code = 0;        // 300..699
  std::string_view reason;  // UTF-8 reason phrase, points into the message
};

class StunMessage {
 public:
  // Most comprehension-required attributes we do not understand that are remembered for
  // a 420 response's UNKNOWN-ATTRIBUTES; the count keeps counting past this.
  static constexpr std::size_t kMaxUnknownRecorded = 8;

  // RFC 7983 demux test: at least a header, first byte 0..3, magic cookie at bytes 4..7.
  // Cheap; run it before RTCP/RTP/DTLS classification (STUN first byte never overlaps).
  static bool IsStun(std::span<const uint8_t> data);

  // Validates and indexes a whole STUN message; `data` must be exactly one message (a UDP
  // datagram, or one RFC 4571 frame over TCP). Rejects: short or oversized input, top bits
  // set, wrong cookie, a length field that is not a multiple of 4 or not equal to the
  // attribute bytes present, an attribute overrunning the message, a known attribute with
  // an invalid size or value, anything after FINGERPRINT. Unknown attributes are skipped;
  // comprehension-required ones are recorded (UnknownRequiredAttributes()). Attributes
  // after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are
  // ignored (RFC 8489 §14.5); of duplicated attributes the first one counts.
  static std::optional<StunMessage> Parse(std::span<const uint8_t> data);

  std::span<const uint8_t> Data() const { return data_; }
  std::size_t Size() const { return data_.size(); }
  uint16_t Type() const;
  uint16_t Method() const { return StunMethodOf(Type()); }
  StunClass Class() const { return StunClassOf(Type()); }
  bool IsBindingRequest() const { return Type() == kStunBindingRequest; }
  std::span<const uint8_t, kStunTransactionIdSize> TransactionId() const {
    return data_.subspan<8, kStunTransactionIdSize>();
  }

  // ---- Attributes (nullopt / false / empty when absent) ----
  std::optional<std::string_view> Username() const { return StringAt(username_); }
  std::optional<std::string_view> Software() const { return StringAt(software_); }
  std::optional<std::string_view> Realm() const { return StringAt(realm_); }
  std::optional<std::string_view> Nonce() const { return StringAt(nonce_); }
  std::optional<uint32_t> Priority() const;
  bool HasUseCandidate() const { return use_candidate_; }
  std::optional<uint64_t> IceControlling() const;  // tie-breaker
  std::optional<uint64_t> IceControlled() const;   // tie-breaker
  // NOMINATION (0x0030) value, else GOOG-NOMINATION (0xC001), as libwebrtc renominates.
  std::optional<uint32_t> Nomination() const;
  std::optional<StunAddress> XorMappedAddress() const;
  std::optional<StunErrorCode> ErrorCode() const;
  bool HasMessageIntegrity() const { return message_integrity_ != 0; }
  bool HasMessageIntegritySha256() const { return message_integrity_sha256_ != 0; }
  // The raw MESSAGE-INTEGRITY-SHA256 value (16..32 bytes); verification is not supported.
  std::span<const uint8_t> MessageIntegritySha256() const;
  bool HasFingerprint() const { return fingerprint_ != 0; }

  // Comprehension-required attribute types this parser does not know, in message order
  // (at most kMaxUnknownRecorded of them); a request with any must get a 420 response.
  // The span points into this object.
  std::span<const uint16_t> UnknownRequiredAttributes() const {
    return std::span<const uint16_t>(unknown_required_).first(unknown_recorded_);
  }
  bool HasUnknownRequiredAttributes() const { return unknown_total_ > 0; }

  // MESSAGE-INTEGRITY check (RFC 8489 §14.5): HMAC-SHA1 keyed with `key` (for ICE's
  // short-term credentials, the ICE password itself; for long-term credentials the
  // 16-byte MD5 key) over the message up to the attribute, with the header length
  // adjusted to end right after it. Constant-time comparison. False when absent.
  bool CheckIntegrity(std::string_view key) const;
  bool CheckIntegrity(std::span<const uint8_t> key) const;
  // Same with a prepared key (HmacSha1 built once per password): two SHA-1 blocks fewer.
  bool CheckIntegrity(const HmacSha1& prepared_key) const;

  // FINGERPRINT check (RFC 8489 §14.7). False when absent.
  bool CheckFingerprint() const;

  // Calls f(type, value) for every attribute in order, including unknown and ignored ones.
  template <typename F>
  void ForEachAttribute(F&& f) const;

 private:
  std::optional<std::string_view> StringAt(uint32_t offset) const;
  uint16_t LengthAt(uint32_t value_offset) const;

  std::span<const uint8_t> data_;
  // Offsets of attribute *values* in data_ (always >= 24, so 0 means absent).
  uint32_t username_ = 0;
  uint32_t software_ = 0;
  uint32_t realm_ = 0;
  uint32_t nonce_ = 0;
  uint32_t priority_ = 0;
  uint32_t ice_controlling_ = 0;
  uint32_t ice_controlled_ = 0;
  uint32_t nomination_ = 0;
  uint32_t goog_nomination_ = 0;
  uint32_t xor_mapped_address_ = 0;
  uint32_t error_code_ = 0;
  uint32_t message_integrity_ = 0;
  uint32_t message_integrity_sha256_ = 0;
  uint32_t fingerprint_ = 0;
  bool use_candidate_ = false;
  uint8_t unknown_recorded_ = 0;
  uint16_t unknown_total_ = 0;
  std::array<uint16_t, kMaxUnknownRecorded> unknown_required_{};
};

template <typename F>
void StunMessage::ForEachAttribute(F&& f) const {
  std::size_t pos = kStunHeaderSize;
  while (pos + 4 <= data_.size()) {
    const uint16_t type = static_cast<uint16_t>((data_[pos] << 8) | data_[pos + 1]);
    const std::size_t len = static_cast<std::size_t>((data_[pos + 2] << 8) | data_[pos + 3]);
    f(type, data_.subspan(pos + 4, len));  // Parse() guaranteed it fits
    pos += 4 + ((len + 3) & ~std::size_t{3});
  }
}

}  // namespace tr::media
