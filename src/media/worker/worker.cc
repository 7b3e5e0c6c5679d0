#include "media/worker/worker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "common/log.h"
#include "media/stun/stun_message.h"

namespace tr::media {

namespace {


socklen_t ParseListenAddress(const std::string& ip, uint16_t port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  sockaddr_in sin{};
  if (inet_pton(AF_INET, ip.c_str(), &sin.sin_addr) == 1) {
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(out, &sin, sizeof(sin));
    return sizeof(sin);
  }
  sockaddr_in6 sin6{};
  if (inet_pton(AF_INET6, ip.c_str(), &sin6.sin6_addr) == 1) {
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    std::memcpy(out, &sin6, sizeof(sin6));
    return sizeof(sin6);
  }
  throw std::runtime_error("media worker: invalid listen ip " + ip);
}

uint16_t BoundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (ss.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

// The STUN USERNAME's local part ("<our ufrag>:<their ufrag>") without parsing twice.
std::string_view LocalUfragOf(std::string_view username) {
  const auto colon = username.find(':');
  return colon == std::string_view::npos ? std::string_view{} : username.substr(0, colon);
}

}  // namespace

Worker::Worker(WorkerOptions options)
    : options_(std::move(options)), sweep_timer_(&loop_, [this] { SweepTcp(); }) {
  recv_buffers_ = std::make_unique<uint8_t[]>(kRecvBatch * kBufferSize);
  recv_msgs_ = std::make_unique<mmsghdr[]>(kRecvBatch);
  send_buffers_ = std::make_unique<uint8_t[]>(kSendBatch * kBufferSize);
  send_msgs_ = std::make_unique<mmsghdr[]>(kSendBatch);
  std::memset(recv_msgs_.get(), 0, sizeof(mmsghdr) * kRecvBatch);
  std::memset(send_msgs_.get(), 0, sizeof(mmsghdr) * kSendBatch);
  for (std::size_t i = 0; i < kRecvBatch; ++i) {
    recv_iov_[i] = {recv_buffers_.get() + i * kBufferSize, kBufferSize};
    recv_msgs_[i].msg_hdr.msg_iov = &recv_iov_[i];
    recv_msgs_[i].msg_hdr.msg_iovlen = 1;
    recv_msgs_[i].msg_hdr.msg_name = &recv_addr_[i];
    recv_msgs_[i].msg_hdr.msg_control = recv_control_[i].data();
  }
  for (std::size_t i = 0; i < kSendBatch; ++i) {
    send_iov_[i] = {send_buffers_.get() + i * kBufferSize, 0};
    send_msgs_[i].msg_hdr.msg_iov = &send_iov_[i];
    send_msgs_[i].msg_hdr.msg_iovlen = 1;
    send_msgs_[i].msg_hdr.msg_name = &send_addr_[i];
  }
  by_ufrag_.reserve(1024);
  by_tuple_.reserve(1024);
  loop_.SetIterationEndHook([this] {
    Flush();
    DestroyClosedConnections();
  });
}

Worker::~Worker() {
  Stop();
  tcp_connections_.clear();
  closed_connections_.clear();
  if (udp_fd_ >= 0) ::close(udp_fd_);
  if (tcp_fd_ >= 0) ::close(tcp_fd_);
}

void Worker::Bind() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    sockaddr_storage addr{};
    socklen_t len = ParseListenAddress(options_.listen_ip, options_.port, &addr);
    const int udp = ::socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (udp < 0) {
      throw std::runtime_error("media worker: cannot create UDP socket");
    }
    const int buf = 4 * 1024 * 1024;
    setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    setsockopt(udp, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    // Kernel receive timestamps for transport-wide congestion control feedback (the
    // arrival time, not when the loop got to the packet). Best effort.
    const int on = 1;
    setsockopt(udp, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
    if (::bind(udp, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      const int err = errno;
      ::close(udp);
      throw std::runtime_error("media worker: cannot bind UDP port " +
                               std::to_string(options_.port) + ": " + std::strerror(err));
    }
    const uint16_t port = BoundPort(udp);
    len = ParseListenAddress(options_.listen_ip, port, &addr);
    const int tcp = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (tcp < 0 || ::bind(tcp, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(tcp, 256) != 0) {
      const int err = errno;
      if (tcp >= 0) ::close(tcp);
      ::close(udp);
      if (options_.port == 0) {
        continue;  // the ephemeral UDP number is taken for TCP: try another one
      }
      throw std::runtime_error("media worker: cannot listen on TCP port " +
                               std::to_string(port) + ": " + std::strerror(err));
    }
    udp_fd_ = udp;
    tcp_fd_ = tcp;
    udp_port_ = port;
    tcp_port_ = port;
    loop_.AddFd(udp_fd_, EPOLLIN, &udp_handler_);
    loop_.AddFd(tcp_fd_, EPOLLIN, &accept_handler_);
    return;
  }
  throw std::runtime_error("media worker: no free port for UDP and TCP");
}

void Worker::Start() {
  thread_ = std::thread([this] {
    sweep_timer_.Start(1000);
    loop_.Run();
    sweep_timer_.Stop();
  });
}

void Worker::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  loop_.Stop();
  thread_.join();
}

void Worker::RunSyncForTest(const std::function<void()>& fn) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  Post([&] {
    fn();
    std::lock_guard<std::mutex> lock(m);
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [&] { return done; });
}

// ---------------------------------------------------------------- demux tables

bool Worker::RegisterUfrag(std::string_view ufrag, PacketReceiver* receiver) {
  return by_ufrag_.emplace(std::string(ufrag), receiver).second;
}

void Worker::UnregisterUfrag(std::string_view ufrag) {
  const auto it = by_ufrag_.find(ufrag);
  if (it != by_ufrag_.end()) {
    by_ufrag_.erase(it);
  }
}

void Worker::RegisterTuple(const TransportTuple& tuple, PacketReceiver* receiver) {
  by_tuple_[tuple] = receiver;
}

void Worker::UnregisterTuple(const TransportTuple& tuple) { by_tuple_.erase(tuple); }

void Worker::CloseTcpConnection(uint64_t connection_id) {
  const auto it = tcp_connections_.find(connection_id);
  if (it == tcp_connections_.end()) {
    return;
  }
  by_tuple_.erase(it->second->tuple());
  it->second->Close();
  closed_connections_.push_back(std::move(it->second));
  tcp_connections_.erase(it);
  ++stats_.tcp_closed;
}

// ---------------------------------------------------------------- receiving

void Worker::UdpHandler::OnFdEvent(uint32_t /*events*/) { worker_->OnUdpReadable(); }
void Worker::AcceptHandler::OnFdEvent(uint32_t /*events*/) { worker_->OnAcceptable(); }

void Worker::OnUdpReadable() {
  // A bounded number of rounds per wake-up keeps timers and other sockets served.
  for (int round = 0; round < 8; ++round) {
    for (std::size_t i = 0; i < kRecvBatch; ++i) {
      recv_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      recv_msgs_[i].msg_hdr.msg_flags = 0;
      recv_msgs_[i].msg_hdr.msg_controllen = kControlSize;
    }
    const int n = ::recvmmsg(udp_fd_, recv_msgs_.get(), kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      return;
    }
    // Kernel timestamps are CLOCK_REALTIME: map them onto the monotonic clock through one
    // pair of readings per batch.
    const int64_t batch_mono_us = MonotonicMicros();
    timespec real_now{};
    clock_gettime(CLOCK_REALTIME, &real_now);
    const int64_t batch_real_us = int64_t{real_now.tv_sec} * 1'000'000 + real_now.tv_nsec / 1000;
    for (int i = 0; i < n; ++i) {
      mmsghdr& m = recv_msgs_[static_cast<std::size_t>(i)];
      if (m.msg_hdr.msg_flags & MSG_TRUNC) {
        ++stats_.dropped_truncated;
        continue;
      }
      const auto remote = StunAddress::FromSockaddr(
          static_cast<const sockaddr*>(m.msg_hdr.msg_name), m.msg_hdr.msg_namelen);
      if (!remote) {
        ++stats_.dropped_unknown;
        continue;
      }
      ++stats_.packets_received;
      stats_.bytes_received += m.msg_len;
      packet_arrival_us_ = batch_mono_us;
      if (m.msg_hdr.msg_controllen > 0) {
        for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr); c != nullptr;
             c = CMSG_NXTHDR(&m.msg_hdr, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
            const int64_t real_us = int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
            const int64_t age_us = batch_real_us - real_us;
            if (age_us >= 0 && age_us < 10'000'000) {
              packet_arrival_us_ = batch_mono_us - age_us;
            }
          }
        }
      }
      TransportTuple tuple;
      tuple.protocol = TransportTuple::Protocol::kUdp;
      tuple.remote = *remote;
      Dispatch(tuple, recv_buffers_.get() + static_cast<std::size_t>(i) * kBufferSize,
               m.msg_len);
    }
    if (static_cast<std::size_t>(n) < kRecvBatch) {
      return;
    }
  }
}

void Worker::Dispatch(const TransportTuple& tuple, uint8_t* data, std::size_t len) {
  const auto it = by_tuple_.find(tuple);
  if (it != by_tuple_.end()) {
    it->second->OnPacketReceived(tuple, data, len);
    return;
  }
  // Unknown tuple: only a STUN Binding request naming a local ufrag may introduce it.
  const std::span<const uint8_t> bytes(data, len);
  if (StunMessage::IsStun(bytes)) {
    if (const auto message = StunMessage::Parse(bytes)) {
      if (const auto username = message->Username()) {
        const auto found = by_ufrag_.find(LocalUfragOf(*username));
        if (found != by_ufrag_.end()) {
          found->second->OnPacketReceived(tuple, data, len);
          return;
        }
      }
    }
  }
  ++stats_.dropped_unknown;
}

void Worker::OnAcceptable() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    const int fd = ::accept4(tcp_fd_, reinterpret_cast<sockaddr*>(&ss), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    const auto remote = StunAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&ss), len);
    if (!remote) {
      ::close(fd);
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    TransportTuple tuple;
    tuple.protocol = TransportTuple::Protocol::kTcp;
    tuple.remote = *remote;
    tuple.connection_id = next_connection_id_++;
    tcp_connections_[tuple.connection_id] =
        std::make_unique<TcpConnection>(&loop_, static_cast<TcpConnection::Listener*>(this), fd,
                                        tuple, loop_.NowMs());
    ++stats_.tcp_accepted;
  }
}

int64_t Worker::MonotonicMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}

void Worker::OnTcpConnectionPacket(TcpConnection* connection, uint8_t* data, std::size_t len) {
  packet_arrival_us_ = MonotonicMicros();
  ++stats_.packets_received;
  stats_.bytes_received += len;
  Dispatch(connection->tuple(), data, len);
}

void Worker::OnTcpConnectionClosed(TcpConnection* connection) {
  const TransportTuple tuple = connection->tuple();
  const auto it = by_tuple_.find(tuple);
  PacketReceiver* receiver = it != by_tuple_.end() ? it->second : nullptr;
  CloseTcpConnection(tuple.connection_id);
  if (receiver != nullptr) {
    receiver->OnTupleClosed(tuple);
  }
}

void Worker::SweepTcp() {
  const int64_t now = loop_.NowMs();
  std::vector<uint64_t> stale;
  for (const auto& [id, connection] : tcp_connections_) {
    if (now - connection->accepted_ms() > options_.tcp_unadopted_timeout_ms &&
        by_tuple_.find(connection->tuple()) == by_tuple_.end()) {
      stale.push_back(id);
    }
  }
  for (const uint64_t id : stale) {
    CloseTcpConnection(id);
  }
  sweep_timer_.Start(1000);
}

void Worker::DestroyClosedConnections() { closed_connections_.clear(); }

// ---------------------------------------------------------------- sending

std::span<uint8_t> Worker::AcquireSendBuffer() {
  if (send_count_ == kSendBatch) {
    Flush();
  }
  return {send_buffers_.get() + send_count_ * kBufferSize, kBufferSize};
}

void Worker::CommitSend(const TransportTuple& tuple, std::size_t len) {
  uint8_t* slot = send_buffers_.get() + send_count_ * kBufferSize;
  if (tuple.IsTcp()) {
    const auto it = tcp_connections_.find(tuple.connection_id);
    if (it == tcp_connections_.end() || !it->second->Send(slot, len)) {
      ++stats_.send_errors;
      return;
    }
    ++stats_.packets_sent;
    stats_.bytes_sent += len;
    return;
  }
  send_iov_[send_count_].iov_len = len;
  send_msgs_[send_count_].msg_hdr.msg_namelen = tuple.remote.ToSockaddr(&send_addr_[send_count_]);
  ++send_count_;
  if (send_count_ == kSendBatch) {
    Flush();
  }
}

void Worker::Send(const TransportTuple& tuple, const uint8_t* data, std::size_t len) {
  if (len > kBufferSize) {
    ++stats_.send_errors;
    return;
  }
  const std::span<uint8_t> slot = AcquireSendBuffer();
  std::memcpy(slot.data(), data, len);
  CommitSend(tuple, len);
}

void Worker::Flush() {
  if (discard_sends_) {
    stats_.packets_sent += send_count_;
    send_count_ = 0;
    return;
  }
  std::size_t done = 0;
  while (done < send_count_) {
    const int n = ::sendmmsg(udp_fd_, send_msgs_.get() + done,
                             static_cast<unsigned>(send_count_ - done), MSG_DONTWAIT);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) {
        continue;
      }
      // A failing datagram (e.g. EAGAIN, unreachable) is dropped; carry on with the rest.
      ++stats_.send_errors;
      ++done;
      continue;
    }
    for (int i = 0; i < n; ++i) {
      ++stats_.packets_sent;
      stats_.bytes_sent += send_iov_[done + static_cast<std::size_t>(i)].iov_len;
    }
    done += static_cast<std::size_t>(n);
  }
  send_count_ = 0;
}

}  // namespace tr::media
