#include "media/ortc/ssrc_source.h"

#include "common/random.h"

namespace tr::media::ortc {

uint32_t RandomSsrc() {
  constexpr uint64_t kRange = uint64_t{kMaxRandomSsrc} - kMinRandomSsrc + 1;
  // Rejection sampling over 32 random bits keeps the distribution uniform.
  constexpr uint64_t kLimit = (uint64_t{1} << 32) / kRange * kRange;
  while (true) {
    uint8_t bytes[4];
    RandomBytes(bytes, sizeof bytes);
    const uint64_t value = (uint64_t{bytes[0]} << 24) | (uint64_t{bytes[1]} << 16) |
                           (uint64_t{bytes[2]} << 8) | uint64_t{bytes[3]};
    if (value < kLimit) {
      return static_cast<uint32_t>(kMinRandomSsrc + value % kRange);
    }
  }
}

}  // namespace tr::media::ortc
