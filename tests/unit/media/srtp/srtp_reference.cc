#include "srtp_reference.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace tr::media::testing {
namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

void Check(bool ok) {
  if (!ok) std::abort();  // An OpenSSL failure in the reference is a broken test.
}

// AES-128 in counter mode: `data` XOR keystream starting at the 128-bit counter `iv`.
Bytes AesCtr(std::span<const uint8_t> key, const uint8_t iv[16], std::span<const uint8_t> data) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  Check(ctx != nullptr);
  Check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv) == 1);
  Bytes out(data.size() + 16);
  int len = 0;
  int total = 0;
  if (!data.empty()) {
    Check(EVP_EncryptUpdate(ctx.get(), out.data(), &len, data.data(),
                            static_cast<int>(data.size())) == 1);
    total = len;
  }
  Check(EVP_EncryptFinal_ex(ctx.get(), out.data() + total, &len) == 1);
  out.resize(static_cast<std::size_t>(total + len));
  return out;
}

// AES-128-GCM with a 96-bit IV and 16-byte tag: ciphertext ‖ tag.
Bytes AesGcm(std::span<const uint8_t> key, const uint8_t iv[12], std::span<const uint8_t> aad,
             std::span<const uint8_t> plain) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  Check(ctx != nullptr);
  Check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) == 1);
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1);
  Check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv) == 1);
  int len = 0;
  Check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1);
  Bytes out(plain.size() + 16);
  int total = 0;
  if (!plain.empty()) {
    Check(EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain.data(),
                            static_cast<int>(plain.size())) == 1);
    total = len;
  }
  Check(EVP_EncryptFinal_ex(ctx.get(), out.data() + total, &len) == 1);
  total += len;
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + total) == 1);
  out.resize(static_cast<std::size_t>(total + 16));
  return out;
}

Bytes HmacSha1(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  Check(HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
             out.data(), &len) != nullptr);
  out.resize(len);
  return out;
}

uint32_t Load32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void Store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// RFC 3550 §5.1: fixed header, CSRC list, then the header extension if X is set.
std::size_t RtpHeaderLength(std::span<const uint8_t> rtp) {
  std::size_t length = 12 + 4 * std::size_t{static_cast<uint8_t>(rtp[0] & 0x0f)};
  if ((rtp[0] & 0x10) != 0) {
    const std::size_t words = (std::size_t{rtp[length + 2]} << 8) | rtp[length + 3];
    length += 4 + 4 * words;
  }
  return length;
}

void Append(Bytes& out, std::span<const uint8_t> data) {
  out.insert(out.end(), data.begin(), data.end());
}

}  // namespace

Bytes FromHex(const char* hex) {
  Bytes out;
  const std::string_view text(hex);
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
    std::abort();
  };
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((nibble(text[i]) << 4) | nibble(text[i + 1])));
  }
  return out;
}

Bytes DeriveSessionKey(std::span<const uint8_t> master_key, std::span<const uint8_t> master_salt,
                       uint8_t label, std::size_t length) {
  // x = key_id XOR master_salt, key_id = label ‖ (index DIV kdr = 0, 48 bits), both
  // right-aligned in 112 bits; the PRF input block is x · 2^16.
  uint8_t iv[16] = {};
  std::memcpy(iv, master_salt.data(), master_salt.size());  // 12 or 14 bytes, left-aligned
  iv[7] ^= label;
  const Bytes zeros(length, 0);
  return AesCtr(master_key, iv, zeros);
}

Bytes ReferenceProtectRtp(SrtpProfile profile, std::span<const uint8_t> master_key,
                          std::span<const uint8_t> master_salt, std::span<const uint8_t> rtp,
                          uint32_t roc) {
  const std::size_t header_length = RtpHeaderLength(rtp);
  const auto header = rtp.first(header_length);
  const auto payload = rtp.subspan(header_length);
  const uint32_t ssrc = Load32(rtp.data() + 8);
  const uint8_t seq_hi = rtp[2];
  const uint8_t seq_lo = rtp[3];
  Bytes out(header.begin(), header.end());

  if (profile == SrtpProfile::kAeadAes128Gcm) {
    const Bytes key = DeriveSessionKey(master_key, master_salt, 0, 16);
    const Bytes salt = DeriveSessionKey(master_key, master_salt, 2, 12);
    // RFC 7714 §8.1: IV = (00 00 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt.
    uint8_t iv[12] = {};
    Store32(iv + 2, ssrc);
    Store32(iv + 6, roc);
    iv[10] = seq_hi;
    iv[11] = seq_lo;
    for (int i = 0; i < 12; ++i) iv[i] ^= salt[static_cast<std::size_t>(i)];
    Append(out, AesGcm(key, iv, header, payload));  // AAD = the whole RTP header (§8.2)
    return out;
  }

  const Bytes key = DeriveSessionKey(master_key, master_salt, 0, 16);
  const Bytes auth = DeriveSessionKey(master_key, master_salt, 1, 20);
  const Bytes salt = DeriveSessionKey(master_key, master_salt, 2, 14);
  // RFC 3711 §4.1.1: IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16).
  uint8_t iv[16] = {};
  std::memcpy(iv, salt.data(), 14);
  uint8_t index[6];
  Store32(index, roc);
  index[4] = seq_hi;
  index[5] = seq_lo;
  uint8_t ssrc_bytes[4];
  Store32(ssrc_bytes, ssrc);
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= ssrc_bytes[i];
  for (int i = 0; i < 6; ++i) iv[8 + i] ^= index[i];
  Append(out, AesCtr(key, iv, payload));
  // RFC 3711 §4.2: tag = HMAC-SHA1(auth key, authenticated portion ‖ ROC), 80 bits.
  Bytes authenticated = out;
  uint8_t roc_bytes[4];
  Store32(roc_bytes, roc);
  Append(authenticated, roc_bytes);
  const Bytes tag = HmacSha1(auth, authenticated);
  out.insert(out.end(), tag.begin(), tag.begin() + 10);
  return out;
}

Bytes ReferenceProtectRtcp(SrtpProfile profile, std::span<const uint8_t> master_key,
                           std::span<const uint8_t> master_salt, std::span<const uint8_t> rtcp,
                           uint32_t srtcp_index) {
  const auto header = rtcp.first(8);  // first RTCP header word + sender SSRC stay clear
  const auto body = rtcp.subspan(8);
  const uint32_t ssrc = Load32(rtcp.data() + 4);
  uint8_t e_and_index[4];
  Store32(e_and_index, 0x80000000u | srtcp_index);
  Bytes out(header.begin(), header.end());

  if (profile == SrtpProfile::kAeadAes128Gcm) {
    const Bytes key = DeriveSessionKey(master_key, master_salt, 3, 16);
    const Bytes salt = DeriveSessionKey(master_key, master_salt, 5, 12);
    // RFC 7714 §9.1: IV = (00 00 ‖ SSRC ‖ 00 00 ‖ 0 ‖ SRTCP index) XOR salt.
    uint8_t iv[12] = {};
    Store32(iv + 2, ssrc);
    Store32(iv + 8, srtcp_index & 0x7fffffffu);
    for (int i = 0; i < 12; ++i) iv[i] ^= salt[static_cast<std::size_t>(i)];
    // §9.2: AAD = header ‖ E ‖ SRTCP index; the packet ends ciphertext ‖ tag ‖ E ‖ index.
    Bytes aad(header.begin(), header.end());
    Append(aad, e_and_index);
    Append(out, AesGcm(key, iv, aad, body));
    Append(out, e_and_index);
    return out;
  }

  const Bytes key = DeriveSessionKey(master_key, master_salt, 3, 16);
  const Bytes auth = DeriveSessionKey(master_key, master_salt, 4, 20);
  const Bytes salt = DeriveSessionKey(master_key, master_salt, 5, 14);
  uint8_t iv[16] = {};
  std::memcpy(iv, salt.data(), 14);
  uint8_t ssrc_bytes[4];
  Store32(ssrc_bytes, ssrc);
  uint8_t index_bytes[4];
  Store32(index_bytes, srtcp_index);
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= ssrc_bytes[i];
  for (int i = 0; i < 4; ++i) iv[10 + i] ^= index_bytes[i];
  Append(out, AesCtr(key, iv, body));
  Append(out, e_and_index);
  // RFC 3711 §3.4: the tag covers header, encrypted body and E ‖ SRTCP index.
  const Bytes tag = HmacSha1(auth, out);
  out.insert(out.end(), tag.begin(), tag.begin() + 10);
  return out;
}

}  // namespace tr::media::testing
