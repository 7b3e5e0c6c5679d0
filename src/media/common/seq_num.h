#pragma once
// Wraparound-safe arithmetic on modular counters: RTP sequence numbers (16 bits,
// RFC 3550 §A.1), transport-wide sequence numbers (16 bits), RTP timestamps (32 bits),
// TWCC reference times (24 bits).
//
// Never compare raw sequence numbers with `<`: 65535 is *older* than 0. "Newer" means
// "ahead by less than half the counter range". Exactly half the range apart is broken
// by the raw values (the larger is newer) so that IsNewer(a, b) and IsNewer(b, a) are
// never both true.
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>

namespace tr::media {

// True when `a` is ahead of `b` (a != b) on a counter of `kBits` bits.
template <int kBits, std::unsigned_integral T>
constexpr bool IsNewerModulo(T a, T b) {
  static_assert(kBits > 0 && kBits <= std::numeric_limits<T>::digits);
  constexpr uint64_t kModulus = uint64_t{1} << kBits;
  constexpr uint64_t kMask = kModulus - 1;
  constexpr uint64_t kHalf = kModulus / 2;
  const uint64_t diff = (static_cast<uint64_t>(a) - static_cast<uint64_t>(b)) & kMask;
  if (diff == kHalf) {
    return (static_cast<uint64_t>(a) & kMask) > (static_cast<uint64_t>(b) & kMask);
  }
  return diff != 0 && diff < kHalf;
}

// ---- 16-bit RTP / transport-wide sequence numbers ----

constexpr bool SeqNumIsNewer(uint16_t a, uint16_t b) { return IsNewerModulo<16>(a, b); }
constexpr bool SeqNumIsOlder(uint16_t a, uint16_t b) { return IsNewerModulo<16>(b, a); }
constexpr bool SeqNumIsNewerOrEqual(uint16_t a, uint16_t b) { return a == b || SeqNumIsNewer(a, b); }
// Steps forward from `from` to reach `to` (0..65535): (to - from) mod 2^16.
constexpr uint16_t SeqNumForwardDistance(uint16_t from, uint16_t to) {
  return static_cast<uint16_t>(to - from);
}
constexpr uint16_t SeqNumLatest(uint16_t a, uint16_t b) { return SeqNumIsNewer(a, b) ? a : b; }

// ---- 32-bit RTP timestamps ----

constexpr bool TimestampIsNewer(uint32_t a, uint32_t b) { return IsNewerModulo<32>(a, b); }

// Extends a stream of modular counter values to a monotonic-ish int64 line. Each value is
// placed at the position closest to the previous one (a jump of less than half the range
// either way), so reordered and retransmitted values land correctly and wraps add
// 2^kBits. The first value maps to itself. One per stream; not thread-safe (streams live
// on one worker thread).
template <int kBits>
class WrapUnwrapper {
  static_assert(kBits > 0 && kBits <= 32);

 public:
  static constexpr int64_t kModulus = int64_t{1} << kBits;

  // Unwraps `value` (only its low kBits are used) and remembers it as the new reference.
  int64_t Unwrap(uint32_t value) {
    const int64_t result = PeekUnwrap(value);
    last_ = result;
    return result;
  }

  // Same position Unwrap() would return, without updating the reference.
  int64_t PeekUnwrap(uint32_t value) const {
    const int64_t v = static_cast<int64_t>(value) & (kModulus - 1);
    if (!last_) {
      return v;
    }
    const int64_t last_mod = *last_ & (kModulus - 1);  // two's complement: also for negatives
    int64_t delta = (v - last_mod) & (kModulus - 1);  // forward distance 0..2^kBits-1
    if (delta > kModulus / 2 || (delta == kModulus / 2 && v < last_mod)) {
      delta -= kModulus;  // closer going backwards
    }
    return *last_ + delta;
  }

  bool HasLast() const { return last_.has_value(); }
  void Reset() { last_.reset(); }

 private:
  std::optional<int64_t> last_;
};

using SeqNumUnwrapper = WrapUnwrapper<16>;
using TimestampUnwrapper = WrapUnwrapper<32>;

}  // namespace tr::media
