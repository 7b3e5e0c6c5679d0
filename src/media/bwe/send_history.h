#pragma once
// Send side of transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): remembers the send time, size and
// probe cluster of every packet sent on one transport, by transport-wide sequence number,
// so that a feedback message (which only carries sequence numbers and receive times) can
// be joined into PacketFeedback for the BandwidthEstimator.
//
// A ring of kSize slots indexed by the low bits of the sequence number, preallocated in the
// object: no allocation per packet. A number is found only while it is among the last
// kSize numbers sent; older (overwritten) and never-sent numbers give nullptr.
// Threading: the owner's worker thread.
#include <array>
#include <cstddef>
#include <cstdint>

namespace tr::media {

class SendHistory {
 public:
  static constexpr std::size_t kSize = 4096;  // power of two
  static_assert((kSize & (kSize - 1)) == 0 && kSize <= 32768);

  struct Entry {
    int64_t send_time_us = -1;
    uint32_t size = 0;
    int32_t probe_cluster = -1;
    uint16_t seq = 0;
    bool valid = false;
  };

  SendHistory();

  void OnPacketSent(uint16_t transport_seq, uint32_t size_bytes, int64_t send_time_us,
                    int32_t probe_cluster = -1);
  // nullptr when unknown / overwritten.
  const Entry* Find(uint16_t transport_seq) const;
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  std::array<Entry, kSize> entries_{};
  uint64_t bytes_sent_ = 0;
  uint16_t newest_seq_ = 0;  // the last number sent (valid when started_)
  bool started_ = false;
};

}  // namespace tr::media
