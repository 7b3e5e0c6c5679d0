#include "tenancy/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace tr::tenancy {
namespace {

constexpr int64_t kMinute = 60000;
constexpr int64_t kT0 = 1000000;  // an arbitrary monotonic start

TEST(RateLimiterTest, AllowsExactlyLimitThenRefusesWithRetryAfter) {
  RateLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    RateLimiter::Decision d = limiter.Check("auth:1.2.3.4", 5, kMinute, kT0 + i);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.retry_after_seconds, 0);
  }
  RateLimiter::Decision sixth = limiter.Check("auth:1.2.3.4", 5, kMinute, kT0 + 1000);
  EXPECT_FALSE(sixth.allowed);
  EXPECT_EQ(sixth.remaining, 0);
  EXPECT_EQ(sixth.retry_after_seconds, 59);  // the first hit leaves the window at kT0 + 60 s

  // Retry-after rounds up and is never 0 while refused.
  RateLimiter::Decision almost = limiter.Check("auth:1.2.3.4", 5, kMinute, kT0 + kMinute - 1);
  EXPECT_FALSE(almost.allowed);
  EXPECT_EQ(almost.retry_after_seconds, 1);

  // Exactly when the first hit leaves the window, one request is allowed again.
  EXPECT_TRUE(limiter.Check("auth:1.2.3.4", 5, kMinute, kT0 + kMinute).allowed);
  EXPECT_FALSE(limiter.Check("auth:1.2.3.4", 5, kMinute, kT0 + kMinute).allowed);
}

TEST(RateLimiterTest, RetryAfterIsHonest) {
  // Waiting exactly retry_after seconds must be enough.
  RateLimiter limiter;
  int64_t now = kT0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(limiter.Check("k", 3, kMinute, now + i * 7001).allowed);
  }
  now += 3 * 7001;
  RateLimiter::Decision refused = limiter.Check("k", 3, kMinute, now);
  ASSERT_FALSE(refused.allowed);
  EXPECT_FALSE(limiter.Check("k", 3, kMinute, now + refused.retry_after_seconds * 1000 - 1001)
                   .allowed);
  EXPECT_TRUE(limiter.Check("k", 3, kMinute, now + refused.retry_after_seconds * 1000).allowed);
}

TEST(RateLimiterTest, WindowSlides) {
  RateLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.Check("k", 5, kMinute, kT0 + i * 10000).allowed);  // 0, 10, ..., 40 s
  }
  RateLimiter::Decision d = limiter.Check("k", 5, kMinute, kT0 + 50000);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 10);
  // At 60 s the hit from 0 s has left the window, not the one from 10 s.
  d = limiter.Check("k", 5, kMinute, kT0 + 60000);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  d = limiter.Check("k", 5, kMinute, kT0 + 60000);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 10);
  // After a quiet full window everything is available again.
  d = limiter.Check("k", 5, kMinute, kT0 + 60000 + kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 4);
}

TEST(RateLimiterTest, RefusedRequestsDoNotCount) {
  RateLimiter limiter;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(limiter.Check("k", 2, kMinute, kT0).allowed);
  }
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(limiter.Check("k", 2, kMinute, kT0 + 30000).allowed);
  }
  RateLimiter::Decision d = limiter.Check("k", 2, kMinute, kT0 + kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.Check("auth:1.1.1.1", 5, kMinute, kT0).allowed);
  }
  EXPECT_FALSE(limiter.Check("auth:1.1.1.1", 5, kMinute, kT0).allowed);
  EXPECT_TRUE(limiter.Check("auth:2.2.2.2", 5, kMinute, kT0).allowed);
  EXPECT_TRUE(limiter.Check("api:1.1.1.1", 100, kMinute, kT0).allowed);
  EXPECT_EQ(limiter.KeyCount(), 3u);
}

TEST(RateLimiterTest, LongWindows) {
  RateLimits limits;
  RateLimiter limiter;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.Check("upload:u", limits.upload.limit, limits.upload.window_ms,
                              kT0 + i * 60000)
                    .allowed);
  }
  RateLimiter::Decision d =
      limiter.Check("upload:u", limits.upload.limit, limits.upload.window_ms, kT0 + 10 * 60000);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 50 * 60);
}

TEST(RateLimiterTest, ChangingTheLimitKeepsRecentHits) {
  RateLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.Check("k", 5, kMinute, kT0 + i).allowed);
  }
  // Raised to 8: three more.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Check("k", 8, kMinute, kT0 + 10).allowed);
  }
  EXPECT_FALSE(limiter.Check("k", 8, kMinute, kT0 + 10).allowed);
  // Lowered to 3: still full, and the retry-after follows the newest three hits (at +10 ms).
  RateLimiter::Decision d = limiter.Check("k", 3, kMinute, kT0 + 20);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 60);
  EXPECT_TRUE(limiter.Check("k", 3, kMinute, kT0 + 10 + kMinute).allowed);
}

TEST(RateLimiterTest, DegenerateArguments) {
  RateLimiter limiter;
  RateLimiter::Decision zero = limiter.Check("k", 0, kMinute, kT0);
  EXPECT_FALSE(zero.allowed);
  EXPECT_EQ(zero.retry_after_seconds, 60);
  EXPECT_FALSE(limiter.Check("k", -1, kMinute, kT0).allowed);
  EXPECT_TRUE(limiter.Check("k", 1, 0, kT0).allowed);
  EXPECT_TRUE(limiter.Check("k", 1, 0, kT0).allowed);
  EXPECT_TRUE(limiter.Check("", 1, kMinute, kT0).allowed);
  EXPECT_FALSE(limiter.Check("", 1, kMinute, kT0).allowed);
}

TEST(RateLimiterTest, ResetForgetsEverything) {
  RateLimiter limiter;
  ASSERT_TRUE(limiter.Check("k", 1, kMinute, kT0).allowed);
  ASSERT_FALSE(limiter.Check("k", 1, kMinute, kT0).allowed);
  limiter.Reset();
  EXPECT_EQ(limiter.KeyCount(), 0u);
  EXPECT_TRUE(limiter.Check("k", 1, kMinute, kT0).allowed);
}

TEST(RateLimiterTest, MemoryIsBoundedUnderAFloodOfKeys) {
  RateLimiter limiter(1600);  // 100 keys per shard
  for (int i = 0; i < 50000; ++i) {
    EXPECT_TRUE(limiter.Check("ip:" + std::to_string(i), 5, kMinute, kT0 + i / 100).allowed);
  }
  EXPECT_LE(limiter.KeyCount(), 1600u);
  EXPECT_GE(limiter.KeyCount(), 1000u);  // evicts only what it must
}

TEST(RateLimiterTest, IdleKeysAreEvicted) {
  RateLimiter limiter;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(limiter.Check("old:" + std::to_string(i), 5, kMinute, kT0).allowed);
  }
  EXPECT_EQ(limiter.KeyCount(), 5000u);
  // A minute later, ordinary traffic on a few keys sweeps the idle ones out of every shard.
  // (The huge limit also checks that memory follows the hits, not the limit: 256 eagerly
  // reserved rings of 10^6 timestamps would take 2 GB.)
  for (int round = 0; round < 400; ++round) {
    for (int k = 0; k < 256; ++k) {
      limiter.Check("hot:" + std::to_string(k), 1000000, kMinute, kT0 + kMinute + round);
    }
  }
  EXPECT_EQ(limiter.KeyCount(), 256u);
}

TEST(RateLimiterTest, ConcurrentChecksCountExactly) {
  RateLimiter limiter;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  constexpr int kLimit = 7000;
  std::atomic<int> allowed_shared{0};
  std::atomic<int> allowed_own{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (limiter.Check("shared", kLimit, kMinute, kT0 + i / 1000).allowed) {
          allowed_shared.fetch_add(1, std::memory_order_relaxed);
        }
        // Each thread also has keys of its own, spread over the shards.
        std::string own = "thread:" + std::to_string(t) + ":" + std::to_string(i % 64);
        if (limiter.Check(own, 50, kMinute, kT0).allowed) {
          allowed_own.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(allowed_shared.load(), kLimit);
  EXPECT_EQ(allowed_own.load(), kThreads * 64 * 50);
  EXPECT_EQ(limiter.KeyCount(), 1u + kThreads * 64);
}

TEST(RateLimitsTest, DefaultsMatchTheBlueprint) {
  RateLimits limits;
  EXPECT_EQ(limits.auth.limit, 5);
  EXPECT_EQ(limits.auth.window_ms, 60000);
  EXPECT_EQ(limits.api.limit, 100);
  EXPECT_EQ(limits.api.window_ms, 60000);
  EXPECT_EQ(limits.websocket.limit, 10);
  EXPECT_EQ(limits.websocket.window_ms, 60000);
  EXPECT_EQ(limits.transport.limit, 20);
  EXPECT_EQ(limits.transport.window_ms, 60000);
  EXPECT_EQ(limits.upload.limit, 10);
  EXPECT_EQ(limits.upload.window_ms, 3600000);
}

}  // namespace
}  // namespace tr::tenancy
