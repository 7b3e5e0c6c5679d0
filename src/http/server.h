#pragma once
// HTTP/1.1 server (Boost.Beast, C++20 coroutines). I/O runs on `io_threads`; each request's
// handler runs on the caller-supplied blocking pool (handlers may call the database), and
// the response is written back from the connection's strand.
//
// Shutdown (Stop): the listener closes, idle keep-alive connections are closed, requests in
// flight finish and are answered with `Connection: close`, then Run() returns.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "http/websocket.h"

namespace boost::asio {
class thread_pool;
}

namespace tr::http {

struct ServerOptions {
  std::string bind = "0.0.0.0";
  uint16_t port = 8080;
  int io_threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  // Larger limit for routes that take raw uploads; decided from the request line.
  std::function<std::size_t(std::string_view method, std::string_view path)> body_limit_for;
  // Take the client address from X-Forwarded-For (only behind a trusted proxy).
  bool trust_proxy = false;
  int request_timeout_seconds = 30;
  int idle_timeout_seconds = 60;
};

class Server {
 public:
  Server(ServerOptions options, std::function<Response(Request&)> handler,
         boost::asio::thread_pool& blocking_pool);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Accepts WebSocket upgrades on `path` (e.g. "/ws").
  void SetWebSocketHandler(std::string path, WebSocketAcceptor acceptor);

  // Binds and listens; throws std::runtime_error when the port cannot be bound.
  void Listen();
  uint16_t Port() const;
  // Runs the I/O threads until Stop() has drained every connection.
  void Run();
  // Thread-safe; may be called from a signal handler context via the server's own signals.
  void Stop();
  // Installs SIGINT/SIGTERM handlers that call Stop() (and `on_signal` first, if set).
  void StopOnSignals(std::function<void()> on_signal = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tr::http
