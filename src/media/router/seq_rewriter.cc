#include "media/router/seq_rewriter.h"

#include <algorithm>

#include "media/common/seq_num.h"

namespace tr::media {

void SeqRewriter::Sync(uint16_t in_seq, uint16_t out_seq) {
  started_ = true;
  ++generation_;  // what the ring holds belongs to the previous stream
  base_in_ = in_seq;
  max_in_ = static_cast<uint16_t>(in_seq - 1);
  offset_ = static_cast<uint16_t>(out_seq - in_seq);
}

bool SeqRewriter::IsBeforeSync(uint16_t in_seq) const {
  return !started_ || SeqNumIsOlder(in_seq, base_in_);
}

void SeqRewriter::Advance(uint16_t in) {
  // Reserve the numbers of the packets we have not seen (at most a window's worth). Only
  // gaps are written down: in the common in-order case nothing is stored per packet.
  const uint16_t gap = static_cast<uint16_t>(in - max_in_ - 1);
  const uint16_t reserve = static_cast<uint16_t>(std::min<std::size_t>(gap, kWindow - 1));
  for (uint16_t i = reserve; i > 0; --i) {
    const auto missing = static_cast<uint16_t>(in - i);
    At(missing) = Entry{generation_, missing, offset_, State::kReserved};
  }
  max_in_ = in;
}

SeqRewriter::Entry* SeqRewriter::Find(uint16_t in) {
  if (SeqNumIsOlder(in, base_in_) ||
      static_cast<uint16_t>(max_in_ - in) >= static_cast<uint16_t>(kWindow)) {
    return nullptr;
  }
  Entry& e = At(in);
  return e.generation == generation_ && e.in == in ? &e : nullptr;
}

std::optional<uint16_t> SeqRewriter::Forward(uint16_t in_seq) {
  if (!started_) {
    return std::nullopt;
  }
  if (SeqNumIsNewer(in_seq, max_in_)) {
    Advance(in_seq);
    return static_cast<uint16_t>(in_seq + offset_);
  }
  // Older: only a number reserved for a gap (or already given to its repair) is known.
  Entry* e = Find(in_seq);
  if (e == nullptr || e->state == State::kDropped) {
    return std::nullopt;
  }
  if (e->state == State::kReserved) {
    e->state = State::kForwarded;
    ++late_forwarded_;
  }
  return static_cast<uint16_t>(in_seq + e->offset);  // (a duplicate keeps its number)
}

void SeqRewriter::Drop(uint16_t in_seq) {
  if (!started_) {
    return;
  }
  if (SeqNumIsNewer(in_seq, max_in_)) {
    Advance(in_seq);
    --offset_;  // the next packet takes this one's number
    return;
  }
  Entry* e = Find(in_seq);
  if (e != nullptr && e->state == State::kReserved) {
    e->state = State::kDropped;
    ++late_dropped_;
  }
}

}  // namespace tr::media
