#pragma once
// Internal to src/http: the Beast side of an upgraded connection.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/request.h"
#include "http/websocket.h"

namespace tr::http {

class WebSocketConnectionImpl;

// Tracks live WebSocket connections so shutdown can close them.
class WebSocketRegistry {
 public:
  void Add(const std::shared_ptr<WebSocketConnectionImpl>& connection);
  void Remove(const WebSocketConnectionImpl* connection);
  void CloseAll(int code, const std::string& reason);

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<WebSocketConnectionImpl>> connections_;
};

// Completes the upgrade and runs the connection until it closes.
void StartWebSocketSession(boost::beast::tcp_stream stream,
                           boost::beast::http::request<boost::beast::http::string_body> upgrade,
                           Request request, const WebSocketAcceptor& acceptor,
                           WebSocketRegistry& registry);

}  // namespace tr::http
