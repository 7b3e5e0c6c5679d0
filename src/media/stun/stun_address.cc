#include "media/stun/stun_address.h"

#include <cstddef>
#include <cstring>

namespace tr::media {

StunAddress StunAddress::Ipv4(const std::array<uint8_t, 4>& addr, uint16_t port) {
  StunAddress a;
  a.family = Family::kIpv4;
  a.port = port;
  std::memcpy(a.ip.data(), addr.data(), addr.size());
  return a;
}

StunAddress StunAddress::Ipv6(const std::array<uint8_t, 16>& addr, uint16_t port) {
  StunAddress a;
  a.family = Family::kIpv6;
  a.port = port;
  a.ip = addr;
  return a;
}

namespace {

// Reads a sockaddr_in / sockaddr_in6 out of `len` raw bytes without type-punning.
std::optional<StunAddress> FromRawSockaddr(const void* raw, std::size_t len) {
  if (raw == nullptr || len < offsetof(sockaddr, sa_family) + sizeof(sa_family_t)) {
    return std::nullopt;
  }
  const auto* bytes = static_cast<const uint8_t*>(raw);
  sa_family_t family;
  std::memcpy(&family, bytes + offsetof(sockaddr, sa_family), sizeof(family));
  if (family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in sin;
    std::memcpy(&sin, bytes, sizeof(sin));
    std::array<uint8_t, 4> ip;
    std::memcpy(ip.data(), &sin.sin_addr, 4);
    return StunAddress::Ipv4(ip, ntohs(sin.sin_port));
  }
  if (family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, bytes, sizeof(sin6));
    std::array<uint8_t, 16> ip;
    std::memcpy(ip.data(), &sin6.sin6_addr, 16);
    static constexpr uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(ip.data(), kV4MappedPrefix, sizeof(kV4MappedPrefix)) == 0) {
      return StunAddress::Ipv4({ip[12], ip[13], ip[14], ip[15]}, ntohs(sin6.sin6_port));
    }
    return StunAddress::Ipv6(ip, ntohs(sin6.sin6_port));
  }
  return std::nullopt;
}

}  // namespace

std::optional<StunAddress> StunAddress::FromSockaddr(const sockaddr* sa, socklen_t len) {
  return FromRawSockaddr(sa, static_cast<std::size_t>(len));
}

std::optional<StunAddress> StunAddress::FromSockaddr(const sockaddr_storage& ss) {
  return FromRawSockaddr(&ss, sizeof(ss));
}

socklen_t StunAddress::ToSockaddr(sockaddr_storage* out) const {
  std::memset(out, 0, sizeof(*out));
  if (family == Family::kIpv4) {
    sockaddr_in sin;
    std::memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(&sin.sin_addr, ip.data(), 4);
    std::memcpy(out, &sin, sizeof(sin));
    return sizeof(sin);
  }
  sockaddr_in6 sin6;
  std::memset(&sin6, 0, sizeof(sin6));
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(port);
  std::memcpy(&sin6.sin6_addr, ip.data(), 16);
  std::memcpy(out, &sin6, sizeof(sin6));
  return sizeof(sin6);
}

}  // namespace tr::media
