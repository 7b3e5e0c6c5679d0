#pragma once
// The WebSocket surface the server offers to a domain (signaling) without exposing Beast.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/request.h"

namespace tr::http {

// One upgraded connection. Send/Close are thread-safe and never block: messages are queued
// and written in order on the connection's strand.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  virtual void Send(std::string text) = 0;
  // Sends a close frame (code 1000 normal, 1008 policy, 4000+ application) and ends.
  virtual void Close(int code, std::string reason) = 0;
  virtual const std::string& RemoteIp() const = 0;
  // Messages queued but not yet written (back-pressure signal).
  virtual std::size_t QueuedMessages() const = 0;
};

// Implemented by the domain; called on the connection's strand, one call at a time.
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  virtual void OnMessage(std::string_view text) = 0;
  // The socket is gone (peer closed, error, or Close()); called exactly once.
  virtual void OnClose() = 0;
};

// Creates the domain session for an accepted upgrade. Authentication and refusals happen
// in-band (the protocol's first message), so an acceptor always returns a session.
using WebSocketAcceptor = std::function<std::shared_ptr<WebSocketSession>(
    const Request& request, std::shared_ptr<WebSocketConnection> connection)>;

struct WebSocketLimits {
  // Hard cap per frame (close 1009 above it); protocols enforce their own smaller limit
  // with an error message so the session survives.
  std::size_t max_message_bytes = 1024 * 1024;
  std::size_t max_queued_messages = 1024;
};

}  // namespace tr::http
