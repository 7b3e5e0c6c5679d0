#pragma once
// Serialises "check the plan's limit, then create" per organization: without it, twelve
// concurrent room creations on a 3-room plan can all read "2 rooms" and all insert. One
// process owns the database, so an in-process lock (64 stripes by organization id) is
// enough; the lock is held only across the usage query and the insert.
#include <array>
#include <functional>
#include <mutex>
#include <string_view>

namespace tr::api {

class OrganizationLocks {
 public:
  std::unique_lock<std::mutex> Lock(std::string_view organization_id) {
    return std::unique_lock<std::mutex>(
        stripes_[std::hash<std::string_view>{}(organization_id) % stripes_.size()]);
  }

 private:
  std::array<std::mutex, 64> stripes_;
};

}  // namespace tr::api
