#include "media/dtls/dtls_record.h"

namespace tr::media {
namespace {

// RFC 6347 §4.1: TLSCiphertext.length is at most 2^14 + 2048.
constexpr std::size_t kMaxFragmentLength = 16384 + 2048;
// RFC 6347 §4.2.2: msg_type(1) length(3) message_seq(2) fragment_offset(3)
// fragment_length(3).
constexpr std::size_t kHandshakeHeaderSize = 12;

uint32_t Get16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Get24(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]; }

bool IsPlausibleHandshakeFragments(std::span<const uint8_t> fragment) {
  if (fragment.empty()) return false;
  while (!fragment.empty()) {
    if (fragment.size() < kHandshakeHeaderSize) return false;
    const uint32_t message_length = Get24(fragment.data() + 1);
    const uint32_t fragment_offset = Get24(fragment.data() + 6);
    const uint32_t fragment_length = Get24(fragment.data() + 9);
    if (uint64_t{fragment_offset} + fragment_length > message_length) return false;
    if (fragment.size() - kHandshakeHeaderSize < fragment_length) return false;
    fragment = fragment.subspan(kHandshakeHeaderSize + fragment_length);
  }
  return true;
}

}  // namespace

std::optional<DtlsRecordHeader> ParseDtlsRecordHeader(std::span<const uint8_t> data) {
  if (data.size() < DtlsRecordHeader::kSize) return std::nullopt;
  const uint8_t* p = data.data();
  DtlsRecordHeader header;
  header.content_type = p[0];
  header.version = static_cast<uint16_t>(Get16(p + 1));
  header.epoch = static_cast<uint16_t>(Get16(p + 3));
  header.sequence_number = 0;
  for (int i = 5; i < 11; ++i) header.sequence_number = (header.sequence_number << 8) | p[i];
  header.length = static_cast<uint16_t>(Get16(p + 11));
  if (data.size() - DtlsRecordHeader::kSize < header.length) return std::nullopt;
  return header;
}

bool IsPlausibleDtlsDatagram(std::span<const uint8_t> datagram,
                             std::size_t min_encrypted_fragment) {
  if (datagram.empty()) return false;
  while (!datagram.empty()) {
    const std::optional<DtlsRecordHeader> header = ParseDtlsRecordHeader(datagram);
    if (!header) return false;
    if (header->version != DtlsRecordHeader::kVersionDtls12 &&
        header->version != DtlsRecordHeader::kVersionDtls10) {
      return false;
    }
    if (header->length > kMaxFragmentLength) return false;
    const std::span<const uint8_t> fragment =
        datagram.subspan(DtlsRecordHeader::kSize, header->length);
    if (header->epoch != 0 && fragment.size() < min_encrypted_fragment) return false;
    switch (header->content_type) {
      case DtlsRecordHeader::kChangeCipherSpec:
        if (header->epoch == 0 && (fragment.size() != 1 || fragment[0] != 1)) return false;
        break;
      case DtlsRecordHeader::kAlert:
        if (header->epoch == 0 &&
            (fragment.size() != 2 || (fragment[0] != 1 && fragment[0] != 2))) {
          return false;
        }
        break;
      case DtlsRecordHeader::kHandshake:
        if (header->epoch == 0 && !IsPlausibleHandshakeFragments(fragment)) return false;
        break;
      case DtlsRecordHeader::kApplicationData:
        if (header->epoch == 0) return false;
        break;
      default:
        return false;
    }
    datagram = datagram.subspan(DtlsRecordHeader::kSize + header->length);
  }
  return true;
}

}  // namespace tr::media
