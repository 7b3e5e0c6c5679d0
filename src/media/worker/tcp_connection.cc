#include "media/worker/tcp_connection.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "media/common/byte_io.h"

namespace tr::media {

TcpConnection::TcpConnection(EventLoop* loop, Listener* listener, int fd,
                             const TransportTuple& tuple, int64_t now_ms)
    : loop_(loop), listener_(listener), fd_(fd), tuple_(tuple), accepted_ms_(now_ms) {
  read_buffer_.resize(4096);
  loop_->AddFd(fd_, EPOLLIN | EPOLLRDHUP, this);
}

TcpConnection::~TcpConnection() { Close(); }

void TcpConnection::Close() {
  if (fd_ < 0) {
    return;
  }
  loop_->RemoveFd(fd_);
  ::close(fd_);
  fd_ = -1;
}

void TcpConnection::Fail() {
  if (fd_ < 0) {
    return;
  }
  Close();
  listener_->OnTcpConnectionClosed(this);
}

void TcpConnection::OnFdEvent(uint32_t events) {
  if (fd_ < 0) {
    return;
  }
  if (events & EPOLLIN) {
    OnReadable();
  }
  if (fd_ >= 0 && (events & EPOLLOUT)) {
    OnWritable();
  }
  if (fd_ >= 0 && (events & (EPOLLERR | EPOLLHUP))) {
    Fail();
  }
}

void TcpConnection::OnReadable() {
  for (;;) {
    if (read_size_ == read_buffer_.size()) {
      // Only reachable when one frame is larger than the buffer: grow to hold it.
      read_buffer_.resize(read_buffer_.size() * 2 > 65537 ? 65537 : read_buffer_.size() * 2);
      if (read_size_ == read_buffer_.size()) {
        Fail();
        return;
      }
    }
    const ssize_t n = ::recv(fd_, read_buffer_.data() + read_size_,
                             read_buffer_.size() - read_size_, 0);
    if (n == 0) {
      Fail();
      return;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return;
      }
      Fail();
      return;
    }
    read_size_ += static_cast<std::size_t>(n);
    stats_.bytes_received += static_cast<uint64_t>(n);
    // De-frame every complete packet.
    std::size_t pos = 0;
    while (read_size_ - pos >= 2) {
      const std::size_t frame = ReadU16(read_buffer_.data() + pos);
      if (read_size_ - pos - 2 < frame) {
        if (frame + 2 > read_buffer_.size()) {
          // Make room for the announced frame (at most 65537 bytes).
          std::memmove(read_buffer_.data(), read_buffer_.data() + pos, read_size_ - pos);
          read_size_ -= pos;
          pos = 0;
          read_buffer_.resize(frame + 2);
        }
        break;
      }
      ++stats_.frames_received;
      if (frame > 0) {
        listener_->OnTcpConnectionPacket(this, read_buffer_.data() + pos + 2, frame);
        if (fd_ < 0) {
          return;  // closed from inside the callback
        }
      }
      pos += 2 + frame;
    }
    if (pos > 0) {
      std::memmove(read_buffer_.data(), read_buffer_.data() + pos, read_size_ - pos);
      read_size_ -= pos;
    }
  }
}

bool TcpConnection::Send(const uint8_t* data, std::size_t len) {
  if (fd_ < 0 || len > 65535) {
    ++stats_.frames_dropped;
    return false;
  }
  uint8_t header[2];
  WriteU16(header, static_cast<uint16_t>(len));
  std::size_t written = 0;
  if (write_queue_.size() == write_offset_) {
    iovec iov[2] = {{header, 2}, {const_cast<uint8_t*>(data), len}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      ++stats_.frames_dropped;
      return false;  // the read side will see the error and close
    }
    written = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (written == len + 2) {
      ++stats_.frames_sent;
      stats_.bytes_sent += len + 2;
      return true;
    }
  }
  // Queue the rest (a frame is never split between a drop and a send).
  if (written == 0 && write_queue_.size() - write_offset_ + len + 2 > kMaxQueuedBytes) {
    ++stats_.frames_dropped;
    return false;
  }
  if (write_offset_ > 0 && write_offset_ == write_queue_.size()) {
    write_queue_.clear();
    write_offset_ = 0;
  }
  for (std::size_t i = written; i < 2; ++i) {
    write_queue_.push_back(header[i]);
  }
  const std::size_t data_from = written > 2 ? written - 2 : 0;
  write_queue_.insert(write_queue_.end(), data + data_from, data + len);
  ++stats_.frames_sent;
  stats_.bytes_sent += len + 2;
  UpdateInterest();
  return true;
}

void TcpConnection::OnWritable() {
  while (write_offset_ < write_queue_.size()) {
    const ssize_t n = ::send(fd_, write_queue_.data() + write_offset_,
                             write_queue_.size() - write_offset_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        break;
      }
      Fail();
      return;
    }
    write_offset_ += static_cast<std::size_t>(n);
  }
  if (write_offset_ == write_queue_.size()) {
    write_queue_.clear();
    write_offset_ = 0;
  }
  UpdateInterest();
}

void TcpConnection::UpdateInterest() {
  const bool want = write_offset_ < write_queue_.size();
  if (want == want_write_ || fd_ < 0) {
    return;
  }
  want_write_ = want;
  loop_->ModifyFd(fd_, EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0u), this);
}

}  // namespace tr::media
