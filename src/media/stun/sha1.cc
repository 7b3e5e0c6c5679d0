#include "media/stun/sha1.h"

#include <algorithm>
#include <cstring>

#include "media/common/byte_io.h"

namespace tr::media {

namespace {

constexpr uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

}  // namespace

void Sha1::Reset() {
  state_ = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  total_bytes_ = 0;
  buffered_ = 0;
}

void Sha1::Compress(const uint8_t* block) {
  // FIPS 180-4 §6.1.2 with the 16-word rolling message schedule.
  uint32_t w[16];
  for (int i = 0; i < 16; ++i) {
    w[i] = ReadU32(block + 4 * i);
  }
  uint32_t a = state_[0];
  uint32_t b = state_[1];
  uint32_t c = state_[2];
  uint32_t d = state_[3];
  uint32_t e = state_[4];
  for (int t = 0; t < 80; ++t) {
    uint32_t wt;
    if (t < 16) {
      wt = w[t];
    } else {
      wt = Rotl(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
      w[t & 15] = wt;
    }
    uint32_t f;
    uint32_t k;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5A827999u;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ED9EBA1u;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8F1BBCDCu;
    } else {
      f = b ^ c ^ d;
      k = 0xCA62C1D6u;
    }
    const uint32_t temp = Rotl(a, 5) + f + e + k + wt;
    e = d;
    d = c;
    c = Rotl(b, 30);
    b = a;
    a = temp;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
}

void Sha1::Update(std::span<const uint8_t> data) {
  const uint8_t* p = data.data();
  std::size_t n = data.size();
  total_bytes_ += n;
  if (buffered_ > 0) {
    const std::size_t take = std::min(n, kBlockSize - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < kBlockSize) {
      return;
    }
    Compress(buffer_.data());
    buffered_ = 0;
  }
  while (n >= kBlockSize) {
    Compress(p);
    p += kBlockSize;
    n -= kBlockSize;
  }
  if (n > 0) {
    std::memcpy(buffer_.data(), p, n);
    buffered_ = n;
  }
}

Sha1::Digest Sha1::Final() {
  const uint64_t bit_length = total_bytes_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > kBlockSize - 8) {
    std::memset(buffer_.data() + buffered_, 0, kBlockSize - buffered_);
    Compress(buffer_.data());
    buffered_ = 0;
  }
  std::memset(buffer_.data() + buffered_, 0, kBlockSize - 8 - buffered_);
  WriteU64(buffer_.data() + kBlockSize - 8, bit_length);
  Compress(buffer_.data());
  buffered_ = 0;
  Digest out;
  for (std::size_t i = 0; i < 5; ++i) {
    WriteU32(out.data() + 4 * i, state_[i]);
  }
  return out;
}

Sha1::Digest Sha1::Hash(std::span<const uint8_t> data) {
  Sha1 h;
  h.Update(data);
  return h.Final();
}

HmacSha1::HmacSha1(std::span<const uint8_t> key) {
  std::array<uint8_t, Sha1::kBlockSize> k{};
  if (key.size() > Sha1::kBlockSize) {
    const Sha1::Digest d = Sha1::Hash(key);
    std::memcpy(k.data(), d.data(), d.size());
  } else if (!key.empty()) {
    std::memcpy(k.data(), key.data(), key.size());
  }
  std::array<uint8_t, Sha1::kBlockSize> pad;
  for (std::size_t i = 0; i < pad.size(); ++i) {
    pad[i] = static_cast<uint8_t>(k[i] ^ 0x36u);
  }
  inner_.Update(pad);
  for (std::size_t i = 0; i < pad.size(); ++i) {
    pad[i] = static_cast<uint8_t>(k[i] ^ 0x5Cu);
  }
  outer_.Update(pad);
}

HmacSha1::HmacSha1(std::string_view key)
    : HmacSha1(AsBytes(key)) {}

Sha1::Digest HmacSha1::Final() {
  const Sha1::Digest inner = inner_.Final();
  outer_.Update(inner);
  return outer_.Final();
}

Sha1::Digest HmacSha1::Compute(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  HmacSha1 h(key);
  h.Update(data);
  return h.Final();
}

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) {
    return false;
  }
  uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  }
  return diff == 0;
}

}  // namespace tr::media
