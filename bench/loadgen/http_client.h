#pragma once
// A tiny blocking HTTP/1.1 client for the REST setup (loopback, plain HTTP, keep-alive,
// Content-Length or chunked bodies). Not for the packet path.
#include <cstdint>
#include <string>

namespace tr::loadgen {

struct HttpResponse {
  int status = 0;  // 0: transport failure (see body)
  std::string body;
  int retry_after_s = 0;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, int timeout_ms = 30'000)
      : host_(std::move(host)), port_(port), timeout_ms_(timeout_ms) {}
  ~HttpClient() { Close(); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request; `body` is sent as application/json when not empty (or when the method
  // is POST/PUT/PATCH). Retries once on a dropped keep-alive connection.
  HttpResponse Request(const std::string& method, const std::string& path,
                       const std::string& body = "", const std::string& bearer = "");

 private:
  bool Connect();
  void Close();
  HttpResponse Once(const std::string& request, bool* retryable);
  bool ReadMore(std::string& buf);

  std::string host_;
  uint16_t port_;
  int timeout_ms_;
  int fd_ = -1;
};

}  // namespace tr::loadgen
