#pragma once
// Serializes STUN messages (RFC 8489) into a caller-provided buffer: the responses an
// ICE-lite server sends (Binding success with XOR-MAPPED-ADDRESS + MESSAGE-INTEGRITY +
// FINGERPRINT, Binding error with ERROR-CODE + FINGERPRINT), and requests for tests and
// consent checks.
//
// Usage: StunBuilder b(buffer); b.Begin(type, txid); b.Add...(); ...; size = b.Finish();
// Every Add returns false when the buffer is too small or the value is invalid, and the
// failure is sticky: Finish() then returns 0. The header length is kept current after each
// attribute, so the bytes written so far always form a valid message. MESSAGE-INTEGRITY
// and FINGERPRINT must come last, in that order. No heap, no exceptions.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "media/stun/sha1.h"
#include "media/stun/stun_address.h"
#include "media/stun/stun_message.h"

namespace tr::media {

class StunBuilder {
 public:
  explicit StunBuilder(std::span<uint8_t> out) : out_(out) {}

  // Writes the 20-byte header (length 0, magic cookie, transaction id).
  bool Begin(uint16_t message_type, std::span<const uint8_t, kStunTransactionIdSize> txid);

  // Generic TLV: type, length, value, zero padding to 4 bytes.
  bool AddAttribute(uint16_t type, std::span<const uint8_t> value);
  bool AddUsername(std::string_view username);
  bool AddSoftware(std::string_view software);
  bool AddPriority(uint32_t priority);
  bool AddUseCandidate();
  bool AddIceControlling(uint64_t tie_breaker);
  bool AddIceControlled(uint64_t tie_breaker);
  bool AddXorMappedAddress(const StunAddress& address);
  // `code` in 300..699; `reason` may be empty (a default phrase is used for known codes).
  bool AddErrorCode(uint16_t code, std::string_view reason = {});
  bool AddUnknownAttributes(std::span<const uint16_t> types);
  // HMAC-SHA1 over the message so far with the length adjusted to include this attribute.
  bool AddMessageIntegrity(std::string_view key);
  bool AddMessageIntegrity(std::span<const uint8_t> key);
  bool AddMessageIntegrity(const HmacSha1& prepared_key);
  // CRC-32 XOR 0x5354554E over the message so far; nothing may be added afterwards.
  bool AddFingerprint();

  // Total message size, or 0 if any step failed.
  std::size_t Finish() const { return ok_ ? size_ : 0; }
  bool ok() const { return ok_; }

  // ---- One-call builders for the ICE-lite server ----

  // Binding success response to `request_txid`: XOR-MAPPED-ADDRESS(mapped),
  // MESSAGE-INTEGRITY(key = ICE password), FINGERPRINT. 0 on failure.
  static std::size_t BuildBindingSuccess(
      std::span<uint8_t> out,
      std::span<const uint8_t, kStunTransactionIdSize> request_txid,
      const StunAddress& mapped,
      const HmacSha1& prepared_key);
  static std::size_t BuildBindingSuccess(
      std::span<uint8_t> out,
      std::span<const uint8_t, kStunTransactionIdSize> request_txid,
      const StunAddress& mapped,
      std::string_view key);
  // Binding error response: ERROR-CODE(code, reason or the default phrase), for 420 also
  // UNKNOWN-ATTRIBUTES(unknown), then FINGERPRINT (no MESSAGE-INTEGRITY, as mediasoup and
  // libwebrtc do for 400/401/487). 0 on failure.
  static std::size_t BuildBindingError(
      std::span<uint8_t> out,
      std::span<const uint8_t, kStunTransactionIdSize> request_txid,
      uint16_t code,
      std::string_view reason = {},
      std::span<const uint16_t> unknown = {});

  // Default reason phrases of RFC 8489 §14.8 / RFC 8445 §7.3.1.1 ("" for others).
  static std::string_view DefaultReason(uint16_t code);

 private:
  uint8_t* Reserve(uint16_t type, std::size_t value_len);
  void SetLength(std::size_t total);

  std::span<uint8_t> out_;
  std::size_t size_ = 0;
  bool ok_ = true;
  bool begun_ = false;
  bool has_integrity_ = false;
  bool sealed_ = false;  // FINGERPRINT written
};

}  // namespace tr::media
