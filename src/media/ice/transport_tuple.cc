#include "media/ice/transport_tuple.h"

#include <arpa/inet.h>

namespace tr::media {

std::string TransportTuple::ToString() const {
  char ip[INET6_ADDRSTRLEN] = {};
  inet_ntop(remote.family == StunAddress::Family::kIpv4 ? AF_INET : AF_INET6, remote.ip.data(),
            ip, sizeof(ip));
  std::string out = protocol == Protocol::kUdp ? "udp:" : "tcp:";
  out += ip;
  out += ':';
  out += std::to_string(remote.port);
  return out;
}

std::size_t TransportTupleHash::operator()(const TransportTuple& tuple) const noexcept {
  // FNV-1a over the fields that identify the tuple; no allocation.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t v) {
    h ^= v;
    h *= 1099511628211ull;
  };
  mix(static_cast<uint64_t>(tuple.protocol));
  mix(static_cast<uint64_t>(tuple.remote.family));
  mix(tuple.remote.port);
  for (std::size_t i = 0; i < tuple.remote.IpSize(); i += 4) {
    mix((uint64_t{tuple.remote.ip[i]} << 24) | (uint64_t{tuple.remote.ip[i + 1]} << 16) |
        (uint64_t{tuple.remote.ip[i + 2]} << 8) | tuple.remote.ip[i + 3]);
  }
  mix(tuple.connection_id);
  return static_cast<std::size_t>(h);
}

}  // namespace tr::media
