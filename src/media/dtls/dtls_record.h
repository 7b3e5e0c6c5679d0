#pragma once
// DTLS 1.2 record layer framing, parsed in place, to screen datagrams before OpenSSL sees
// them.
// DOC: https://www.rfc-editor.org/rfc/rfc6347#section-4.1 (record header)
// DOC: https://www.rfc-editor.org/rfc/rfc6347#section-4.2.2 (handshake message header)
// DOC: https://www.rfc-editor.org/rfc/rfc6347#section-4.1.2.7 (invalid records are
//      silently discarded)
//
// OpenSSL 3.0 drops most invalid records, but treats some well-framed nonsense in
// plaintext (epoch 0) as fatal: a truncated handshake fragment, an alert of the wrong
// size, an unknown content type. Anyone who can spoof the ICE 5-tuple could then kill a
// handshake with one datagram. DtlsTransport therefore drops a whole datagram unless
// every record in it passes IsPlausibleDtlsDatagram(). Encrypted records (epoch > 0)
// are only checked for their minimum size; OpenSSL silently discards those that fail
// authentication.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tr::media {

struct DtlsRecordHeader {
  static constexpr std::size_t kSize = 13;
  // RFC 6347 §4.1 / RFC 5246 §6.2.1 content types.
  static constexpr uint8_t kChangeCipherSpec = 20;
  static constexpr uint8_t kAlert = 21;
  static constexpr uint8_t kHandshake = 22;
  static constexpr uint8_t kApplicationData = 23;
  static constexpr uint16_t kVersionDtls10 = 0xfeff;
  static constexpr uint16_t kVersionDtls12 = 0xfefd;

  uint8_t content_type = 0;
  uint16_t version = 0;
  uint16_t epoch = 0;
  uint64_t sequence_number = 0;  // 48 bits
  uint16_t length = 0;           // of the fragment that follows the header
};

// Parses the record header at the start of `data`. Returns nullopt if fewer than 13 bytes
// are there or the fragment runs past the end of `data`.
std::optional<DtlsRecordHeader> ParseDtlsRecordHeader(std::span<const uint8_t> data);

// Smallest possible encrypted fragment (epoch > 0) for the AEAD suites DtlsContext
// allows: AES-GCM carries an 8-byte explicit nonce and a 16-byte tag, ChaCha20-Poly1305
// a 16-byte tag only. OpenSSL 3.0 silently kills the association (no alert, no error on
// the queue, every later SSL_write fails) when it is handed an encrypted record shorter
// than its cipher's overhead, so such records must never reach it.
inline constexpr std::size_t kMinGcmFragment = 24;
inline constexpr std::size_t kMinChaChaFragment = 16;

// True if `datagram` is one or more records that each:
//  - has a known content type (20..23) and a DTLS 1.0 / 1.2 version,
//  - lies entirely inside the datagram, with a fragment of at most 2^14 + 2048 bytes,
//  - if in epoch 0 (plaintext): is a change_cipher_spec of exactly one byte 1, an alert
//    of exactly two bytes with level 1 or 2, or handshake fragments whose 12-byte headers
//    and bodies tile the record exactly (offset + length within the message length);
//    application data in epoch 0 is never valid;
//  - if encrypted (epoch > 0): has a fragment of at least `min_encrypted_fragment` bytes.
bool IsPlausibleDtlsDatagram(std::span<const uint8_t> datagram,
                             std::size_t min_encrypted_fragment = kMinGcmFragment);

}  // namespace tr::media
