#pragma once
// The error a router request fails with (control path only). The Sfu facade turns it into
// SfuReply::Error(code, message). Codes: "not_found", "invalid_parameters",
// "cannot_consume", "invalid_state".
#include <stdexcept>
#include <string>

namespace tr::media {

class RouterError : public std::runtime_error {
 public:
  RouterError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

}  // namespace tr::media
