#include "media/rtcp/generic_nack.h"

#include <algorithm>

#include "media/common/seq_num.h"

namespace tr::media {

namespace {

// Scans one FCI item starting at lost[i]; returns the index after it and fills `item`.
std::size_t PackItem(std::span<const uint16_t> lost, std::size_t i, NackItem* item) {
  item->pid = lost[i];
  item->blp = 0;
  std::size_t j = i + 1;
  while (j < lost.size()) {
    const uint16_t d = SeqNumForwardDistance(item->pid, lost[j]);
    if (d == 0) {
      ++j;  // duplicate of the PID
      continue;
    }
    if (d > 16) {
      break;
    }
    item->blp = static_cast<uint16_t>(item->blp | (1u << (d - 1)));
    ++j;
  }
  return j;
}

}  // namespace

std::optional<GenericNack> GenericNack::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType || packet.Fmt() != kFmt) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  if (body.size() < 12 || (body.size() - 8) % 4 != 0) {
    return std::nullopt;
  }
  GenericNack nack;
  nack.body_ = body;
  return nack;
}

NackItem GenericNack::Item(std::size_t index) const {
  const uint8_t* p = body_.data() + 8 + 4 * index;
  return {ReadU16(p), ReadU16(p + 2)};
}

std::size_t GenericNack::LostPacketCount() const {
  std::size_t n = 0;
  const std::size_t items = ItemCount();
  for (std::size_t i = 0; i < items; ++i) {
    n += 1 + static_cast<std::size_t>(__builtin_popcount(Item(i).blp));
  }
  return n;
}

std::size_t GenericNack::LostSequenceNumbers(std::span<uint16_t> out) const {
  std::size_t n = 0;
  ForEachLost([&](uint16_t seq) {
    if (n < out.size()) {
      out[n++] = seq;
    }
  });
  return n;
}

std::size_t GenericNack::ItemsNeeded(std::span<const uint16_t> lost) {
  std::size_t items = 0;
  NackItem item;
  for (std::size_t i = 0; i < lost.size(); i = PackItem(lost, i, &item)) {
    ++items;
  }
  return items;
}

std::size_t GenericNack::Build(std::span<uint8_t> out,
                               uint32_t sender_ssrc,
                               uint32_t media_ssrc,
                               std::span<const uint16_t> lost,
                               std::size_t* consumed) {
  if (consumed != nullptr) {
    *consumed = 0;
  }
  if (lost.empty() || out.size() < kCommonSize + 4) {
    return 0;
  }
  const std::size_t max_items = std::min<std::size_t>((out.size() - kCommonSize) / 4, 0xFFFF - 2);
  if (consumed == nullptr && ItemsNeeded(lost) > max_items) {
    return 0;
  }
  uint8_t* p = out.data();
  std::size_t items = 0;
  std::size_t i = 0;
  while (i < lost.size() && items < max_items) {
    NackItem item;
    i = PackItem(lost, i, &item);
    WriteU16(p + kCommonSize + 4 * items, item.pid);
    WriteU16(p + kCommonSize + 4 * items + 2, item.blp);
    ++items;
  }
  const std::size_t size = kCommonSize + 4 * items;
  WriteRtcpHeader(p, kFmt, kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteU32(p + 8, media_ssrc);
  if (consumed != nullptr) {
    *consumed = i;
  }
  return size;
}

}  // namespace tr::media
