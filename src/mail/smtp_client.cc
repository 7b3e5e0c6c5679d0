#include "mail/smtp_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <stdexcept>


namespace tr::mail {
namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string ReadReply(int fd) {
  std::string reply;
  char buf[512];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) throw std::runtime_error("smtp: connection closed");
    reply.append(buf, static_cast<std::size_t>(n));
    // A reply is complete when its last line has a space after the code ("250 ok\r\n").
    auto end = reply.rfind("\r\n");
    if (end == std::string::npos) continue;
    auto start = reply.rfind("\r\n", end - 1);
    start = start == std::string::npos ? 0 : start + 2;
    if (end - start >= 4 && reply[start + 3] == ' ') return reply;
    if (reply.size() > 64 * 1024) throw std::runtime_error("smtp: reply too long");
  }
}

void Expect(int fd, char first_digit, const char* step) {
  std::string reply = ReadReply(fd);
  if (reply.empty() || reply[0] != first_digit) {
    throw std::runtime_error(std::string("smtp ") + step + ": " + reply.substr(0, 200));
  }
}

void Write(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("smtp: write failed");
    sent += static_cast<std::size_t>(n);
  }
}

// Header values must not carry line breaks (header injection).
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  return out;
}

}  // namespace

SmtpSettings ParseSmtpUrl(const std::string& url, const std::string& from) {
  const std::string scheme = "smtp://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("smtp url must start with smtp://");
  std::string hostport = url.substr(scheme.size());
  while (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
  SmtpSettings s;
  s.from = from;
  auto colon = hostport.rfind(':');
  if (colon != std::string::npos) {
    s.host = hostport.substr(0, colon);
    s.port = std::stoi(hostport.substr(colon + 1));
  } else {
    s.host = hostport;
  }
  if (s.host.empty() || s.port <= 0 || s.port > 65535) {
    throw std::invalid_argument("invalid smtp url: " + url);
  }
  return s;
}

void SendMail(const SmtpSettings& settings, const std::string& to, const std::string& subject,
              const std::string& body) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  std::string port = std::to_string(settings.port);
  if (getaddrinfo(settings.host.c_str(), port.c_str(), &hints, &result) != 0 || !result) {
    throw std::runtime_error("smtp: cannot resolve " + settings.host);
  }
  Socket sock(::socket(result->ai_family, result->ai_socktype, result->ai_protocol));
  timeval tv{settings.timeout_seconds, 0};
  setsockopt(sock.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(sock.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc = ::connect(sock.fd(), result->ai_addr, result->ai_addrlen);
  freeaddrinfo(result);
  if (rc != 0) throw std::runtime_error("smtp: cannot connect to " + settings.host + ":" + port);
  int fd = sock.fd();
  Expect(fd, '2', "greeting");
  Write(fd, "EHLO tradingroom\r\n");
  Expect(fd, '2', "EHLO");
  Write(fd, "MAIL FROM:<" + OneLine(settings.from) + ">\r\n");
  Expect(fd, '2', "MAIL FROM");
  Write(fd, "RCPT TO:<" + OneLine(to) + ">\r\n");
  Expect(fd, '2', "RCPT TO");
  Write(fd, "DATA\r\n");
  Expect(fd, '3', "DATA");
  std::string message = "From: Trading Room <" + OneLine(settings.from) + ">\r\nTo: <" +
                        OneLine(to) + ">\r\nSubject: " + OneLine(subject) +
                        "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
  // Dot-stuffing (RFC 5321 section 4.5.2).
  std::string stuffed;
  bool line_start = true;
  for (char c : body) {
    if (line_start && c == '.') stuffed.push_back('.');
    stuffed.push_back(c);
    line_start = c == '\n';
  }
  Write(fd, message + stuffed + "\r\n.\r\n");
  Expect(fd, '2', "message");
  Write(fd, "QUIT\r\n");
}

}  // namespace tr::mail
