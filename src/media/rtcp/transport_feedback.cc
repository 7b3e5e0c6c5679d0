#include "media/rtcp/transport_feedback.h"

#include <algorithm>
#include <cstring>

#include "media/common/seq_num.h"

namespace tr::media {

namespace {

constexpr uint8_t kNotReceivedSymbol = 0;
constexpr uint8_t kSmallDeltaSymbol = 1;
constexpr uint8_t kLargeDeltaSymbol = 2;
constexpr uint8_t kReservedSymbol = 3;
constexpr std::size_t kMaxRunLength = 0x1FFF;
constexpr std::size_t kOneBitCapacity = 14;
constexpr std::size_t kTwoBitCapacity = 7;
constexpr std::size_t kFixedSize = 20;  // header + SSRCs + base/count/reference/fb count

// Kind and capacity of a chunk.
bool IsRunLength(uint16_t chunk) { return (chunk & 0x8000) == 0; }
bool IsTwoBitVector(uint16_t chunk) { return (chunk & 0xC000) == 0xC000; }
std::size_t ChunkCapacity(uint16_t chunk) {
  if (IsRunLength(chunk)) {
    return chunk & kMaxRunLength;
  }
  return IsTwoBitVector(chunk) ? kTwoBitCapacity : kOneBitCapacity;
}
uint8_t ChunkSymbol(uint16_t chunk, std::size_t index) {
  if (IsRunLength(chunk)) {
    return static_cast<uint8_t>((chunk >> 13) & 0x3);
  }
  if (IsTwoBitVector(chunk)) {
    return static_cast<uint8_t>((chunk >> (12 - 2 * index)) & 0x3);
  }
  return static_cast<uint8_t>((chunk >> (13 - index)) & 0x1);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

// Greedy packet-chunk encoder. Symbols are buffered (at most 14 kept: a longer buffer is
// always a run of one symbol) and a chunk is emitted only when the next symbol cannot join
// the buffered ones in any chunk kind: a run (same symbol, up to 8191), a one-bit vector
// (symbols 0/1, up to 14) or a two-bit vector (up to 7). Vectors in the middle of the
// message are always full; only the last chunk may be partially used.
class ChunkEncoder {
 public:
  // `out` may be null to only count.
  explicit ChunkEncoder(uint8_t* out) : out_(out) {}

  void Add(uint8_t symbol) {
    while (!CanAdd(symbol)) {
      EmitFront();
    }
    Push(symbol);
  }

  void Finish() {
    while (count_ > 0) {
      if (all_same_) {
        EmitRun();
      } else if (max_ <= 1 && count_ <= kOneBitCapacity) {
        EmitOneBitVector(count_);
      } else {
        EmitTwoBitVector(std::min(count_, kTwoBitCapacity));
      }
    }
  }

  // Bytes of the chunks emitted so far.
  std::size_t Bytes() const { return 2 * emitted_; }
  // Upper bound of what Finish() adds for the buffered symbols.
  std::size_t PendingBytes() const { return count_ == 0 ? 0 : 2; }

 private:
  bool CanAdd(uint8_t s) const {
    if (count_ == 0) {
      return true;
    }
    if (all_same_ && s == first_ && count_ < kMaxRunLength) {
      return true;
    }
    if (std::max(max_, s) <= 1 && count_ < kOneBitCapacity) {
      return true;
    }
    return count_ < kTwoBitCapacity;
  }

  void Push(uint8_t s) {
    if (count_ == 0) {
      first_ = s;
      all_same_ = true;
      max_ = s;
    } else {
      all_same_ = all_same_ && s == first_;
      max_ = std::max(max_, s);
    }
    if (count_ < kOneBitCapacity) {
      symbols_[count_] = s;
    }
    ++count_;
  }

  // Called when the next symbol does not fit: count_ >= 7 here.
  void EmitFront() {
    if (all_same_) {
      EmitRun();
    } else if (max_ <= 1 && count_ == kOneBitCapacity) {
      EmitOneBitVector(kOneBitCapacity);
    } else {
      EmitTwoBitVector(kTwoBitCapacity);
    }
  }

  void EmitRun() {
    Write(static_cast<uint16_t>((first_ << 13) | count_));
    count_ = 0;
  }

  // Emits the first `n` (<= 14) buffered symbols (0/1) as a one-bit vector.
  void EmitOneBitVector(std::size_t n) {
    uint16_t chunk = 0x8000;
    for (std::size_t i = 0; i < n; ++i) {
      chunk = static_cast<uint16_t>(chunk | (symbols_[i] << (13 - i)));
    }
    Write(chunk);
    Drop(n);
  }

  // Emits the first `n` (<= 7) buffered symbols as a two-bit vector.
  void EmitTwoBitVector(std::size_t n) {
    uint16_t chunk = 0xC000;
    for (std::size_t i = 0; i < n; ++i) {
      chunk = static_cast<uint16_t>(chunk | (symbols_[i] << (12 - 2 * i)));
    }
    Write(chunk);
    Drop(n);
  }

  void Drop(std::size_t n) {
    const std::size_t rest = count_ - n;  // vectors are only emitted with count_ <= 14
    std::memmove(symbols_, symbols_ + n, rest);
    count_ = 0;
    for (std::size_t i = 0; i < rest; ++i) {
      Push(symbols_[i]);
    }
  }

  void Write(uint16_t chunk) {
    if (out_ != nullptr) {
      WriteU16(out_ + 2 * emitted_, chunk);
    }
    ++emitted_;
  }

  uint8_t* out_;
  std::size_t emitted_ = 0;
  uint8_t symbols_[kOneBitCapacity] = {};
  std::size_t count_ = 0;
  uint8_t first_ = 0;
  uint8_t max_ = 0;
  bool all_same_ = true;
};

}  // namespace

std::optional<TransportFeedback> TransportFeedback::Parse(const RtcpPacket& packet) {
  if (packet.Type() != kPacketType || packet.Fmt() != kFmt) {
    return std::nullopt;
  }
  const std::span<const uint8_t> body = packet.Body();
  if (body.size() < 16) {
    return std::nullopt;
  }
  const std::size_t status_count = ReadU16(body.data() + 10);
  if (status_count == 0) {
    return std::nullopt;
  }
  std::size_t pos = 16;
  std::size_t covered = 0;
  std::size_t delta_bytes = 0;
  std::size_t received = 0;
  while (covered < status_count) {
    if (body.size() - pos < 2) {
      return std::nullopt;
    }
    const uint16_t chunk = ReadU16(body.data() + pos);
    pos += 2;
    const std::size_t n = std::min(ChunkCapacity(chunk), status_count - covered);
    if (IsRunLength(chunk)) {
      const uint8_t s = ChunkSymbol(chunk, 0);
      if (s == kReservedSymbol) {
        return std::nullopt;
      }
      if (s != kNotReceivedSymbol) {
        received += n;
        delta_bytes += n * s;  // small: 1 byte, large: 2 bytes
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const uint8_t s = ChunkSymbol(chunk, i);
        if (s == kReservedSymbol) {
          return std::nullopt;
        }
        if (s != kNotReceivedSymbol) {
          ++received;
          delta_bytes += s;
        }
      }
    }
    covered += n;
  }
  if (body.size() - pos < delta_bytes || body.size() - pos - delta_bytes > 3) {
    return std::nullopt;
  }
  TransportFeedback fb;
  fb.body_ = body;
  fb.deltas_offset_ = pos;
  fb.received_ = received;
  return fb;
}

TransportFeedback::Iterator TransportFeedback::Packets() const {
  Iterator it;
  it.body_ = body_;
  it.delta_pos_ = deltas_offset_;
  it.remaining_ = PacketStatusCount();
  it.sequence_number_ = BaseSequenceNumber();
  it.time_us_ = ReferenceTimeUs();
  return it;
}

bool TransportFeedback::Iterator::Next(TwccPacketStatus* out) {
  if (remaining_ == 0) {
    return false;
  }
  while (chunk_index_ == chunk_length_) {  // zero-length runs are skipped
    chunk_ = ReadU16(body_.data() + chunk_pos_);
    chunk_pos_ += 2;
    chunk_index_ = 0;
    chunk_length_ = static_cast<uint16_t>(std::min(ChunkCapacity(chunk_), remaining_));
  }
  const uint8_t s = ChunkSymbol(chunk_, chunk_index_);
  ++chunk_index_;
  --remaining_;
  out->sequence_number = sequence_number_++;
  out->received = s != kNotReceivedSymbol;
  out->delta_ticks = 0;
  if (s == kSmallDeltaSymbol) {
    out->delta_ticks = body_[delta_pos_];
    delta_pos_ += 1;
  } else if (s == kLargeDeltaSymbol) {
    out->delta_ticks = static_cast<int16_t>(ReadU16(body_.data() + delta_pos_));
    delta_pos_ += 2;
  }
  time_us_ += int64_t{out->delta_ticks} * kDeltaTickUs;
  out->receive_time_us = time_us_;
  return true;
}

std::size_t TransportFeedback::Build(std::span<uint8_t> out,
                                     uint32_t sender_ssrc,
                                     uint32_t media_ssrc,
                                     uint8_t feedback_packet_count,
                                     std::span<const PacketResult> packets,
                                     std::size_t* packets_encoded) {
  if (packets_encoded != nullptr) {
    *packets_encoded = 0;
  }
  const auto first_received = std::find_if(packets.begin(), packets.end(), [](const PacketResult& p) {
    return p.arrival_time_us >= 0;
  });
  if (first_received == packets.end() || out.size() < kFixedSize + 4) {
    return 0;
  }
  const int64_t reference = first_received->arrival_time_us / kReferenceTimeTickUs;
  const int64_t reference_us = reference * kReferenceTimeTickUs;

  // Pass 1: how many packets fit. The encoder state is tiny, so each packet is tried on a
  // copy and committed when the resulting size still fits.
  ChunkEncoder planner(nullptr);
  std::size_t delta_bytes = 0;
  std::size_t status_count = 0;
  std::size_t included = 0;
  bool any_received = false;
  int64_t prev_ticks = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const PacketResult& p = packets[i];
    std::size_t gap = 1;
    if (i > 0) {
      gap = SeqNumForwardDistance(packets[i - 1].sequence_number, p.sequence_number);
      if (gap == 0 || gap >= 0x8000) {
        break;  // not ascending
      }
    }
    if (status_count + gap > 0xFFFF) {
      break;
    }
    uint8_t symbol = kNotReceivedSymbol;
    int64_t ticks = prev_ticks;
    if (p.arrival_time_us >= 0) {
      ticks = FloorDiv(p.arrival_time_us - reference_us, kDeltaTickUs);
      const int64_t delta = ticks - prev_ticks;
      if (delta >= 0 && delta <= 0xFF) {
        symbol = kSmallDeltaSymbol;
      } else if (delta >= INT16_MIN && delta <= INT16_MAX) {
        symbol = kLargeDeltaSymbol;
      } else {
        break;
      }
    }
    ChunkEncoder trial = planner;
    for (std::size_t k = 1; k < gap; ++k) {
      trial.Add(kNotReceivedSymbol);
    }
    trial.Add(symbol);
    const std::size_t needed =
        PadTo4(kFixedSize + trial.Bytes() + trial.PendingBytes() + delta_bytes + symbol);
    if (needed > out.size()) {
      break;
    }
    planner = trial;
    delta_bytes += symbol;
    status_count += gap;
    prev_ticks = ticks;
    any_received |= symbol != kNotReceivedSymbol;
    ++included;
  }
  if (!any_received || (packets_encoded == nullptr && included != packets.size())) {
    return 0;
  }

  // Pass 2: write chunks and deltas. The chunk area size is known from the plan.
  planner.Finish();
  uint8_t* p = out.data();
  const std::size_t chunk_bytes = planner.Bytes();
  ChunkEncoder encoder(p + kFixedSize);
  uint8_t* delta = p + kFixedSize + chunk_bytes;
  prev_ticks = 0;
  for (std::size_t i = 0; i < included; ++i) {
    const PacketResult& r = packets[i];
    if (i > 0) {
      const std::size_t gap = SeqNumForwardDistance(packets[i - 1].sequence_number, r.sequence_number);
      for (std::size_t k = 1; k < gap; ++k) {
        encoder.Add(kNotReceivedSymbol);
      }
    }
    if (r.arrival_time_us < 0) {
      encoder.Add(kNotReceivedSymbol);
      continue;
    }
    const int64_t ticks = FloorDiv(r.arrival_time_us - reference_us, kDeltaTickUs);
    const int64_t d = ticks - prev_ticks;
    prev_ticks = ticks;
    if (d >= 0 && d <= 0xFF) {
      encoder.Add(kSmallDeltaSymbol);
      *delta++ = static_cast<uint8_t>(d);
    } else {
      encoder.Add(kLargeDeltaSymbol);
      WriteU16(delta, static_cast<uint16_t>(static_cast<int16_t>(d)));
      delta += 2;
    }
  }
  encoder.Finish();
  const std::size_t unpadded = static_cast<std::size_t>(delta - p);
  const std::size_t size = PadTo4(unpadded);
  std::memset(p + unpadded, 0, size - unpadded);
  WriteRtcpHeader(p, kFmt, kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteU32(p + 8, media_ssrc);
  WriteU16(p + 12, packets[0].sequence_number);
  WriteU16(p + 14, static_cast<uint16_t>(status_count));
  WriteU24(p + 16, static_cast<uint32_t>(reference) & 0xFFFFFFu);
  p[19] = feedback_packet_count;
  if (packets_encoded != nullptr) {
    *packets_encoded = included;
  }
  return size;
}

}  // namespace tr::media
