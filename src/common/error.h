#pragma once
// The one error type that crosses a request boundary. Handlers throw it; the HTTP layer
// renders {"error": {"code", "message", "details"}} with `status`; signaling renders an
// `error` event with the same code.
#include <stdexcept>
#include <string>
#include <utility>

#include "common/json.h"

namespace tr {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, Json details = nullptr)
      : std::runtime_error(message), status_(status), code_(std::move(code)),
        details_(std::move(details)) {}

  int Status() const { return status_; }
  const std::string& Code() const { return code_; }
  const Json& Details() const { return details_; }
  // Seconds the client should wait (rate limits); 0 when not applicable.
  int RetryAfter() const { return retry_after_; }
  ApiError& WithRetryAfter(int seconds) {
    retry_after_ = seconds;
    return *this;
  }

  static ApiError BadRequest(const std::string& message, Json details = nullptr) {
    return {400, "validation_failed", message, std::move(details)};
  }
  static ApiError Unauthorized(const std::string& message = "authentication required") {
    return {401, "unauthorized", message};
  }
  static ApiError Forbidden(const std::string& message = "not allowed") {
    return {403, "forbidden", message};
  }
  static ApiError NotFound(const std::string& what = "resource") {
    return {404, "not_found", what + " not found"};
  }
  static ApiError Conflict(const std::string& code, const std::string& message,
                           Json details = nullptr) {
    return {409, code, message, std::move(details)};
  }

 private:
  int status_;
  std::string code_;
  Json details_;
  int retry_after_ = 0;
};

}  // namespace tr
