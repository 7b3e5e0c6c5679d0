#include "media/bwe/send_history.h"

#include "media/common/seq_num.h"

namespace tr::media {

SendHistory::SendHistory() = default;

void SendHistory::OnPacketSent(uint16_t transport_seq, uint32_t size_bytes, int64_t send_time_us,
                               int32_t probe_cluster) {
  Entry& e = entries_[transport_seq & (kSize - 1)];
  e = {send_time_us, size_bytes, probe_cluster, transport_seq, true};
  bytes_sent_ += size_bytes;
  // Numbers are normally sent in order; a late (retransmitted-order) number does not move
  // the window back.
  if (!started_ || SeqNumIsNewer(transport_seq, newest_seq_)) {
    newest_seq_ = transport_seq;
    started_ = true;
  }
}

const SendHistory::Entry* SendHistory::Find(uint16_t transport_seq) const {
  if (!started_) {
    return nullptr;
  }
  // Only the last kSize numbers are in the ring; a number "ahead" of the newest has a huge
  // forward distance and was never sent (or belongs to a wrap long gone).
  if (SeqNumForwardDistance(transport_seq, newest_seq_) >= kSize) {
    return nullptr;
  }
  const Entry& e = entries_[transport_seq & (kSize - 1)];
  return e.valid && e.seq == transport_seq ? &e : nullptr;
}

}  // namespace tr::media
