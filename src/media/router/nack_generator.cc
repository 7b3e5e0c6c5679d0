#include "media/router/nack_generator.h"

#include <algorithm>
#include <cstring>

namespace tr::media {

NackGenerator::Result NackGenerator::OnPacket(uint16_t seq, int64_t now_ms) {
  const int64_t u = unwrapper_.PeekUnwrap(seq);
  if (!started_) {
    started_ = true;
    unwrapper_.Unwrap(seq);
    highest_ = u;
    return Result::kNew;
  }
  if (u > highest_) {
    unwrapper_.Unwrap(seq);  // the reference follows the highest number only
    if (u > highest_ + 1) {
      Add(highest_ + 1, u, now_ms);
    }
    highest_ = u;
    return Result::kNew;
  }
  if (u == highest_) {
    return Result::kDuplicate;
  }
  if (highest_ - u > options_.reset_distance) {
    // The sender restarted its sequence (same SSRC): start over from here.
    Reset();
    started_ = true;
    unwrapper_.Unwrap(seq);
    highest_ = unwrapper_.PeekUnwrap(seq);
    return Result::kNew;
  }
  if (Remove(u)) {
    ++stats_.recovered;
    return Result::kRecovered;
  }
  return Result::kDuplicate;
}

void NackGenerator::Add(int64_t from, int64_t to, int64_t now_ms) {
  const int64_t gap = to - from;
  stats_.missing_detected += static_cast<uint64_t>(gap);
  if (gap > static_cast<int64_t>(kCapacity)) {
    // Too much lost to repair packet by packet: give up on all of it.
    stats_.given_up += count_ + static_cast<uint64_t>(gap);
    count_ = 0;
    key_frame_wanted_ = true;
    ++stats_.key_frame_requests;
    return;
  }
  const std::size_t needed = static_cast<std::size_t>(gap);
  if (count_ + needed > kCapacity) {
    const std::size_t drop = count_ + needed - kCapacity;
    stats_.given_up += drop;
    DropFront(drop);
    key_frame_wanted_ = true;
    ++stats_.key_frame_requests;
  }
  for (int64_t s = from; s < to; ++s) {
    entries_[count_++] = Entry{s, now_ms, -1, 0};
  }
}

void NackGenerator::DropFront(std::size_t n) {
  n = std::min(n, count_);
  if (n == 0) {
    return;
  }
  std::memmove(entries_.data(), entries_.data() + n, (count_ - n) * sizeof(Entry));
  count_ -= n;
}

bool NackGenerator::Remove(int64_t seq) {
  const auto begin = entries_.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(count_);
  const auto it =
      std::lower_bound(begin, end, seq, [](const Entry& e, int64_t s) { return e.seq < s; });
  if (it == end || it->seq != seq) {
    return false;
  }
  std::memmove(&*it, &*it + 1, static_cast<std::size_t>(end - it - 1) * sizeof(Entry));
  --count_;
  return true;
}

bool NackGenerator::HasDueNacks(int64_t now_ms) const {
  for (std::size_t i = 0; i < count_; ++i) {
    const Entry& e = entries_[i];
    if (e.sent_ms < 0 || now_ms - e.sent_ms >= options_.retry_interval_ms) {
      return true;
    }
  }
  return false;
}

std::size_t NackGenerator::CollectNacks(int64_t now_ms, std::span<uint16_t> out) {
  std::size_t written = 0;
  std::size_t keep = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    Entry e = entries_[i];
    const bool expired = now_ms - e.created_ms > options_.max_age_ms;
    const bool due = e.sent_ms < 0 || now_ms - e.sent_ms >= options_.retry_interval_ms;
    if (expired || (due && e.retries >= options_.max_retries)) {
      ++stats_.given_up;
      continue;  // dropped
    }
    if (due && written < out.size()) {
      out[written++] = static_cast<uint16_t>(e.seq);
      e.sent_ms = now_ms;
      ++e.retries;
      ++stats_.nacks_requested;
    }
    entries_[keep++] = e;
  }
  count_ = keep;
  return written;
}

void NackGenerator::Reset() {
  unwrapper_.Reset();
  started_ = false;
  highest_ = 0;
  count_ = 0;
  key_frame_wanted_ = false;
}

}  // namespace tr::media
