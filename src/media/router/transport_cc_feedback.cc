#include "media/router/transport_cc_feedback.h"

namespace tr::media {

TransportCcFeedbackGenerator::TransportCcFeedbackGenerator(Listener* listener,
                                                           uint32_t sender_ssrc)
    : listener_(listener), sender_ssrc_(sender_ssrc) {
  arrivals_.fill(TransportFeedback::kNotReceived);
}

void TransportCcFeedbackGenerator::OnPacket(uint16_t transport_seq, int64_t arrival_us,
                                            uint32_t media_ssrc) {
  if (arrival_us < 0) {
    arrival_us = 0;  // negative means "not received" to the builder
  }
  ++stats_.packets;
  media_ssrc_ = media_ssrc;
  int64_t seq = unwrapper_.PeekUnwrap(transport_seq);
  if (!started_) {
    started_ = true;
    seq = unwrapper_.Unwrap(transport_seq);
    next_unreported_ = seq;
  }
  if (seq < next_unreported_) {
    ++stats_.late;  // already reported (as lost): too late to matter
    return;
  }
  if (seq >= next_unreported_ + static_cast<int64_t>(kWindow)) {
    // Beyond the ring: report what is pending, then restart if still out of reach.
    SendFeedback();
    if (seq >= next_unreported_ + static_cast<int64_t>(kWindow)) {
      ++stats_.resets;
      next_unreported_ = seq;
    }
  }
  if (!pending_ || seq > highest_) {
    unwrapper_.Unwrap(transport_seq);  // reference follows the highest number
  }
  int64_t& slot = Slot(seq);
  if (slot != TransportFeedback::kNotReceived) {
    ++stats_.duplicates;
    return;
  }
  slot = arrival_us;
  if (!pending_ || seq > highest_) {
    highest_ = seq;
  }
  pending_ = true;
  if (highest_ - next_unreported_ + 1 >= static_cast<int64_t>(kWindow / 2)) {
    SendFeedback();
  }
}

void TransportCcFeedbackGenerator::SendFeedback() {
  if (!pending_) {
    return;
  }
  // [next_unreported_, highest_] into the builder's list, clearing the slots.
  const std::size_t count = static_cast<std::size_t>(highest_ - next_unreported_ + 1);
  for (std::size_t i = 0; i < count; ++i) {
    const int64_t seq = next_unreported_ + static_cast<int64_t>(i);
    int64_t& slot = Slot(seq);
    scratch_[i] = {static_cast<uint16_t>(seq), slot};
    slot = TransportFeedback::kNotReceived;
  }
  std::size_t offset = 0;
  while (offset < count) {
    std::size_t encoded = 0;
    const std::size_t size = TransportFeedback::Build(
        packet_, sender_ssrc_, media_ssrc_, feedback_count_,
        std::span<const TransportFeedback::PacketResult>(scratch_.data() + offset, count - offset),
        &encoded);
    if (size == 0 || encoded == 0) {
      break;  // nothing encodable left (only losses): they stay unreported
    }
    ++feedback_count_;
    ++stats_.feedback_packets;
    listener_->OnTransportCcFeedback(this, std::span<const uint8_t>(packet_.data(), size));
    offset += encoded;
  }
  next_unreported_ = highest_ + 1;
  pending_ = false;
}

}  // namespace tr::media
