#pragma once
// Maps the RTP sequence numbers of the stream a consumer forwards onto the consumer's own
// continuous numbering, while the consumer drops some packets (frames above its temporal or
// spatial layer, the host's padding) and switches streams (simulcast).
//
// A dropped packet that is the newest seen is taken out of the numbering: later packets
// close up over it. A gap in the incoming numbers (packets lost on the host's uplink) keeps
// its outgoing numbers reserved, each with the offset in force when the gap was seen, so a
// repair that arrives later (the host's answer to our NACK, or reordering) goes out under
// the number the viewer expects, even if drops moved the offset on meanwhile. Without that
// the repair would reuse the number of another packet: a duplicate for the viewer, and a
// hole it can never get repaired.
//
// The last kWindow incoming numbers are remembered in a ring (fixed size, no allocation);
// packets older than that, or from before the last Sync(), are refused.
// Threading: the consumer's (router's) worker thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace tr::media {

class SeqRewriter {
 public:
  static constexpr std::size_t kWindow = 1024;  // power of two

  // A new stream (or the first packet): `in_seq` goes out as `out_seq`, older packets are
  // refused from now on.
  void Sync(uint16_t in_seq, uint16_t out_seq);
  bool started() const { return started_; }
  // From before the last Sync(): not ours to send.
  bool IsBeforeSync(uint16_t in_seq) const;

  // A packet to send: its outgoing number, or nullopt when it is from before the last
  // Sync(), too old to place, not from a gap (a duplicate), or was dropped before.
  std::optional<uint16_t> Forward(uint16_t in_seq);
  // A packet not to send. The newest: the numbering closes up over it. An older one: its
  // reserved number stays unused (a hole between frames, which the viewer's NACKs cannot
  // fill); counted.
  void Drop(uint16_t in_seq);

  uint64_t late_forwarded() const { return late_forwarded_; }  // repairs placed in a gap
  uint64_t late_dropped() const { return late_dropped_; }      // gap numbers left unused

 private:
  // Entries exist only for the numbers of gaps: reserved, then given to the repair
  // (kForwarded) or left unused (kDropped).
  enum class State : uint8_t { kReserved, kForwarded, kDropped };
  struct Entry {
    uint32_t generation = 0;
    uint16_t in = 0;
    uint16_t offset = 0;
    State state = State::kReserved;
  };

  Entry& At(uint16_t in) { return ring_[in & (kWindow - 1)]; }
  // `in` is newer than every seen: reserves the numbers of a gap before it.
  void Advance(uint16_t in);
  // `in` is known in the current generation: the entry, else nullptr.
  Entry* Find(uint16_t in);

  std::array<Entry, kWindow> ring_{};
  uint32_t generation_ = 0;
  bool started_ = false;
  uint16_t base_in_ = 0;  // first number of the current generation
  uint16_t max_in_ = 0;   // newest seen
  uint16_t offset_ = 0;   // out = in + offset for the newest and what follows it
  uint64_t late_forwarded_ = 0;
  uint64_t late_dropped_ = 0;
};

}  // namespace tr::media
