#pragma once
// Control-plane rate limiting (blueprint section 6): a sliding-window log per key. A key is
// whatever the caller limits by ("auth:<ip>", "api:<user>", "transport:<room>", ...).
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tr::tenancy {

struct RateLimit {
  int limit;
  int64_t window_ms;
};

// Blueprint section 6, "RATE LIMITING".
struct RateLimits {
  RateLimit auth{5, 60000};           // per IP
  RateLimit api{100, 60000};          // per user
  RateLimit websocket{10, 60000};     // connections per user
  RateLimit transport{20, 60000};     // media transports per room
  RateLimit upload{10, 3600000};      // uploads per user
};

// Exact: a request is allowed when fewer than `limit` allowed requests of the same key fall in
// (now - window, now]. Refused requests do not count. Memory is 8-16 bytes per allowed request
// still in the window; keys whose window has passed are evicted, and at most `max_keys` keys
// are tracked (beyond that the least recently hit key is forgotten, which can only let that
// key through early, never lock anyone out).
//
// Thread-safe: the keys are spread over 16 independently locked shards.
class RateLimiter {
 public:
  struct Decision {
    bool allowed;
    int retry_after_seconds;  // 0 when allowed, otherwise >= 1
    int remaining;            // further requests allowed in the current window
  };

  static constexpr std::size_t kDefaultMaxKeys = 100000;

  explicit RateLimiter(std::size_t max_keys = kDefaultMaxKeys);

  // `now_ms` should come from one monotonic clock (tr::MonotonicMillis()). A `limit` <= 0
  // refuses everything; a `window_ms` <= 0 allows everything.
  Decision Check(std::string_view key, int limit, int64_t window_ms, int64_t now_ms);
  void Reset();
  // Keys currently tracked (for metrics and tests).
  std::size_t KeyCount() const;

 private:
  static constexpr std::size_t kShardCount = 16;

  // Ring buffer of the allowed hits still in the window, oldest at `head`.
  struct Window {
    std::vector<int64_t> hits;  // grows on demand up to the limit
    std::size_t head = 0;
    std::size_t count = 0;
    int64_t window_ms = 0;
    int64_t last_hit_ms = 0;
  };

  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };

  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Window, KeyHash, std::equal_to<>> windows;
    uint32_t checks_since_sweep = 0;
  };

  static void Sweep(Shard& shard, int64_t now_ms);
  static void Pop(Window& w);
  static void Grow(Window& w, std::size_t limit);
  Window& FindOrInsert(Shard& shard, std::string_view key, int64_t now_ms);

  std::array<Shard, kShardCount> shards_;
  std::size_t max_keys_per_shard_;
};

}  // namespace tr::tenancy
