#pragma once
// One JSON type for the whole control plane.
#include <nlohmann/json.hpp>

namespace tr {
using Json = nlohmann::json;
}  // namespace tr
