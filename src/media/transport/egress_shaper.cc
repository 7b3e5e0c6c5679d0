#include "media/transport/egress_shaper.h"

#include <algorithm>
#include <cstring>

#include "common/random.h"
#include "common/time.h"

namespace tr::media {

namespace {
// Burst the bucket may hold: about one full-size packet plus 5 ms at the rate, so a key
// frame is spread out the way a real bottleneck spreads it.
constexpr double kMinBurstBytes = 1500;
}  // namespace

EgressShaper::EgressShaper(EventLoop* loop, SinkFn sink)
    : loop_(loop), sink_(std::move(sink)), drain_timer_(loop, [this] { Drain(); }) {
  RandomBytes(reinterpret_cast<uint8_t*>(&rng_state_), sizeof(rng_state_));
  rng_state_ |= 1;
}

void EgressShaper::Configure(const Config& config) {
  config_ = config;
  config_.loss_fraction = std::clamp(config_.loss_fraction, 0.0, 1.0);
  config_.rate_bps = std::max<int64_t>(config_.rate_bps, 0);
  config_.queue_ms = std::clamp<int64_t>(config_.queue_ms, 10, 2000);
  if (config_.rate_bps == 0) {
    // No bottleneck any more: what waits goes out now.
    while (count_ > 0) {
      const Slot& slot = slots_[head_];
      sink_(slot.data, slot.len);
      ++stats_.packets_out;
      head_ = (head_ + 1) % capacity_;
      --count_;
    }
    queued_bytes_ = 0;
    drain_timer_.Stop();
    return;
  }
  max_queued_bytes_ = static_cast<std::size_t>(config_.rate_bps / 8 * config_.queue_ms / 1000);
  max_queued_bytes_ = std::max<std::size_t>(max_queued_bytes_, 3 * kSlotSize);
  if (!slots_) {
    capacity_ = kMaxSlots;
    slots_ = std::make_unique<Slot[]>(capacity_);
  }
  last_refill_us_ = MonotonicMicros();
}

bool EgressShaper::DropRandomly() {
  if (config_.loss_fraction <= 0) {
    return false;
  }
  // xorshift64*: cheap and good enough for emulated loss.
  rng_state_ ^= rng_state_ >> 12;
  rng_state_ ^= rng_state_ << 25;
  rng_state_ ^= rng_state_ >> 27;
  const uint64_t r = rng_state_ * 2685821657736338717ULL;
  return static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0) < config_.loss_fraction;
}

void EgressShaper::Refill(int64_t now_us) {
  const double burst =
      std::max(kMinBurstBytes, static_cast<double>(config_.rate_bps) / 8.0 * 0.005);
  tokens_bytes_ = std::min(
      burst, tokens_bytes_ + static_cast<double>(now_us - last_refill_us_) *
                                 static_cast<double>(config_.rate_bps) / 8e6);
  last_refill_us_ = now_us;
}

void EgressShaper::Send(const uint8_t* data, std::size_t len) {
  ++stats_.packets_in;
  if (DropRandomly()) {
    ++stats_.dropped_random;
    return;
  }
  if (config_.rate_bps == 0) {
    sink_(data, len);
    ++stats_.packets_out;
    return;
  }
  Refill(MonotonicMicros());
  if (count_ == 0 && tokens_bytes_ >= static_cast<double>(len)) {
    tokens_bytes_ -= static_cast<double>(len);
    sink_(data, len);
    ++stats_.packets_out;
    return;
  }
  if (len > kSlotSize || count_ == capacity_ || queued_bytes_ + len > max_queued_bytes_) {
    ++stats_.dropped_queue;  // drop-tail
    return;
  }
  Slot& slot = slots_[(head_ + count_) % capacity_];
  std::memcpy(slot.data, data, len);
  slot.len = static_cast<uint16_t>(len);
  ++count_;
  queued_bytes_ += len;
  if (!drain_timer_.IsRunning()) {
    drain_timer_.Start(1);
  }
}

void EgressShaper::Drain() {
  Refill(MonotonicMicros());
  while (count_ > 0) {
    const Slot& slot = slots_[head_];
    if (tokens_bytes_ < static_cast<double>(slot.len)) {
      break;
    }
    tokens_bytes_ -= static_cast<double>(slot.len);
    sink_(slot.data, slot.len);
    ++stats_.packets_out;
    queued_bytes_ -= slot.len;
    head_ = (head_ + 1) % capacity_;
    --count_;
  }
  if (count_ > 0) {
    drain_timer_.Start(1);
  }
}

}  // namespace tr::media
