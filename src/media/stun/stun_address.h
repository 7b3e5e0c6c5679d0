#pragma once
// A transport address as carried by XOR-MAPPED-ADDRESS (RFC 8489 §14.2): family, port and
// IP in network byte order, plus conversions from/to the sockets API.
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>

namespace tr::media {

struct StunAddress {
  enum class Family : uint8_t { kIpv4 = 0x01, kIpv6 = 0x02 };

  Family family = Family::kIpv4;
  uint16_t port = 0;
  // Network byte order. IPv4 uses ip[0..3]; the other bytes stay zero so that == works.
  std::array<uint8_t, 16> ip{};

  static StunAddress Ipv4(const std::array<uint8_t, 4>& addr, uint16_t port);
  static StunAddress Ipv6(const std::array<uint8_t, 16>& addr, uint16_t port);
  // AF_INET or AF_INET6 (an IPv4-mapped IPv6 address, as a dual-stack socket reports an
  // IPv4 peer, becomes IPv4: that is the address the peer knows itself by). `len` is the
  // size of the structure behind `sa`. nullopt for other families or short lengths.
  static std::optional<StunAddress> FromSockaddr(const sockaddr* sa, socklen_t len);
  static std::optional<StunAddress> FromSockaddr(const sockaddr_storage& ss);
  // Writes a sockaddr_in / sockaddr_in6 and returns its length.
  socklen_t ToSockaddr(sockaddr_storage* out) const;

  // Bytes of `ip` in use: 4 or 16.
  std::size_t IpSize() const { return family == Family::kIpv4 ? 4 : 16; }

  bool operator==(const StunAddress&) const = default;
};

}  // namespace tr::media
