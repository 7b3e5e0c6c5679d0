#include "media/ice/ice_candidate.h"

namespace tr::media {

Json IceCandidate::ToJson() const {
  Json j = {
      {"foundation", foundation},
      {"priority", priority},
      // mediasoup-client reads `address`, older versions `ip`: send both.
      {"ip", address},
      {"address", address},
      {"protocol", protocol == Protocol::kUdp ? "udp" : "tcp"},
      {"port", port},
      {"type", "host"},
  };
  if (protocol == Protocol::kTcp) {
    j["tcpType"] = "passive";
  }
  return j;
}

std::vector<IceCandidate> MakeHostCandidates(const std::string& announced_address,
                                             uint16_t udp_port,
                                             uint16_t tcp_port,
                                             const IceCandidateOptions& options) {
  std::vector<IceCandidate> out;
  uint32_t local_preference = 10000;
  if (options.enable_udp) {
    IceCandidate c;
    c.foundation = "udpcandidate";
    c.priority = IceCandidatePriority(local_preference + (options.prefer_udp ? 1000u : 0u));
    c.address = announced_address;
    c.protocol = IceCandidate::Protocol::kUdp;
    c.port = udp_port;
    out.push_back(std::move(c));
    local_preference -= 100;
  }
  if (options.enable_tcp) {
    IceCandidate c;
    c.foundation = "tcpcandidate";
    c.priority = IceCandidatePriority(local_preference + (options.prefer_tcp ? 1000u : 0u));
    c.address = announced_address;
    c.protocol = IceCandidate::Protocol::kTcp;
    c.port = tcp_port;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace tr::media
