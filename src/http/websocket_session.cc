#include "http/websocket_session.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <deque>

#include "common/log.h"

namespace tr::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using asio::awaitable;
using asio::use_awaitable;

class WebSocketConnectionImpl : public WebSocketConnection,
                                public std::enable_shared_from_this<WebSocketConnectionImpl> {
 public:
  WebSocketConnectionImpl(beast::tcp_stream stream, std::string remote_ip,
                          WebSocketRegistry& registry)
      : ws_(std::move(stream)), remote_ip_(std::move(remote_ip)), registry_(registry) {}

  ~WebSocketConnectionImpl() override { registry_.Remove(this); }

  void Send(std::string text) override {
    queued_.fetch_add(1, std::memory_order_relaxed);
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->Enqueue(std::move(text));
    });
  }

  void Close(int code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() {
      self->BeginClose(code, reason);
    });
  }

  const std::string& RemoteIp() const override { return remote_ip_; }
  std::size_t QueuedMessages() const override { return queued_.load(std::memory_order_relaxed); }

  awaitable<void> Run(beast::http::request<beast::http::string_body> upgrade, Request request,
                      WebSocketAcceptor acceptor) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(beast::http::field::server, "tradingroom");
    }));
    ws_.read_message_max(limits_.max_message_bytes);
    beast::error_code ec;
    co_await ws_.async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    session_ = acceptor(request, shared_from_this());
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws_.async_read(buffer, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == websocket::error::message_too_big) {
          // Tell the peer why before going away.
          BeginClose(1009, "message too big");
        }
        break;
      }
      if (!ws_.got_text()) {
        BeginClose(1003, "text frames only");
        break;
      }
      std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
      if (session_) session_->OnMessage(text);
      buffer.consume(buffer.size());
      if (closing_) break;
    }
    Finish();
  }

 private:
  void Enqueue(std::string text) {
    if (closing_ || finished_) {
      queued_.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    if (queue_.size() >= limits_.max_queued_messages) {
      // A client that does not read its messages cannot hold server memory hostage.
      queued_.fetch_sub(1, std::memory_order_relaxed);
      BeginClose(1008, "too many queued messages");
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) {
      // Marked before the coroutine starts (co_spawn posts it), so a Close() that follows
      // waits for this message instead of overtaking it.
      writing_ = true;
      asio::co_spawn(ws_.get_executor(), WriteLoop(shared_from_this()), asio::detached);
    }
  }

  static awaitable<void> WriteLoop(std::shared_ptr<WebSocketConnectionImpl> self) {
    while (!self->queue_.empty() && !self->finished_) {
      beast::error_code ec;
      self->ws_.text(true);
      co_await self->ws_.async_write(asio::buffer(self->queue_.front()),
                                     asio::redirect_error(use_awaitable, ec));
      // The front element stayed alive during the write: Finish() never clears the queue
      // while a write is in flight.
      self->queue_.pop_front();
      self->queued_.fetch_sub(1, std::memory_order_relaxed);
      if (ec) break;
    }
    self->writing_ = false;
    if (self->finished_) {
      self->queue_.clear();
      self->queued_.store(0, std::memory_order_relaxed);
    }
    if (self->close_pending_ && !self->finished_) self->DoClose();
  }

  void BeginClose(int code, const std::string& reason) {
    if (closing_) return;
    closing_ = true;
    close_code_ = code;
    close_reason_ = reason;
    if (writing_) {
      close_pending_ = true;  // flush what is queued (e.g. an error event) first
      return;
    }
    DoClose();
  }

  void DoClose() {
    close_pending_ = false;
    websocket::close_reason cr(static_cast<websocket::close_code>(close_code_), close_reason_);
    ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    if (!writing_) {
      queue_.clear();
      queued_.store(0, std::memory_order_relaxed);
    }
    if (session_) {
      session_->OnClose();
      session_.reset();
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::string remote_ip_;
  WebSocketRegistry& registry_;
  WebSocketLimits limits_;
  std::shared_ptr<WebSocketSession> session_;
  std::deque<std::string> queue_;
  std::atomic<std::size_t> queued_{0};
  bool writing_ = false;
  bool closing_ = false;
  bool close_pending_ = false;
  bool finished_ = false;
  int close_code_ = 1000;
  std::string close_reason_;
};

void WebSocketRegistry::Add(const std::shared_ptr<WebSocketConnectionImpl>& connection) {
  std::lock_guard lock(mutex_);
  connections_.push_back(connection);
}

void WebSocketRegistry::Remove(const WebSocketConnectionImpl* connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                    [connection](const auto& weak) {
                                      auto strong = weak.lock();
                                      return !strong || strong.get() == connection;
                                    }),
                     connections_.end());
}

void WebSocketRegistry::CloseAll(int code, const std::string& reason) {
  std::vector<std::shared_ptr<WebSocketConnectionImpl>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& weak : connections_) {
      if (auto strong = weak.lock()) live.push_back(std::move(strong));
    }
  }
  for (auto& connection : live) connection->Close(code, reason);
}

void StartWebSocketSession(beast::tcp_stream stream,
                           beast::http::request<beast::http::string_body> upgrade, Request request,
                           const WebSocketAcceptor& acceptor, WebSocketRegistry& registry) {
  auto executor = stream.get_executor();
  std::string ip = request.remote_ip;
  auto connection = std::make_shared<WebSocketConnectionImpl>(std::move(stream), std::move(ip),
                                                              registry);
  registry.Add(connection);
  asio::co_spawn(executor,
                 [connection, upgrade = std::move(upgrade), request = std::move(request),
                  acceptor]() mutable -> awaitable<void> {
                   co_await connection->Run(std::move(upgrade), std::move(request), acceptor);
                 },
                 asio::detached);
}

}  // namespace tr::http
