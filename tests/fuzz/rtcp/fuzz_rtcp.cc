// libFuzzer target for RTCP (media/rtcp): iterates the compound packet and parses every
// packet as every view (SR, RR, SDES, BYE, generic NACK, PLI, FIR, REMB, transport-wide CC
// feedback), calls every getter and iterator, and rebuilds what it parsed: the rebuilt
// packets must parse back to the same values. Seeds: tests/fuzz/corpus/rtcp/.
#include <cstdint>
#include <vector>

#include "media/rtcp/bye.h"
#include "media/rtcp/fir.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/receiver_report.h"
#include "media/rtcp/remb.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/sdes.h"
#include "media/rtcp/sender_report.h"
#include "media/rtcp/transport_feedback.h"
#include "fuzz_check.h"

namespace {

using namespace tr::media;

volatile uint64_t g_sink = 0;

std::optional<RtcpPacket> ParseExact(std::span<const uint8_t> b) {
  auto p = RtcpPacket::Parse(b);
  FUZZ_CHECK(p && p->Size() == b.size());
  return p;
}

uint64_t FuzzReports(const RtcpPacket& packet) {
  uint64_t h = 0;
  if (const auto sr = SenderReport::Parse(packet)) {
    std::vector<ReportBlock> blocks;
    for (std::size_t i = 0; i < sr->ReportBlockCount(); ++i) {
      blocks.push_back(sr->GetReportBlock(i));
    }
    std::vector<uint8_t> out(SenderReport::BuildSize(blocks.size()));
    FUZZ_CHECK(SenderReport::Build(out, sr->Info(), blocks) == out.size());
    const auto again = SenderReport::Parse(*ParseExact(out));
    FUZZ_CHECK(again && again->Info() == sr->Info() && again->SenderSsrc() == sr->SenderSsrc());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      FUZZ_CHECK(again->GetReportBlock(i) == blocks[i]);
    }
    h += blocks.size();
  }
  if (const auto rr = ReceiverReport::Parse(packet)) {
    std::vector<ReportBlock> blocks;
    for (std::size_t i = 0; i < rr->ReportBlockCount(); ++i) {
      blocks.push_back(rr->GetReportBlock(i));
    }
    std::vector<uint8_t> out(ReceiverReport::BuildSize(blocks.size()));
    FUZZ_CHECK(ReceiverReport::Build(out, rr->SenderSsrc(), blocks) == out.size());
    const auto again = ReceiverReport::Parse(*ParseExact(out));
    FUZZ_CHECK(again && again->ReportBlockCount() == blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      FUZZ_CHECK(again->GetReportBlock(i) == blocks[i]);
    }
  }
  if (const auto sdes = Sdes::Parse(packet)) {
    std::vector<Sdes::CnameChunk> cnames;
    sdes->ForEachItem([&](uint32_t ssrc, uint8_t type, std::string_view v) {
      h += ssrc + type + v.size();
      if (type == Sdes::kCname && cnames.size() < Sdes::kMaxChunks) {
        cnames.push_back({ssrc, v});
      }
    });
    for (const auto& c : cnames) {
      h += sdes->Cname(c.ssrc).has_value();
    }
    std::vector<uint8_t> out(Sdes::BuildSize(cnames));
    FUZZ_CHECK(Sdes::BuildCname(out, cnames) == out.size());
    const auto again = Sdes::Parse(*ParseExact(out));
    FUZZ_CHECK(again && again->ChunkCount() == cnames.size());
    std::size_t k = 0;
    again->ForEachItem([&](uint32_t ssrc, uint8_t, std::string_view v) {
      FUZZ_CHECK(ssrc == cnames[k].ssrc && v == cnames[k].cname);
      ++k;
    });
  }
  if (const auto bye = Bye::Parse(packet)) {
    std::vector<uint32_t> ssrcs;
    for (std::size_t i = 0; i < bye->SsrcCount(); ++i) {
      ssrcs.push_back(bye->Ssrc(i));
    }
    std::vector<uint8_t> out(Bye::BuildSize(ssrcs.size(), bye->Reason()));
    FUZZ_CHECK(Bye::Build(out, ssrcs, bye->Reason()) == out.size());
    const auto again = Bye::Parse(*ParseExact(out));
    FUZZ_CHECK(again && again->SsrcCount() == ssrcs.size() && again->Reason() == bye->Reason());
  }
  return h;
}

uint64_t FuzzFeedback(const RtcpPacket& packet) {
  uint64_t h = 0;
  if (const auto nack = GenericNack::Parse(packet)) {
    std::vector<uint16_t> lost(nack->LostPacketCount());
    FUZZ_CHECK(nack->LostSequenceNumbers(lost) == lost.size());
    h += nack->SenderSsrc() + nack->MediaSsrc() + nack->ItemCount();
    // Repack (the list is whatever order the items gave) and check nothing is lost.
    std::vector<uint8_t> out(12 + 4 * GenericNack::ItemsNeeded(lost));
    std::size_t consumed = 0;
    const std::size_t n = GenericNack::Build(out, 1, 2, lost, &consumed);
    FUZZ_CHECK(n == out.size() && consumed == lost.size());
    const auto again = GenericNack::Parse(*ParseExact(out));
    FUZZ_CHECK(again);
    std::vector<bool> seen(65536);
    again->ForEachLost([&](uint16_t s) { seen[s] = true; });
    for (uint16_t s : lost) {
      FUZZ_CHECK(seen[s]);
    }
  }
  if (const auto pli = Pli::Parse(packet)) {
    h += pli->SenderSsrc() + pli->MediaSsrc();
  }
  if (const auto fir = Fir::Parse(packet)) {
    std::vector<FirEntry> entries;
    for (std::size_t i = 0; i < fir->EntryCount(); ++i) {
      entries.push_back(fir->Entry(i));
    }
    std::vector<uint8_t> out(Fir::BuildSize(entries.size()));
    if (Fir::Build(out, fir->SenderSsrc(), entries) == out.size()) {
      const auto again = Fir::Parse(*ParseExact(out));
      FUZZ_CHECK(again && again->EntryCount() == entries.size());
      for (std::size_t i = 0; i < entries.size(); ++i) {
        FUZZ_CHECK(again->Entry(i) == entries[i]);
      }
    }
  }
  if (const auto remb = Remb::Parse(packet)) {
    std::vector<uint32_t> ssrcs;
    for (std::size_t i = 0; i < remb->SsrcCount(); ++i) {
      ssrcs.push_back(remb->Ssrc(i));
    }
    std::vector<uint8_t> out(Remb::BuildSize(ssrcs.size()));
    FUZZ_CHECK(Remb::Build(out, remb->SenderSsrc(), remb->Bitrate(), ssrcs) == out.size());
    const auto again = Remb::Parse(*ParseExact(out));
    FUZZ_CHECK(again && again->Bitrate() == remb->Bitrate() && again->SsrcCount() == ssrcs.size());
  }
  if (const auto fb = TransportFeedback::Parse(packet)) {
    h += fb->SenderSsrc() + fb->MediaSsrc() + fb->ReferenceTime() + fb->FeedbackPacketCount();
    std::vector<TransportFeedback::PacketResult> results;
    std::size_t received = 0;
    uint16_t expected_seq = fb->BaseSequenceNumber();
    fb->ForEachPacket([&](const TwccPacketStatus& s) {
      FUZZ_CHECK(s.sequence_number == expected_seq);
      ++expected_seq;
      received += s.received;
      results.push_back({s.sequence_number,
                         s.received && s.receive_time_us >= 0 ? s.receive_time_us
                                                              : TransportFeedback::kNotReceived});
    });
    FUZZ_CHECK(results.size() == fb->PacketStatusCount());
    FUZZ_CHECK(received == fb->ReceivedCount());
    // Re-encode what we decoded: the rebuilt feedback must decode to the same statuses and
    // receive times (they are on the 250 us grid of a 64 ms-aligned reference).
    static std::vector<uint8_t> out(20 + 2 * 65536 + 2 * 65536 + 8);
    std::size_t encoded = 0;
    const std::size_t n = TransportFeedback::Build(out, 1, 2, 3, results, &encoded);
    if (n > 0) {
      const auto again = TransportFeedback::Parse(*ParseExact(std::span<const uint8_t>(out).first(n)));
      FUZZ_CHECK(again && again->PacketStatusCount() == encoded);
      std::size_t i = 0;
      again->ForEachPacket([&](const TwccPacketStatus& s) {
        FUZZ_CHECK(s.sequence_number == results[i].sequence_number);
        FUZZ_CHECK(s.received == (results[i].arrival_time_us >= 0));
        if (s.received) {
          // Equal modulo the reference time's 2^24 x 64 ms wrap.
          constexpr int64_t kWrapUs = (int64_t{1} << 24) * TransportFeedback::kReferenceTimeTickUs;
          FUZZ_CHECK((s.receive_time_us - results[i].arrival_time_us) % kWrapUs == 0);
        }
        ++i;
      });
    }
  }
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::vector<uint8_t> input(data, data + size);
  uint64_t h = RtcpPacket::IsRtcp(input);
  RtcpCompoundIterator it(input);
  RtcpPacket packet;
  std::size_t total = 0;
  while (it.Next(&packet)) {
    total += packet.Size();
    FUZZ_CHECK(packet.Body().size() + packet.PaddingSize() + RtcpPacket::kHeaderSize == packet.Size());
    h += packet.Type() + packet.Count() + packet.Fmt() + packet.HasPadding();
    h += FuzzReports(packet);
    h += FuzzFeedback(packet);
  }
  FUZZ_CHECK(RtcpCompoundIterator::Validate(input) == (!it.Failed() && size > 0));
  FUZZ_CHECK(it.Failed() || total == size);
  g_sink = g_sink + h;
  return 0;
}
