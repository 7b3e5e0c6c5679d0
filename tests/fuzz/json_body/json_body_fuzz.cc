// Fuzzes the REST body parser and validators: any input must give a value or an ApiError,
// never a crash, a hang or another exception type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/body.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    tr::Json body = tr::api::ParseJsonObject(input);
    for (const char* field : {"email", "password", "displayName", "name", "role", "plan"}) {
      try {
        (void)tr::api::OptionalString(body, field, {0, 200});
        (void)tr::api::RequireEmail(body, field);
      } catch (const tr::ApiError&) {
      }
    }
    try {
      (void)tr::api::OptionalBool(body, "acceptOverLimit");
    } catch (const tr::ApiError&) {
    }
  } catch (const tr::ApiError&) {
  }
  // The same bytes as list parameters.
  try {
    std::string text(input);
    auto split = text.find('&');
    (void)tr::api::ParseListParams(text.substr(0, split),
                                   split == std::string::npos ? std::string() : text.substr(split + 1));
  } catch (const tr::ApiError&) {
  }
  return 0;
}
