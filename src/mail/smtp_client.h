#pragma once
// A minimal blocking SMTP client (RFC 5321) for a trusted relay on the local network:
// EHLO, MAIL FROM, RCPT TO, DATA, QUIT. No TLS or auth: point it at a local MTA/relay.
#include <string>

namespace tr::mail {

struct SmtpSettings {
  std::string host;
  int port = 25;
  std::string from;
  int timeout_seconds = 10;
};

// Parses "smtp://host[:port]"; throws std::invalid_argument.
SmtpSettings ParseSmtpUrl(const std::string& url, const std::string& from);

// Sends one plain-text message; throws std::runtime_error with the server's reply on failure.
void SendMail(const SmtpSettings& settings, const std::string& to, const std::string& subject,
              const std::string& body);

}  // namespace tr::mail
