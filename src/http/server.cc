#include "http/server.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/random.h"
#include "common/time.h"
#include "http/websocket_session.h"

namespace tr::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

// Request ids: a random per-process prefix and a counter; unique and cheap.
std::string NextRequestId() {
  static const std::string prefix = RandomAlnum(6);
  static std::atomic<uint64_t> counter{0};
  return "req_" + prefix + std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

std::string ClientIp(const bhttp::request_header<>& header, const tcp::socket& socket,
                     bool trust_proxy) {
  if (trust_proxy) {
    auto it = header.find("x-forwarded-for");
    if (it != header.end()) {
      std::string_view value(it->value().data(), it->value().size());
      std::size_t comma = value.find(',');
      std::string_view first = value.substr(0, comma);
      while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
      while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
      if (!first.empty() && first.size() < 64) return std::string(first);
    }
  }
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string();
}

// Runs `fn` on `pool` and resumes the coroutine on its own executor with the result.
template <typename Fn>
awaitable<Response> OffloadTo(asio::thread_pool& pool, Fn fn) {
  auto ex = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<decltype(use_awaitable), void(Response)>(
      [&pool, ex, fn = std::move(fn)](auto handler) mutable {
        asio::post(pool, [ex, fn = std::move(fn), handler = std::move(handler)]() mutable {
          Response response = fn();
          asio::post(ex, [handler = std::move(handler), response = std::move(response)]() mutable {
            handler(std::move(response));
          });
        });
      },
      use_awaitable);
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::function<Response(Request&)> handler;
  asio::thread_pool& pool;
  // One single-threaded io_context per I/O thread: a connection lives on one context, so
  // its operations never run concurrently and no strand is needed (Boost 1.74's
  // any_io_executor mishandles strands that are copied across threads).
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::size_t next_context = 0;
  asio::io_context& ioc;  // contexts[0]: acceptor and signals
  tcp::acceptor acceptor{ioc};
  std::optional<asio::signal_set> signals;
  std::function<void()> on_signal;
  std::atomic<bool> stopping{false};
  std::string ws_path;
  WebSocketAcceptor ws_acceptor;

  // Live connections, so Stop() can close the idle ones. Entries are touched only from the
  // connection's own context after registration, except `busy`, read under `mutex`.
  struct Connection {
    beast::tcp_stream* stream;
    asio::io_context* context;
    bool busy;
  };
  WebSocketRegistry websockets;
  std::mutex mutex;
  std::map<uint64_t, Connection> connections;
  uint64_t next_connection_id = 1;

  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < std::max(1, n); ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  Impl(ServerOptions o, std::function<Response(Request&)> h, asio::thread_pool& p)
      : options(std::move(o)), handler(std::move(h)), pool(p),
        contexts(MakeContexts(options.io_threads)), ioc(*contexts[0]) {
    for (auto& c : contexts) guards.push_back(asio::make_work_guard(*c));
  }

  awaitable<void> AcceptLoop() {
    while (!stopping.load()) {
      asio::io_context& context = *contexts[next_context++ % contexts.size()];
      tcp::socket socket(context);
      beast::error_code ec;
      co_await acceptor.async_accept(socket, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || stopping.load()) break;
        log::Warn("http", "accept failed", {{"error", ec.message()}});
        continue;
      }
      asio::co_spawn(context, RunConnection(std::move(socket), &context), asio::detached);
    }
  }

  void SetBusy(uint64_t id, bool busy) {
    std::lock_guard lock(mutex);
    auto it = connections.find(id);
    if (it != connections.end()) it->second.busy = busy;
  }

  awaitable<void> RunConnection(tcp::socket socket, asio::io_context* context) {
    beast::tcp_stream stream(std::move(socket));
    uint64_t id;
    {
      std::lock_guard lock(mutex);
      id = next_connection_id++;
      connections.emplace(id, Connection{&stream, context, false});
    }
    bool upgraded = false;
    try {
      // A connection accepted just before Stop() registered after CloseIdleConnections()
      // looked: it must not wait for a request.
      if (!stopping.load()) upgraded = co_await ServeRequests(stream, id);
    } catch (const std::exception& e) {
      log::Warn("http", "connection error", {{"error", e.what()}});
    }
    {
      std::lock_guard lock(mutex);
      connections.erase(id);
    }
    if (!upgraded) {
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  // Returns true when the connection was handed to a WebSocket session.
  awaitable<bool> ServeRequests(beast::tcp_stream& stream, uint64_t id) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(16 * 1024);
      // Checked against the route's limit after the header (boost::none would compare
      // wrongly in Beast 1.74, so "no limit yet" is the largest value).
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      beast::error_code ec;
      stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
            ec == beast::error::timeout || ec == asio::error::eof ||
            ec == asio::error::connection_reset) {
          co_return false;
        }
        co_await WriteError(stream, 400, "bad_request", "malformed HTTP request: " + ec.message());
        co_return false;
      }
      std::string_view method(parser.get().method_string().data(),
                              parser.get().method_string().size());
      std::string_view target(parser.get().target().data(), parser.get().target().size());
      std::size_t limit = options.max_body_bytes;
      if (options.body_limit_for) {
        std::string_view path = target.substr(0, target.find('?'));
        limit = options.body_limit_for(method, path);
      }
      // The route's limit is known only now; a declared length over it is refused before
      // any of the body is read, a chunked body is cut off by the parser's limit.
      if (auto length = parser.content_length(); length && *length > limit) {
        co_await WriteError(stream, 413, "payload_too_large",
                            "request body exceeds " + std::to_string(limit) + " bytes");
        co_return false;
      }
      parser.body_limit(limit);

      if (beast::websocket::is_upgrade(parser.get()) && !ws_path.empty() &&
          target.substr(0, target.find('?')) == ws_path) {
        Request upgrade = MakeRequest(parser.get(), stream.socket());
        stream.expires_never();
        StartWebSocketSession(std::move(stream), parser.release(), std::move(upgrade),
                              ws_acceptor, websockets);
        co_return true;
      }

      stream.expires_after(std::chrono::seconds(options.request_timeout_seconds));
      co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == bhttp::error::body_limit) {
          co_await WriteError(stream, 413, "payload_too_large",
                              "request body exceeds " + std::to_string(limit) + " bytes");
        } else if (ec != asio::error::operation_aborted && ec != beast::error::timeout &&
                   ec != asio::error::eof && ec != bhttp::error::end_of_stream) {
          co_await WriteError(stream, 400, "bad_request", "malformed HTTP request: " + ec.message());
        }
        co_return false;
      }
      SetBusy(id, true);  // from here on, shutdown lets the request finish
      auto message = parser.release();
      Request request = MakeRequest(message, stream.socket());
      request.body = std::move(message.body());
      bool keep_alive = message.keep_alive();
      int64_t started = MonotonicMillis();

      Response response = co_await OffloadTo(pool, [this, &request]() {
        try {
          return handler(request);
        } catch (const std::exception& e) {
          log::Error("http", "unhandled handler exception",
                     {{"error", e.what()}, {"request_id", request.request_id}});
          return Response::Error(500, "internal", "internal error");
        }
      });

      bool close = !keep_alive || stopping.load();
      co_await WriteResponse(stream, request, std::move(response), message.version(), close);
      if (log::Enabled(log::Level::kDebug)) {
        log::Debug("http", "request", {{"request_id", request.request_id},
                                        {"method", request.method},
                                        {"path", request.path},
                                        {"ms", MonotonicMillis() - started}});
      }
      SetBusy(id, false);
      if (close || stopping.load()) co_return false;
    }
  }

  Request MakeRequest(const bhttp::request<bhttp::string_body>& message, const tcp::socket& socket) {
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    std::string_view target = request.target;
    std::size_t q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    auto decoded = PercentDecode(raw_path, false);
    request.path = decoded ? *decoded : std::string(raw_path);
    request.headers.reserve(16);
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.remote_ip = ClientIp(message.base(), socket, options.trust_proxy);
    std::string_view incoming = request.Header("x-request-id");
    request.request_id = (!incoming.empty() && incoming.size() <= 64) ? std::string(incoming)
                                                                       : NextRequestId();
    return request;
  }

  awaitable<void> WriteError(beast::tcp_stream& stream, int status, std::string_view code,
                             std::string message) {
    Request request;
    request.request_id = NextRequestId();
    co_await WriteResponse(stream, request, Response::Error(status, code, message), 11, true);
  }

  awaitable<void> WriteResponse(beast::tcp_stream& stream, const Request& request,
                                Response response, unsigned version, bool close) {
    beast::error_code ec;
    auto fill = [&](auto& res) {
      res.version(version);
      res.result(static_cast<unsigned>(response.status));
      res.set(bhttp::field::server, "tradingroom");
      if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
      res.set("X-Request-Id", request.request_id);
      for (auto& [name, value] : response.headers) res.set(name, value);
      res.keep_alive(!close);
    };
    if (!response.file_path.empty() && request.method != "HEAD") {
      bhttp::response<bhttp::file_body> res;
      res.body().open(response.file_path.c_str(), beast::file_mode::scan, ec);
      if (ec) {
        co_await WriteResponse(stream, request, Response::Error(404, "not_found", "file not found"),
                               version, close);
        co_return;
      }
      fill(res);
      res.prepare_payload();
      co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      co_return;
    }
    bhttp::response<bhttp::string_body> res;
    fill(res);
    if (request.method != "HEAD") res.body() = std::move(response.body);
    res.prepare_payload();
    co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
  }

  void CloseIdleConnections() {
    std::lock_guard lock(mutex);
    for (auto& [cid, conn] : connections) {
      if (conn.busy) continue;
      uint64_t conn_id = cid;
      asio::post(*conn.context, [this, conn_id]() {
        std::lock_guard inner(mutex);
        auto it = connections.find(conn_id);
        if (it == connections.end() || it->second.busy) return;
        beast::error_code ec;
        it->second.stream->socket().cancel(ec);
      });
    }
  }
};

Server::Server(ServerOptions options, std::function<Response(Request&)> handler,
               asio::thread_pool& blocking_pool)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), blocking_pool)) {}

Server::~Server() = default;

void Server::SetWebSocketHandler(std::string path, WebSocketAcceptor acceptor) {
  impl_->ws_path = std::move(path);
  impl_->ws_acceptor = std::move(acceptor);
}

void Server::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.bind, ec);
  if (ec) throw std::runtime_error("invalid bind address: " + impl_->options.bind);
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.bind + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  asio::co_spawn(impl_->ioc, impl_->AcceptLoop(), asio::detached);
}

uint16_t Server::Port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::Run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->contexts.size(); ++i) {
    threads.emplace_back([this, i] { impl_->contexts[i]->run(); });
  }
  impl_->contexts[0]->run();
  for (auto& t : threads) t.join();
}

void Server::Stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    if (impl_->signals) impl_->signals->cancel(ec);
    impl_->CloseIdleConnections();
    impl_->websockets.CloseAll(1001, "server shutting down");
    // Each context now ends when its last connection does.
    for (auto& guard : impl_->guards) guard.reset();
  });
}

void Server::StopOnSignals(std::function<void()> on_signal) {
  impl_->on_signal = std::move(on_signal);
  impl_->signals.emplace(impl_->ioc, SIGINT, SIGTERM);
  impl_->signals->async_wait([this](const beast::error_code& ec, int signal_number) {
    if (ec) return;
    log::Info("http", "shutting down", {{"signal", signal_number}});
    if (impl_->on_signal) impl_->on_signal();
    Stop();
  });
}

}  // namespace tr::http
