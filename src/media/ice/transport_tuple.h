#pragma once
// The 5-tuple a packet arrived on (or is sent to): protocol, remote address and, for
// ICE-TCP, the accepted connection (RFC 6544: every TCP connection is its own tuple).
// The local address is implied: each worker has one UDP socket and one TCP listener.
#include <cstddef>
#include <cstdint>
#include <string>

#include "media/stun/stun_address.h"

namespace tr::media {

struct TransportTuple {
  enum class Protocol : uint8_t { kUdp, kTcp };

  Protocol protocol = Protocol::kUdp;
  StunAddress remote;
  // Worker-unique id of the TCP connection; 0 for UDP.
  uint64_t connection_id = 0;

  bool IsTcp() const { return protocol == Protocol::kTcp; }
  bool operator==(const TransportTuple&) const = default;

  // "udp:1.2.3.4:5000" (control path only: allocates).
  std::string ToString() const;
};

struct TransportTupleHash {
  std::size_t operator()(const TransportTuple& tuple) const noexcept;
};

}  // namespace tr::media
