#include "media/stun/stun_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

namespace tr::media {
namespace {

TEST(StunAddressTest, Ipv4SockaddrRoundTrip) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(32853);
  ASSERT_EQ(inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr), 1);
  const auto a = StunAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&sin), sizeof(sin));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, StunAddress::Family::kIpv4);
  EXPECT_EQ(a->port, 32853);
  EXPECT_EQ(*a, StunAddress::Ipv4({192, 0, 2, 1}, 32853));
  EXPECT_EQ(a->IpSize(), 4u);

  sockaddr_storage ss;
  ASSERT_EQ(a->ToSockaddr(&ss), sizeof(sockaddr_in));
  EXPECT_EQ(std::memcmp(&ss, &sin, sizeof(sin)), 0);
  EXPECT_EQ(StunAddress::FromSockaddr(ss), a);
}

TEST(StunAddressTest, Ipv6AndV4MappedSockaddr) {
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(443);
  ASSERT_EQ(inet_pton(AF_INET6, "2001:db8:1234:5678:11:2233:4455:6677", &sin6.sin6_addr), 1);
  auto a = StunAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&sin6), sizeof(sin6));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, StunAddress::Family::kIpv6);
  EXPECT_EQ(a->ip[0], 0x20);
  EXPECT_EQ(a->ip[15], 0x77);
  sockaddr_storage ss;
  ASSERT_EQ(a->ToSockaddr(&ss), sizeof(sockaddr_in6));
  EXPECT_EQ(StunAddress::FromSockaddr(ss), a);

  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:198.51.100.7", &sin6.sin6_addr), 1);
  a = StunAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&sin6), sizeof(sin6));
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, StunAddress::Ipv4({198, 51, 100, 7}, 443));
}

TEST(StunAddressTest, RejectsUnknownFamilyAndShortLength) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  EXPECT_FALSE(StunAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&sin), 4));
  EXPECT_FALSE(StunAddress::FromSockaddr(nullptr, 0));
  sockaddr_storage ss{};
  ss.ss_family = AF_UNIX;
  EXPECT_FALSE(StunAddress::FromSockaddr(ss));
}

}  // namespace
}  // namespace tr::media
