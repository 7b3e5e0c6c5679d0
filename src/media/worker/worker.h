#pragma once
// One media worker: a thread running an EventLoop, the worker's UDP socket and its
// ICE-TCP listener (same port number), and the demultiplexer in front of the transports
// (mediasoup's WebRtcServer): STUN from an unknown 5-tuple goes to the transport whose
// local ICE ufrag starts the USERNAME attribute; everything else goes by 5-tuple, which
// transports register once ICE validated it.
//
// Packet path: recvmmsg into a fixed ring of buffers; each packet is handed to its
// receiver in place (mutable, for in-place SRTP unprotect). Sends go into a fixed-size
// batch of buffers (AcquireSendBuffer() → write/protect straight into it → CommitSend())
// that is flushed with one sendmmsg when full and at the end of every loop iteration.
// Nothing on this path allocates, locks or throws.
//
// Threading: construction, Bind(), Start(), Stop() and Post() from any (control) thread;
// everything else on the worker thread only.
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <netinet/in.h>
#include <sys/uio.h>

#include "media/ice/transport_tuple.h"
#include "media/worker/event_loop.h"
#include "media/worker/tcp_connection.h"

struct mmsghdr;

namespace tr::media {

// What a transport implements to receive packets from the worker.
class PacketReceiver {
 public:
  virtual ~PacketReceiver() = default;
  // One packet on `tuple`; `data` may be modified in place and is valid only during the
  // call. Worker thread.
  virtual void OnPacketReceived(const TransportTuple& tuple, uint8_t* data,
                                std::size_t len) = 0;
  // The TCP connection behind a registered tuple closed; the registration is gone.
  virtual void OnTupleClosed(const TransportTuple& tuple) = 0;
};

struct WorkerOptions {
  int index = 0;
  std::string listen_ip = "0.0.0.0";
  std::string announced_ip = "127.0.0.1";
  // UDP and TCP port; 0 = an ephemeral UDP port and the TCP listener on the same number.
  uint16_t port = 0;
  // Close TCP connections that no transport adopted (no valid ICE check) after this long.
  int64_t tcp_unadopted_timeout_ms = 10'000;
};

class Worker : private TcpConnection::Listener {
 public:
  static constexpr std::size_t kBufferSize = 2048;  // per datagram slot (payload + SRTP room)
  static constexpr std::size_t kRecvBatch = 32;
  static constexpr std::size_t kSendBatch = 64;

  struct Stats {
    uint64_t packets_received = 0;
    uint64_t bytes_received = 0;
    uint64_t packets_sent = 0;
    uint64_t bytes_sent = 0;
    uint64_t send_errors = 0;
    uint64_t dropped_unknown = 0;    // no transport for the tuple / ufrag
    uint64_t dropped_truncated = 0;  // datagram larger than a buffer
    uint64_t tcp_accepted = 0;
    uint64_t tcp_closed = 0;
  };

  explicit Worker(WorkerOptions options);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() override;

  // Creates and binds the UDP socket and TCP listener; throws std::runtime_error.
  void Bind();
  // Starts the thread (after Bind()).
  void Start();
  // Stops the loop (closures already posted still run) and joins the thread.
  void Stop();
  // Thread-safe.
  void Post(std::function<void()> fn) { loop_.Post(std::move(fn)); }

  EventLoop& loop() { return loop_; }
  int index() const { return options_.index; }
  uint16_t udp_port() const { return udp_port_; }
  uint16_t tcp_port() const { return tcp_port_; }
  const std::string& announced_ip() const { return options_.announced_ip; }
  const Stats& stats() const { return stats_; }
  std::size_t TcpConnectionCount() const { return tcp_connections_.size(); }

  // ---- Demultiplexing tables (worker thread) ----
  // False if the ufrag is taken.
  bool RegisterUfrag(std::string_view ufrag, PacketReceiver* receiver);
  void UnregisterUfrag(std::string_view ufrag);
  void RegisterTuple(const TransportTuple& tuple, PacketReceiver* receiver);
  void UnregisterTuple(const TransportTuple& tuple);
  // Closes a TCP connection (e.g. its transport closed); deferred destruction.
  void CloseTcpConnection(uint64_t connection_id);

  // ---- Sending (worker thread) ----
  // A free send slot of kBufferSize bytes; write (or SRTP-protect) the datagram into it,
  // then CommitSend(). Without a CommitSend() the slot is simply reused.
  std::span<uint8_t> AcquireSendBuffer();
  // Sends the first `len` bytes of the acquired slot to `tuple` (UDP: queued in the batch;
  // TCP: framed onto the connection at once).
  void CommitSend(const TransportTuple& tuple, std::size_t len);
  // Copies and sends.
  void Send(const TransportTuple& tuple, const uint8_t* data, std::size_t len);
  // Sends the queued UDP batch now (also done when the batch is full and at the end of
  // each loop iteration).
  void Flush();

  // Benchmark hook: Flush() drops the batch instead of calling sendmmsg (measures our
  // packet path without the kernel). UDP only.
  void SetDiscardSendsForTest(bool discard) { discard_sends_ = discard; }

  // Arrival time of the packet being dispatched (monotonic microseconds): the kernel's
  // receive timestamp (SO_TIMESTAMPNS) for UDP when available, else the time the batch was
  // read. Valid inside PacketReceiver::OnPacketReceived (transport-wide congestion control
  // feedback reports it). 0 before any packet was received.
  int64_t packet_arrival_us() const { return packet_arrival_us_; }
  // Monotonic microseconds (CLOCK_MONOTONIC), the clock of packet_arrival_us().
  static int64_t MonotonicMicros();

  // Test hook: runs `fn` on the worker thread and waits for it.
  void RunSyncForTest(const std::function<void()>& fn);

 private:
  class UdpHandler : public EventLoop::FdHandler {
   public:
    explicit UdpHandler(Worker* worker) : worker_(worker) {}
    void OnFdEvent(uint32_t events) override;

   private:
    Worker* worker_;
  };
  class AcceptHandler : public EventLoop::FdHandler {
   public:
    explicit AcceptHandler(Worker* worker) : worker_(worker) {}
    void OnFdEvent(uint32_t events) override;

   private:
    Worker* worker_;
  };

  void OnUdpReadable();
  void OnAcceptable();
  void Dispatch(const TransportTuple& tuple, uint8_t* data, std::size_t len);
  void OnTcpConnectionPacket(TcpConnection* connection, uint8_t* data, std::size_t len) override;
  void OnTcpConnectionClosed(TcpConnection* connection) override;
  void SweepTcp();
  void DestroyClosedConnections();

  WorkerOptions options_;
  EventLoop loop_;
  std::thread thread_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  uint16_t udp_port_ = 0;
  uint16_t tcp_port_ = 0;
  UdpHandler udp_handler_{this};
  AcceptHandler accept_handler_{this};
  Timer sweep_timer_;

  // Demux tables. Keys of ufrags are owned strings (registration is control path);
  // lookups use heterogeneous string_view hashing (no allocation).
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, PacketReceiver*, StringHash, std::equal_to<>> by_ufrag_;
  std::unordered_map<TransportTuple, PacketReceiver*, TransportTupleHash> by_tuple_;

  std::unordered_map<uint64_t, std::unique_ptr<TcpConnection>> tcp_connections_;
  std::vector<std::unique_ptr<TcpConnection>> closed_connections_;
  uint64_t next_connection_id_ = 1;

  // Receive ring.
  std::unique_ptr<uint8_t[]> recv_buffers_;
  std::unique_ptr<mmsghdr[]> recv_msgs_;
  std::array<iovec, kRecvBatch> recv_iov_{};
  std::array<sockaddr_storage, kRecvBatch> recv_addr_{};
  // Control messages (SCM_TIMESTAMPNS) per receive slot.
  static constexpr std::size_t kControlSize = 64;
  std::array<std::array<uint64_t, kControlSize / 8>, kRecvBatch> recv_control_{};
  int64_t packet_arrival_us_ = 0;

  // Send batch.
  std::unique_ptr<uint8_t[]> send_buffers_;
  std::unique_ptr<mmsghdr[]> send_msgs_;
  std::array<iovec, kSendBatch> send_iov_{};
  std::array<sockaddr_storage, kSendBatch> send_addr_{};
  std::size_t send_count_ = 0;
  bool discard_sends_ = false;

  Stats stats_;
};

}  // namespace tr::media
