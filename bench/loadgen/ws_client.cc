#include "ws_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <strings.h>

#include "common/base64.h"
#include "common/random.h"

namespace tr::loadgen {

namespace {
constexpr std::size_t kMaxMessage = 1 << 20;
constexpr const char* kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
}  // namespace

bool WsClient::Connect(const std::string& ip, uint16_t port, const std::string& path) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) return false;
  host_header_ = ip + ":" + std::to_string(port);
  path_ = path;
  uint8_t nonce[16];
  RandomBytes(nonce, sizeof(nonce));
  key_ = Base64Encode(std::string_view(reinterpret_cast<char*>(nonce), sizeof(nonce)));
  const int rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  state_ = State::kConnecting;
  out_ = "GET " + path_ + " HTTP/1.1\r\nHost: " + host_header_ +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key_ +
         "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: tr_loadgen\r\n\r\n";
  out_pos_ = 0;
  want_write_ = true;
  loop_->Add(fd_, this, EPOLLIN | EPOLLOUT);
  return true;
}

void WsClient::UpdateInterest() {
  const bool need = out_pos_ < out_.size() || state_ == State::kConnecting;
  if (need != want_write_ && fd_ >= 0) {
    want_write_ = need;
    loop_->Mod(fd_, this, EPOLLIN | (need ? EPOLLOUT : 0u));
  }
}

void WsClient::QueueFrame(uint8_t opcode, std::string_view payload) {
  uint8_t head[14];
  std::size_t h = 0;
  head[h++] = static_cast<uint8_t>(0x80 | opcode);
  if (payload.size() < 126) {
    head[h++] = static_cast<uint8_t>(0x80 | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    head[h++] = 0x80 | 126;
    head[h++] = static_cast<uint8_t>(payload.size() >> 8);
    head[h++] = static_cast<uint8_t>(payload.size());
  } else {
    head[h++] = 0x80 | 127;
    for (int i = 7; i >= 0; --i) head[h++] = static_cast<uint8_t>(uint64_t{payload.size()} >> (8 * i));
  }
  uint8_t mask[4];
  RandomBytes(mask, sizeof(mask));
  std::memcpy(head + h, mask, 4);
  h += 4;
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  out_.append(reinterpret_cast<char*>(head), h);
  const std::size_t at = out_.size();
  out_.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i) out_[at + i] = static_cast<char>(out_[at + i] ^ mask[i & 3]);
}

void WsClient::SendText(std::string_view text) {
  if (state_ == State::kClosed || fd_ < 0) return;
  QueueFrame(0x1, text);
  if (state_ == State::kOpen) Flush();
}

void WsClient::Flush() {
  while (out_pos_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      Fail(std::string("send: ") + std::strerror(errno));
      return;
    }
    out_pos_ += static_cast<std::size_t>(n);
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  UpdateInterest();
}

void WsClient::Close() {
  if (fd_ < 0) return;
  if (state_ == State::kOpen) {
    const uint8_t code[2] = {0x03, 0xE8};
    QueueFrame(0x8, std::string_view(reinterpret_cast<const char*>(code), 2));
    (void)::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  loop_->Del(fd_);
  ::close(fd_);
  fd_ = -1;
  state_ = State::kClosed;
}

void WsClient::Fail(const std::string& why) {
  if (state_ == State::kClosed) return;
  if (fd_ >= 0) {
    loop_->Del(fd_);
    ::close(fd_);
    fd_ = -1;
  }
  state_ = State::kClosed;
  if (cb_.on_close) cb_.on_close(why);
}

void WsClient::OnFdEvent(uint32_t events) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kConnecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      Fail(std::string("connect: ") + std::strerror(err));
      return;
    }
    state_ = State::kHandshake;
  }
  if (events & EPOLLOUT) Flush();
  if (state_ == State::kClosed) return;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ReadAvailable();
}

void WsClient::ReadAvailable() {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      Fail(n == 0 ? "closed by the server" : std::string("recv: ") + std::strerror(errno));
      return;
    }
    bytes_received_ += static_cast<std::size_t>(n);
    in_.append(buf, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof(buf)) break;
  }
  if (state_ == State::kHandshake && !ParseHandshake()) return;
  if (state_ == State::kOpen) ParseFrames();
}

bool WsClient::ParseHandshake() {
  const std::size_t end = in_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (in_.size() > 16384) Fail("handshake response too large");
    return false;
  }
  const std::string head = in_.substr(0, end);
  in_.erase(0, end + 4);
  if (head.compare(0, 12, "HTTP/1.1 101") != 0) {
    Fail("upgrade refused: " + head.substr(0, head.find("\r\n")));
    return false;
  }
  // Sec-WebSocket-Accept = base64(SHA1(key + GUID)).
  const std::string src = key_ + kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(src.data()), src.size(), digest);
  const std::string expected =
      Base64Encode(std::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
  bool ok = false;
  std::size_t pos = 0;
  while ((pos = head.find("\r\n", pos)) != std::string::npos) {
    pos += 2;
    const char* name = "sec-websocket-accept:";
    if (strncasecmp(head.c_str() + pos, name, std::strlen(name)) == 0) {
      std::size_t v = pos + std::strlen(name);
      while (v < head.size() && head[v] == ' ') ++v;
      const std::size_t e = head.find("\r\n", v);
      ok = head.substr(v, e == std::string::npos ? std::string::npos : e - v) == expected;
    }
  }
  if (!ok) {
    Fail("bad Sec-WebSocket-Accept");
    return false;
  }
  state_ = State::kOpen;
  Flush();  // frames queued before the handshake finished
  if (cb_.on_open) cb_.on_open();
  return state_ == State::kOpen;
}

void WsClient::ParseFrames() {
  std::size_t pos = 0;
  while (state_ == State::kOpen) {
    const std::size_t avail = in_.size() - pos;
    if (avail < 2) break;
    const auto* p = reinterpret_cast<const uint8_t*>(in_.data() + pos);
    const bool fin = (p[0] & 0x80) != 0;
    const uint8_t opcode = p[0] & 0x0F;
    const bool masked = (p[1] & 0x80) != 0;
    uint64_t len = p[1] & 0x7F;
    std::size_t h = 2;
    if (len == 126) {
      if (avail < 4) break;
      len = (uint64_t{p[2]} << 8) | p[3];
      h = 4;
    } else if (len == 127) {
      if (avail < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      h = 10;
    }
    if (len > kMaxMessage) {
      Fail("frame too large");
      return;
    }
    uint8_t mask[4] = {0, 0, 0, 0};
    if (masked) {
      if (avail < h + 4) break;
      std::memcpy(mask, p + h, 4);
      h += 4;
    }
    if (avail < h + len) break;
    std::string payload(in_.data() + pos + h, static_cast<std::size_t>(len));
    if (masked) {
      for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
    }
    pos += h + static_cast<std::size_t>(len);
    switch (opcode) {
      case 0x0:  // continuation
      case 0x1:  // text
      case 0x2:  // binary
        message_ += payload;
        if (message_.size() > kMaxMessage) {
          Fail("message too large");
          return;
        }
        if (fin) {
          ++messages_received_;
          std::string msg;
          msg.swap(message_);
          if (cb_.on_message) cb_.on_message(msg);
        }
        break;
      case 0x8:  // close
        Fail("close frame from the server");
        return;
      case 0x9:  // ping → pong with the same payload
        QueueFrame(0xA, payload);
        Flush();
        break;
      default:  // pong and reserved opcodes
        break;
    }
  }
  if (state_ != State::kClosed) in_.erase(0, pos);
}

}  // namespace tr::loadgen
