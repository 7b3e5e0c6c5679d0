#pragma once
// Minimal non-blocking RFC 6455 WebSocket client for the signaling connection: HTTP/1.1
// upgrade handshake (Sec-WebSocket-Accept checked), masked text frames out, text /
// continuation / ping (answered with pong) / pong / close in. Driven by an EventLoop;
// each message is handed to a callback as a string. No TLS, no extensions.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "lg_loop.h"

namespace tr::loadgen {

class WsClient : public FdHandler {
 public:
  enum class State { kIdle, kConnecting, kHandshake, kOpen, kClosed };

  struct Callbacks {
    std::function<void()> on_open;
    std::function<void(std::string_view text)> on_message;
    std::function<void(const std::string& why)> on_close;
  };

  WsClient(EventLoop* loop, Callbacks callbacks) : loop_(loop), cb_(std::move(callbacks)) {}
  ~WsClient() override { Close(); }
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Starts a non-blocking connect to ws://ip:port/path. False on immediate failure.
  bool Connect(const std::string& ip, uint16_t port, const std::string& path);
  // Queues one masked text frame.
  void SendText(std::string_view text);
  // Sends a close frame (1000) and closes the socket without waiting for the answer.
  void Close();

  State state() const { return state_; }
  uint64_t messages_received() const { return messages_received_; }
  uint64_t bytes_received() const { return bytes_received_; }

  void OnFdEvent(uint32_t events) override;

 private:
  void Fail(const std::string& why);
  void QueueFrame(uint8_t opcode, std::string_view payload);
  void Flush();
  void ReadAvailable();
  bool ParseHandshake();
  void ParseFrames();
  void UpdateInterest();

  EventLoop* loop_;
  Callbacks cb_;
  int fd_ = -1;
  State state_ = State::kIdle;
  std::string host_header_;
  std::string path_;
  std::string key_;
  std::string out_;
  std::size_t out_pos_ = 0;
  std::string in_;
  std::string message_;  // fragmented message being assembled
  bool want_write_ = false;
  uint64_t messages_received_ = 0;
  uint64_t bytes_received_ = 0;
};

}  // namespace tr::loadgen
