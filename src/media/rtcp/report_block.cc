#include "media/rtcp/report_block.h"

#include <algorithm>

#include "media/common/byte_io.h"

namespace tr::media {

ReportBlock ReportBlock::Read(const uint8_t* p) {
  ReportBlock b;
  b.ssrc = ReadU32(p);
  b.fraction_lost = p[4];
  b.cumulative_lost = ReadS24(p + 5);
  b.extended_highest_sequence = ReadU32(p + 8);
  b.jitter = ReadU32(p + 12);
  b.last_sr = ReadU32(p + 16);
  b.delay_since_last_sr = ReadU32(p + 20);
  return b;
}

void ReportBlock::Write(uint8_t* p) const {
  WriteU32(p, ssrc);
  p[4] = fraction_lost;
  WriteS24(p + 5, std::clamp(cumulative_lost, kMinCumulativeLost, kMaxCumulativeLost));
  WriteU32(p + 8, extended_highest_sequence);
  WriteU32(p + 12, jitter);
  WriteU32(p + 16, last_sr);
  WriteU32(p + 20, delay_since_last_sr);
}

}  // namespace tr::media
