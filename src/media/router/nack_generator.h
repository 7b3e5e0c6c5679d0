#pragma once
// Receive-side loss detection for one producer RTP stream: which sequence numbers are
// missing, and when to ask the sender for them again with a Generic NACK (RFC 4585
// §6.2.1). Behaves like libwebrtc's NackRequester: a gap in the received sequence adds
// every missing number to the list; each one is NACKed at once, then again every
// `retry_interval_ms` (≈ RTT) until it arrives (original or RTX repair), it was asked for
// `max_retries` times, or it is older than `max_age_ms`. A gap larger than the list, or a
// full list, gives up on the oldest numbers and asks for a key frame instead.
//
// DOC: https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1
//      https://www.rfc-editor.org/rfc/rfc4588 (the sender answers with RTX)
//
// Fixed storage (no allocation after construction); the packet path never throws.
// Threading: the router's worker thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/common/seq_num.h"

namespace tr::media {

class NackGenerator {
 public:
  static constexpr std::size_t kCapacity = 512;  // missing numbers tracked at most

  struct Options {
    int max_retries = 10;
    int64_t max_age_ms = 1000;
    int64_t retry_interval_ms = 100;
    // A sequence number this much older than the highest one is a sender restart.
    int64_t reset_distance = 3000;
  };

  enum class Result {
    kNew,        // newest so far (possibly after a gap); forward it
    kRecovered,  // was missing (reordered or repaired): forward it
    kDuplicate,  // seen already, or too old to be missing any more: drop it
  };

  struct Stats {
    uint64_t missing_detected = 0;
    uint64_t recovered = 0;
    uint64_t nacks_requested = 0;  // sequence numbers put into NACKs (retries included)
    uint64_t given_up = 0;         // dropped after max_retries / max_age / overflow
    uint64_t key_frame_requests = 0;
  };

  NackGenerator() : NackGenerator(Options{}) {}
  explicit NackGenerator(Options options) : options_(options) {}

  // A media packet (or an RTX repair, decoded) with `seq` arrived.
  Result OnPacket(uint16_t seq, int64_t now_ms);

  // Writes the sequence numbers to NACK now (first requests and due retries), ascending,
  // at most out.size(); expires entries past their retry / age limit. Returns the count.
  std::size_t CollectNacks(int64_t now_ms, std::span<uint16_t> out);

  // True once after the list overflowed or a huge gap was skipped: the decoder needs a
  // key frame.
  bool TakeKeyFrameRequest() {
    const bool wanted = key_frame_wanted_;
    key_frame_wanted_ = false;
    return wanted;
  }

  std::size_t MissingCount() const { return count_; }
  bool HasDueNacks(int64_t now_ms) const;
  const Stats& stats() const { return stats_; }
  void Reset();

 private:
  struct Entry {
    int64_t seq = 0;  // unwrapped
    int64_t created_ms = 0;
    int64_t sent_ms = -1;  // -1 = never requested
    int retries = 0;
  };

  void Add(int64_t from, int64_t to, int64_t now_ms);  // [from, to)
  void DropFront(std::size_t n);
  bool Remove(int64_t seq);

  const Options options_;
  SeqNumUnwrapper unwrapper_;
  bool started_ = false;
  int64_t highest_ = 0;
  std::array<Entry, kCapacity> entries_{};  // ascending seq, entries_[0..count_)
  std::size_t count_ = 0;
  bool key_frame_wanted_ = false;
  Stats stats_;
};

}  // namespace tr::media
