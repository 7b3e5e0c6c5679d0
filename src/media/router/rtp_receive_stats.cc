#include "media/router/rtp_receive_stats.h"

#include <algorithm>

#include "media/common/seq_num.h"

namespace tr::media {

void RtpReceiveStats::Update(uint16_t seq, uint32_t timestamp, std::size_t size, int64_t now_ms) {
  if (!initialized_) {
    initialized_ = true;
    max_seq_ = seq;
    base_seq_ = seq;
  } else if (SeqNumIsNewer(seq, max_seq_)) {
    if (seq < max_seq_) {
      cycles_ += 65536;  // wrapped
    }
    max_seq_ = seq;
  }
  ++received_;
  bytes_ += size;
  last_packet_ms_ = now_ms;
  // Interarrival jitter (RFC 3550 §A.8) in timestamp units.
  const int64_t arrival = now_ms * static_cast<int64_t>(clock_rate_) / 1000;
  const int64_t transit = arrival - static_cast<int64_t>(timestamp);
  if (has_transit_) {
    int64_t d = transit - transit_;
    // Timestamps wrap at 2^32: fold the difference into a signed 32-bit range.
    d = static_cast<int32_t>(static_cast<uint32_t>(d));
    if (d < 0) {
      d = -d;
    }
    jitter_q4_ += d - ((jitter_q4_ + 8) >> 4);
  }
  transit_ = transit;
  has_transit_ = true;
}

void RtpReceiveStats::OnSenderReport(NtpTime ntp, uint32_t rtp_timestamp, int64_t now_ms) {
  last_sr_ = SenderReportInfo{ntp, rtp_timestamp, now_ms};
}

int64_t RtpReceiveStats::CumulativeLost() const {
  if (!initialized_) {
    return 0;
  }
  const int64_t expected = static_cast<int64_t>(ExtendedHighestSeq()) - base_seq_ + 1;
  return expected - static_cast<int64_t>(received_);
}

ReportBlock RtpReceiveStats::MakeReportBlock(uint32_t ssrc, int64_t now_ms) {
  ReportBlock block;
  block.ssrc = ssrc;
  if (!initialized_) {
    return block;
  }
  const uint64_t expected =
      static_cast<uint64_t>(static_cast<int64_t>(ExtendedHighestSeq()) - base_seq_ + 1);
  const int64_t lost = static_cast<int64_t>(expected) - static_cast<int64_t>(received_);
  block.cumulative_lost = static_cast<int32_t>(
      std::clamp<int64_t>(lost, ReportBlock::kMinCumulativeLost, ReportBlock::kMaxCumulativeLost));
  const int64_t expected_interval = static_cast<int64_t>(expected - expected_prior_);
  const int64_t received_interval = static_cast<int64_t>(received_ - received_prior_);
  const int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected;
  received_prior_ = received_;
  if (expected_interval > 0 && lost_interval > 0) {
    block.fraction_lost = static_cast<uint8_t>(std::min<int64_t>((lost_interval << 8) / expected_interval, 255));
  }
  block.extended_highest_sequence = ExtendedHighestSeq();
  block.jitter = jitter();
  if (last_sr_) {
    block.last_sr = last_sr_->ntp.ToCompact();
    block.delay_since_last_sr = CompactNtpFromMicros((now_ms - last_sr_->received_ms) * 1000);
  }
  return block;
}

}  // namespace tr::media
