#pragma once
// Host candidates of an ICE-lite server (RFC 8445 §5.1.2, §5.1.2.1 priority formula) in
// mediasoup v3's JSON shape (`iceCandidates` of a WebRtcTransport).
#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"

namespace tr::media {

struct IceCandidate {
  enum class Protocol : uint8_t { kUdp, kTcp };

  std::string foundation;  // "udpcandidate" / "tcpcandidate", as mediasoup
  uint32_t priority = 0;
  std::string address;
  Protocol protocol = Protocol::kUdp;
  uint16_t port = 0;
  // "host" always; TCP candidates are tcpType "passive" (we only accept connections).

  Json ToJson() const;
};

// (2^24) * type preference (host = 64) + (2^8) * local preference + (256 - component 1).
constexpr uint32_t IceCandidatePriority(uint32_t local_preference) {
  return (uint32_t{1} << 24) * 64u + (uint32_t{1} << 8) * local_preference + (256u - 1u);
}

struct IceCandidateOptions {
  bool enable_udp = true;
  bool enable_tcp = true;
  bool prefer_udp = false;
  bool prefer_tcp = false;
};

// The host candidates for one worker's UDP and TCP ports: UDP first with local preference
// 10000, TCP with 9900 (mediasoup decreases by 100 per listen entry), +1000 for the
// preferred protocol.
std::vector<IceCandidate> MakeHostCandidates(const std::string& announced_address,
                                             uint16_t udp_port,
                                             uint16_t tcp_port,
                                             const IceCandidateOptions& options);

}  // namespace tr::media
