#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace tr::loadgen {

namespace {

bool SendAll(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Case-insensitive header lookup in the header block [0, end).
std::string HeaderValue(const std::string& head, const char* name) {
  const std::size_t name_len = std::strlen(name);
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const std::size_t start = pos + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string line = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.size() > name_len && line[name_len] == ':' &&
        strncasecmp(line.c_str(), name, name_len) == 0) {
      std::size_t v = name_len + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      return line.substr(v);
    }
    pos = end;
  }
  return "";
}

}  // namespace

bool HttpClient::Connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  timeval tv{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  if (inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return false;
  }
  return true;
}

void HttpClient::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool HttpClient::ReadMore(std::string& buf) {
  char tmp[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
}

HttpResponse HttpClient::Once(const std::string& request, bool* retryable) {
  HttpResponse r;
  *retryable = false;
  const bool fresh = fd_ < 0;
  if (fd_ < 0 && !Connect()) {
    r.body = "connect failed";
    return r;
  }
  if (!SendAll(fd_, request)) {
    Close();
    *retryable = !fresh;
    r.body = "send failed";
    return r;
  }
  std::string buf;
  std::size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(buf)) {
      Close();
      *retryable = !fresh && buf.empty();
      r.body = "connection closed before the response";
      return r;
    }
  }
  const std::string head = buf.substr(0, head_end);
  std::string rest = buf.substr(head_end + 4);
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
    Close();
    r.body = "bad status line";
    return r;
  }
  r.status = std::atoi(head.c_str() + 9);
  if (const std::string ra = HeaderValue(head, "Retry-After"); !ra.empty()) {
    r.retry_after_s = std::atoi(ra.c_str());
  }
  const std::string te = HeaderValue(head, "Transfer-Encoding");
  const std::string cl = HeaderValue(head, "Content-Length");
  if (strncasecmp(te.c_str(), "chunked", 7) == 0) {
    std::string body;
    std::size_t pos = 0;
    for (;;) {
      std::size_t eol;
      while ((eol = rest.find("\r\n", pos)) == std::string::npos) {
        if (!ReadMore(rest)) {
          Close();
          r.status = 0;
          return r;
        }
      }
      const std::size_t size = std::strtoul(rest.c_str() + pos, nullptr, 16);
      pos = eol + 2;
      while (rest.size() < pos + size + 2) {
        if (!ReadMore(rest)) {
          Close();
          r.status = 0;
          return r;
        }
      }
      body.append(rest, pos, size);
      pos += size + 2;
      if (size == 0) break;
    }
    r.body = std::move(body);
  } else if (!cl.empty()) {
    const std::size_t len = std::strtoul(cl.c_str(), nullptr, 10);
    while (rest.size() < len) {
      if (!ReadMore(rest)) {
        Close();
        r.status = 0;
        return r;
      }
    }
    r.body = rest.substr(0, len);
  } else {
    // No length: read to the end of the connection.
    while (ReadMore(rest)) {
    }
    r.body = std::move(rest);
    Close();
  }
  if (strcasecmp(HeaderValue(head, "Connection").c_str(), "close") == 0) Close();
  return r;
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& path,
                                 const std::string& body, const std::string& bearer) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + ":" +
                    std::to_string(port_) + "\r\nUser-Agent: tr_loadgen\r\nAccept: application/json\r\n";
  if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  bool retryable = false;
  HttpResponse r = Once(req, &retryable);
  if (r.status == 0 && retryable) r = Once(req, &retryable);
  return r;
}

}  // namespace tr::loadgen
