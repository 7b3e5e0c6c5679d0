#pragma once
// One accepted ICE-TCP connection (RFC 6544, passive side) carrying RFC 4571 framing:
// every STUN/DTLS/RTP/RTCP packet is preceded by a 2-byte big-endian length.
//
// DOC: https://www.rfc-editor.org/rfc/rfc4571#section-2
//
// The connection de-frames what it reads and hands each packet to its Listener (the
// worker's demultiplexer); Send() frames and writes, queueing what the socket does not
// take at once (bounded: beyond kMaxQueuedBytes packets are dropped, as UDP would).
// Loop thread only.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "media/ice/transport_tuple.h"
#include "media/worker/event_loop.h"

namespace tr::media {

class TcpConnection : public EventLoop::FdHandler {
 public:
  static constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;

  class Listener {
   public:
    virtual ~Listener() = default;
    // One de-framed packet (mutable: receivers decrypt in place).
    virtual void OnTcpConnectionPacket(TcpConnection* connection, uint8_t* data,
                                       std::size_t len) = 0;
    // The peer closed or the socket failed; the owner must destroy the connection
    // (deferred: not from inside this call).
    virtual void OnTcpConnectionClosed(TcpConnection* connection) = 0;
  };

  struct Stats {
    uint64_t frames_received = 0;
    uint64_t bytes_received = 0;
    uint64_t frames_sent = 0;
    uint64_t bytes_sent = 0;
    uint64_t frames_dropped = 0;  // send queue full
  };

  // Takes ownership of the connected non-blocking `fd` and registers it with `loop`.
  TcpConnection(EventLoop* loop, Listener* listener, int fd, const TransportTuple& tuple,
                int64_t now_ms);
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection() override;

  // Frames and sends one packet (at most 65535 bytes). False if dropped.
  bool Send(const uint8_t* data, std::size_t len);
  // Stops reading/writing and closes the socket (the listener is not called).
  void Close();

  void OnFdEvent(uint32_t events) override;

  const TransportTuple& tuple() const { return tuple_; }
  uint64_t id() const { return tuple_.connection_id; }
  int64_t accepted_ms() const { return accepted_ms_; }
  bool closed() const { return fd_ < 0; }
  const Stats& stats() const { return stats_; }

 private:
  void OnReadable();
  void OnWritable();
  void Fail();
  void UpdateInterest();

  EventLoop* const loop_;
  Listener* const listener_;
  int fd_;
  const TransportTuple tuple_;
  const int64_t accepted_ms_;
  std::vector<uint8_t> read_buffer_;
  std::size_t read_size_ = 0;
  std::vector<uint8_t> write_queue_;
  std::size_t write_offset_ = 0;
  bool want_write_ = false;
  Stats stats_;
};

}  // namespace tr::media
