#pragma once
// A test-only emulated bottleneck on what the SFU sends to one endpoint: random loss and
// a rate limit with a drop-tail queue, like `tc netem loss X%` followed by `tc tbf rate R`
// on the viewer's downlink. It lets end-to-end tests show congestion control and loss
// recovery against a real browser without root or network namespaces. Enabled only
// through the server's --test-hooks (signaling `test-network`), never in production.
//
// Packets are queued in plain (unprotected) form and handed back to the sink when the
// link's token bucket allows; the queue is preallocated when shaping is configured, so
// the packet path still allocates nothing.
//
// Threading: the transport's worker thread.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "media/worker/event_loop.h"

namespace tr::media {

class EgressShaper {
 public:
  // Sends one packet for real (SRTP-protect and put it on the wire).
  using SinkFn = std::function<void(const uint8_t* data, std::size_t len)>;

  struct Config {
    double loss_fraction = 0;   // 0..1, independent random loss
    int64_t rate_bps = 0;       // 0 = unlimited
    int64_t queue_ms = 300;     // drop-tail queue depth at rate_bps
  };

  struct Stats {
    uint64_t packets_in = 0;
    uint64_t dropped_random = 0;
    uint64_t dropped_queue = 0;
    uint64_t packets_out = 0;
  };

  EgressShaper(EventLoop* loop, SinkFn sink);
  EgressShaper(const EgressShaper&) = delete;
  EgressShaper& operator=(const EgressShaper&) = delete;

  // Replaces the configuration (control path; may allocate). A disabled config sends the
  // queued packets at once.
  void Configure(const Config& config);
  bool Active() const { return config_.loss_fraction > 0 || config_.rate_bps > 0; }
  const Config& config() const { return config_; }
  const Stats& stats() const { return stats_; }

  // Packet path: takes one packet (copies it when queued). No allocation.
  void Send(const uint8_t* data, std::size_t len);

 private:
  static constexpr std::size_t kSlotSize = 1500;
  static constexpr std::size_t kMaxSlots = 1024;
  struct Slot {
    uint16_t len = 0;
    uint8_t data[kSlotSize];
  };

  bool DropRandomly();
  void Refill(int64_t now_us);
  void Drain();

  EventLoop* const loop_;
  SinkFn sink_;
  Config config_;
  Stats stats_;
  std::unique_ptr<Slot[]> slots_;
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t queued_bytes_ = 0;
  std::size_t max_queued_bytes_ = 0;
  double tokens_bytes_ = 0;
  int64_t last_refill_us_ = 0;
  uint64_t rng_state_ = 0x9e3779b97f4a7c15ULL;
  Timer drain_timer_;
};

}  // namespace tr::media
