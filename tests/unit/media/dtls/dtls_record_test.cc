#include "media/dtls/dtls_record.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;

// Datagrams captured from an in-memory handshake between two DtlsTransports (OpenSSL
// 3.0 as both client and server), stored in tests/unit/media/dtls/data/.
Bytes Fixture(const char* name) {
  std::ifstream in(std::string(TR_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(DtlsRecord, ParsesCapturedClientHello) {
  const Bytes datagram = Fixture("client_hello.bin");
  ASSERT_EQ(datagram.size(), 170u);
  const auto header = ParseDtlsRecordHeader(datagram);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->content_type, DtlsRecordHeader::kHandshake);
  EXPECT_EQ(header->version, DtlsRecordHeader::kVersionDtls10) << "ClientHello record version";
  EXPECT_EQ(header->epoch, 0);
  EXPECT_EQ(header->sequence_number, 0u);
  EXPECT_EQ(header->length, 157);
  // Handshake header: client_hello (1), whole message in one fragment.
  EXPECT_EQ(datagram[13], 1);
  EXPECT_TRUE(IsPlausibleDtlsDatagram(datagram));

  // The use_srtp extension (0x000e) offers AEAD_AES_128_GCM (0x0007) before
  // AES128_CM_SHA1_80 (0x0001).
  const Bytes use_srtp = {0x00, 0x0e, 0x00, 0x07, 0x00, 0x04, 0x00, 0x07, 0x00, 0x01, 0x00};
  EXPECT_NE(std::search(datagram.begin(), datagram.end(), use_srtp.begin(), use_srtp.end()),
            datagram.end());
}

TEST(DtlsRecord, CapturedFlightsArePlausible) {
  for (const char* name : {"client_hello.bin", "server_flight4.bin", "client_flight5.bin"}) {
    const Bytes datagram = Fixture(name);
    EXPECT_TRUE(IsPlausibleDtlsDatagram(datagram)) << name;
  }
  // Flight 4 packs ServerHello … ServerHelloDone in one datagram: several records.
  const Bytes flight = Fixture("server_flight4.bin");
  int records = 0;
  std::span<const uint8_t> rest(flight);
  while (!rest.empty()) {
    const auto header = ParseDtlsRecordHeader(rest);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->version, DtlsRecordHeader::kVersionDtls12);
    EXPECT_EQ(header->sequence_number, static_cast<uint64_t>(records));
    rest = rest.subspan(DtlsRecordHeader::kSize + header->length);
    ++records;
  }
  EXPECT_GE(records, 4);
  // Flight 5 ends with ChangeCipherSpec (epoch 0) and Finished (epoch 1).
  const Bytes flight5 = Fixture("client_flight5.bin");
  std::span<const uint8_t> tail(flight5);
  std::optional<DtlsRecordHeader> last;
  while (!tail.empty()) {
    last = ParseDtlsRecordHeader(tail);
    ASSERT_TRUE(last);
    tail = tail.subspan(DtlsRecordHeader::kSize + last->length);
  }
  EXPECT_EQ(last->content_type, DtlsRecordHeader::kHandshake);
  EXPECT_EQ(last->epoch, 1);
}

TEST(DtlsRecord, RejectsTruncationAndTrailingBytes) {
  const Bytes hello = Fixture("client_hello.bin");
  for (std::size_t cut : {0u, 1u, 12u, 13u, 24u, 100u, 169u}) {
    const Bytes truncated(hello.begin(), hello.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(IsPlausibleDtlsDatagram(truncated)) << cut;
  }
  Bytes trailing = hello;
  trailing.push_back(0);
  EXPECT_FALSE(IsPlausibleDtlsDatagram(trailing));
  Bytes twice = hello;
  twice.insert(twice.end(), hello.begin(), hello.end());
  EXPECT_TRUE(IsPlausibleDtlsDatagram(twice)) << "two whole records";
  EXPECT_FALSE(ParseDtlsRecordHeader(Bytes(hello.begin(), hello.begin() + 12)));
}

TEST(DtlsRecord, RejectsMalformedPlaintextRecords) {
  const Bytes hello = Fixture("client_hello.bin");
  Bytes bad_type = hello;
  bad_type[0] = 24;  // heartbeat: never negotiated
  EXPECT_FALSE(IsPlausibleDtlsDatagram(bad_type));
  Bytes bad_version = hello;
  bad_version[2] = 0xfc;  // DTLS 1.3 record version
  EXPECT_FALSE(IsPlausibleDtlsDatagram(bad_version));
  Bytes bad_fragment = hello;
  bad_fragment[13 + 11] += 1;  // fragment_length one past the record
  EXPECT_FALSE(IsPlausibleDtlsDatagram(bad_fragment));
  Bytes bad_offset = hello;
  bad_offset[13 + 8] = 1;  // fragment_offset + fragment_length > message length
  EXPECT_FALSE(IsPlausibleDtlsDatagram(bad_offset));

  const Bytes short_alert = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2};
  EXPECT_FALSE(IsPlausibleDtlsDatagram(short_alert));
  const Bytes alert = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40};
  EXPECT_TRUE(IsPlausibleDtlsDatagram(alert));
  const Bytes bad_level = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 3, 40};
  EXPECT_FALSE(IsPlausibleDtlsDatagram(bad_level));
  const Bytes ccs = {20, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1};
  EXPECT_TRUE(IsPlausibleDtlsDatagram(ccs));
  const Bytes bad_ccs = {20, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2};
  EXPECT_FALSE(IsPlausibleDtlsDatagram(bad_ccs));
  const Bytes plain_app_data = {23, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2};
  EXPECT_FALSE(IsPlausibleDtlsDatagram(plain_app_data));
  const Bytes empty_handshake = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
  EXPECT_FALSE(IsPlausibleDtlsDatagram(empty_handshake));
}

Bytes EncryptedRecord(uint8_t type, std::size_t length) {
  Bytes record = {type,
                  0xfe,
                  0xfd,
                  0,
                  1,
                  0,
                  0,
                  0,
                  0,
                  0,
                  5,
                  static_cast<uint8_t>(length >> 8),
                  static_cast<uint8_t>(length)};
  record.resize(record.size() + length, 0xab);
  return record;
}

TEST(DtlsRecord, EncryptedRecordsNeedTheAeadOverhead) {
  // Epoch 1: contents are ciphertext; only the framing and the minimum size are checked.
  for (uint8_t type : {DtlsRecordHeader::kApplicationData, DtlsRecordHeader::kAlert,
                       DtlsRecordHeader::kHandshake}) {
    EXPECT_FALSE(IsPlausibleDtlsDatagram(EncryptedRecord(type, 3)));
    EXPECT_FALSE(IsPlausibleDtlsDatagram(EncryptedRecord(type, kMinGcmFragment - 1)));
    EXPECT_TRUE(IsPlausibleDtlsDatagram(EncryptedRecord(type, kMinGcmFragment)));
    EXPECT_TRUE(IsPlausibleDtlsDatagram(EncryptedRecord(type, 1200)));
    EXPECT_FALSE(
        IsPlausibleDtlsDatagram(EncryptedRecord(type, kMinChaChaFragment - 1), kMinChaChaFragment));
    EXPECT_TRUE(
        IsPlausibleDtlsDatagram(EncryptedRecord(type, kMinChaChaFragment), kMinChaChaFragment));
  }
  EXPECT_FALSE(IsPlausibleDtlsDatagram(Bytes{}));
}

}  // namespace
}  // namespace tr::media
