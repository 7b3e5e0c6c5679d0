#pragma once
// Reception statistics of one received RTP stream, for RTCP receiver reports
// (RFC 3550 §6.4.1, §A.1 sequence tracking, §A.3 loss, §A.8 interarrival jitter), and the
// sender's last Sender Report (NTP ↔ RTP mapping, LSR/DLSR).
//
// Packet path: Update() is a few arithmetic operations; no allocation.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "media/common/ntp_time.h"
#include "media/rtcp/report_block.h"

namespace tr::media {

class RtpReceiveStats {
 public:
  explicit RtpReceiveStats(uint32_t clock_rate = 90000) : clock_rate_(clock_rate) {}

  // A media packet with `seq` / `timestamp` arrived at `now_ms` (monotonic).
  void Update(uint16_t seq, uint32_t timestamp, std::size_t size, int64_t now_ms);
  // A packet older than the highest one that was missing arrived (reordered, or repaired
  // by RTX): counted as received, no jitter sample (its transit time is meaningless).
  void UpdateRecovered(std::size_t size, int64_t now_ms) {
    ++received_;
    bytes_ += size;
    last_packet_ms_ = now_ms;
  }
  // The sender's SR for this SSRC arrived.
  void OnSenderReport(NtpTime ntp, uint32_t rtp_timestamp, int64_t now_ms);

  // A report block about `ssrc`; advances the "prior" counters (one block per interval).
  ReportBlock MakeReportBlock(uint32_t ssrc, int64_t now_ms);

  bool HasPackets() const { return received_ > 0; }
  uint64_t packets() const { return received_; }
  uint64_t bytes() const { return bytes_; }
  int64_t last_packet_ms() const { return last_packet_ms_; }
  uint32_t ExtendedHighestSeq() const { return cycles_ + max_seq_; }
  int64_t CumulativeLost() const;
  uint32_t jitter() const { return static_cast<uint32_t>(jitter_q4_ >> 4); }
  uint32_t clock_rate() const { return clock_rate_; }

  struct SenderReportInfo {
    NtpTime ntp;
    uint32_t rtp_timestamp = 0;
    int64_t received_ms = 0;
  };
  const std::optional<SenderReportInfo>& last_sender_report() const { return last_sr_; }

 private:
  uint32_t clock_rate_;
  bool initialized_ = false;
  uint16_t max_seq_ = 0;
  uint32_t cycles_ = 0;  // shifted count of seq wraps (multiples of 65536)
  uint32_t base_seq_ = 0;
  uint64_t received_ = 0;
  uint64_t bytes_ = 0;
  uint64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;
  int64_t transit_ = 0;
  bool has_transit_ = false;
  int64_t jitter_q4_ = 0;  // jitter * 16
  int64_t last_packet_ms_ = 0;
  std::optional<SenderReportInfo> last_sr_;
};

}  // namespace tr::media
