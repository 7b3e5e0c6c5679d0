#pragma once
// The recent packets of one producer RTP stream, kept so consumers' Generic NACKs
// (RFC 4585 §6.2.1) can be answered by retransmission (RFC 4588 RTX, or the original
// SSRC). A ring of `capacity` preallocated slots indexed by sequence number modulo the
// capacity: storing copies the packet into its slot (no allocation), a newer packet
// overwrites the slot of one `capacity` numbers older, and lookups only return a packet
// whose sequence number matches and that is at most `max_age_ms` old.
//
// Packets are stored in router form (extension ids already mapped to the router's), so a
// retransmission goes through the same per-consumer rewrite as the original.
//
// Allocates once in the constructor (control path); Insert/Get never allocate or throw.
// Threading: the router's worker thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "media/rtp/rtp_packet.h"

namespace tr::media {

class RetransmissionBuffer {
 public:
  struct Options {
    std::size_t capacity = 512;    // slots; rounded up to a power of two
    std::size_t slot_size = 1500;  // bytes; larger packets are not stored
    int64_t max_age_ms = 1000;
  };

  struct Stats {
    uint64_t stored = 0;
    uint64_t too_large = 0;
    uint64_t rejected_old = 0;  // older than the packet already in its slot
    uint64_t hits = 0;
    uint64_t misses = 0;
  };

  RetransmissionBuffer() : RetransmissionBuffer(Options{}) {}
  explicit RetransmissionBuffer(Options options);
  RetransmissionBuffer(RetransmissionBuffer&&) = default;
  RetransmissionBuffer& operator=(RetransmissionBuffer&&) = default;

  // Copies `packet` into the slot of its sequence number. False (counted) when it is
  // larger than a slot or older than the live packet that occupies the slot.
  bool Insert(const RtpPacket& packet, int64_t now_ms);
  // The stored bytes of `seq` (valid until the next Insert), or empty when absent,
  // overwritten or older than max_age_ms.
  std::span<const uint8_t> Get(uint16_t seq, int64_t now_ms);
  bool Contains(uint16_t seq, int64_t now_ms) const;
  void Clear();

  std::size_t capacity() const { return capacity_; }
  std::size_t slot_size() const { return options_.slot_size; }
  const Stats& stats() const { return stats_; }

 private:
  struct Slot {
    int64_t stored_ms = 0;
    uint16_t seq = 0;
    uint16_t length = 0;  // 0 = empty
  };
  bool IsLive(const Slot& slot, int64_t now_ms) const {
    return slot.length != 0 && now_ms - slot.stored_ms <= options_.max_age_ms;
  }

  Options options_;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<uint8_t[]> data_;
  Stats stats_;
};

}  // namespace tr::media
