#include "tenancy/rate_limiter.h"

#include <algorithm>
#include <limits>

namespace tr::tenancy {
namespace {

// Sweeping a shard costs O(keys in shard); doing it every N checks keeps it amortised small
// while still returning the memory of idle keys within a few thousand requests.
constexpr uint32_t kChecksPerSweep = 4096;

int CeilSeconds(int64_t ms) {
  int64_t seconds = (ms + 999) / 1000;
  return static_cast<int>(std::clamp<int64_t>(seconds, 1, std::numeric_limits<int>::max()));
}

}  // namespace

RateLimiter::RateLimiter(std::size_t max_keys)
    : max_keys_per_shard_(std::max<std::size_t>(1, (max_keys + kShardCount - 1) / kShardCount)) {}

void RateLimiter::Sweep(Shard& shard, int64_t now_ms) {
  std::erase_if(shard.windows, [now_ms](const auto& entry) {
    const Window& w = entry.second;
    return w.count == 0 || w.last_hit_ms <= now_ms - w.window_ms;
  });
  shard.checks_since_sweep = 0;
}

RateLimiter::Window& RateLimiter::FindOrInsert(Shard& shard, std::string_view key,
                                               int64_t now_ms) {
  if (auto it = shard.windows.find(key); it != shard.windows.end()) {
    return it->second;
  }
  if (shard.windows.size() >= max_keys_per_shard_) {
    Sweep(shard, now_ms);
  }
  if (shard.windows.size() >= max_keys_per_shard_) {
    // Still full of live keys (e.g. a flood of distinct IPs): forget the least recent one.
    auto oldest = std::min_element(
        shard.windows.begin(), shard.windows.end(),
        [](const auto& a, const auto& b) { return a.second.last_hit_ms < b.second.last_hit_ms; });
    shard.windows.erase(oldest);
  }
  return shard.windows.emplace(std::string(key), Window{}).first->second;
}

RateLimiter::Decision RateLimiter::Check(std::string_view key, int limit, int64_t window_ms,
                                         int64_t now_ms) {
  if (limit <= 0) {
    return {false, CeilSeconds(window_ms), 0};
  }
  if (window_ms <= 0) {
    return {true, 0, limit};
  }
  // Take the top 4 bits of a multiplicative mix, so that the shard does not correlate with the
  // map's bucket index (which uses the low bits of the same hash).
  static_assert(kShardCount == 16, "the shard index is 4 bits");
  const uint64_t mixed = uint64_t{KeyHash{}(key)} * 0x9E3779B97F4A7C15ull;
  Shard& shard = shards_[static_cast<std::size_t>(mixed >> 60)];
  std::lock_guard lock(shard.mutex);
  if (++shard.checks_since_sweep >= kChecksPerSweep) {
    Sweep(shard, now_ms);
  }
  Window& w = FindOrInsert(shard, key, now_ms);

  const auto limit_count = static_cast<std::size_t>(limit);
  w.window_ms = window_ms;
  // A hit at time t counts while now < t + window.
  while (w.count > 0 && w.hits[w.head] <= now_ms - window_ms) {
    Pop(w);
  }
  // If the limit for this key was lowered (configuration reload), only the newest hits count.
  while (w.count > limit_count) {
    Pop(w);
  }
  if (w.count < limit_count) {
    if (w.count == w.hits.size()) {
      Grow(w, limit_count);
    }
    w.hits[(w.head + w.count) % w.hits.size()] = now_ms;
    ++w.count;
    w.last_hit_ms = std::max(w.last_hit_ms, now_ms);
    return {true, 0, static_cast<int>(limit_count - w.count)};
  }
  // Full: the next slot frees when the oldest hit leaves the window.
  int64_t wait_ms = std::min(w.hits[w.head] + window_ms - now_ms, window_ms);
  return {false, CeilSeconds(wait_ms), 0};
}

void RateLimiter::Pop(Window& w) {
  w.head = (w.head + 1) % w.hits.size();
  --w.count;
}

void RateLimiter::Grow(Window& w, std::size_t limit) {
  // Memory follows the hits actually in the window, not the (possibly large) limit.
  std::size_t size = std::min(limit, std::max<std::size_t>(4, w.hits.size() * 2));
  std::vector<int64_t> hits(size);
  for (std::size_t i = 0; i < w.count; ++i) {
    hits[i] = w.hits[(w.head + i) % w.hits.size()];
  }
  w.hits = std::move(hits);
  w.head = 0;
}

void RateLimiter::Reset() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.windows.clear();
    shard.checks_since_sweep = 0;
  }
}

std::size_t RateLimiter::KeyCount() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.windows.size();
  }
  return total;
}

}  // namespace tr::tenancy
