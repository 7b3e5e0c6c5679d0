#include "common/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

#include "common/base64.h"

namespace tr {

void RandomBytes(uint8_t* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    std::abort();  // No entropy: nothing safe can continue.
  }
}

std::string RandomToken(std::size_t bytes) {
  std::vector<uint8_t> buf(bytes);
  RandomBytes(buf.data(), buf.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

std::string RandomAlnum(std::size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<uint8_t> buf(length);
  RandomBytes(buf.data(), buf.size());
  std::string out(length, 'a');
  for (std::size_t i = 0; i < length; ++i) out[i] = kAlphabet[buf[i] % 36];
  return out;
}

std::string NewId(std::string_view prefix) {
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  uint8_t buf[20];
  RandomBytes(buf, sizeof buf);
  std::string out(prefix);
  out.push_back('_');
  for (uint8_t b : buf) out.push_back(kBase32[b & 31]);
  return out;
}

}  // namespace tr
