#include "media/router/retransmission_buffer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "media/common/seq_num.h"

namespace tr::media {

RetransmissionBuffer::RetransmissionBuffer(Options options) : options_(options) {
  options_.slot_size = std::min<std::size_t>(options_.slot_size, 0xFFFF);
  capacity_ = std::bit_ceil(std::clamp<std::size_t>(options_.capacity, 1, 32768));
  mask_ = capacity_ - 1;
  slots_ = std::make_unique<Slot[]>(capacity_);
  data_ = std::make_unique<uint8_t[]>(capacity_ * options_.slot_size);
}

bool RetransmissionBuffer::Insert(const RtpPacket& packet, int64_t now_ms) {
  const std::size_t size = packet.Size();
  if (size > options_.slot_size || size == 0) {
    ++stats_.too_large;
    return false;
  }
  const uint16_t seq = packet.SequenceNumber();
  const std::size_t index = seq & mask_;
  Slot& slot = slots_[index];
  if (IsLive(slot, now_ms) && slot.seq != seq && SeqNumIsNewer(slot.seq, seq)) {
    ++stats_.rejected_old;  // a late packet must not evict a newer one
    return false;
  }
  std::memcpy(data_.get() + index * options_.slot_size, packet.Data().data(), size);
  slot.seq = seq;
  slot.length = static_cast<uint16_t>(size);
  slot.stored_ms = now_ms;
  ++stats_.stored;
  return true;
}

std::span<const uint8_t> RetransmissionBuffer::Get(uint16_t seq, int64_t now_ms) {
  const std::size_t index = seq & mask_;
  const Slot& slot = slots_[index];
  if (!IsLive(slot, now_ms) || slot.seq != seq) {
    ++stats_.misses;
    return {};
  }
  ++stats_.hits;
  return {data_.get() + index * options_.slot_size, slot.length};
}

bool RetransmissionBuffer::Contains(uint16_t seq, int64_t now_ms) const {
  const Slot& slot = slots_[seq & mask_];
  return IsLive(slot, now_ms) && slot.seq == seq;
}

void RetransmissionBuffer::Clear() {
  for (std::size_t i = 0; i < capacity_; ++i) {
    slots_[i].length = 0;
  }
}

}  // namespace tr::media
