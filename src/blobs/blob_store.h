#pragma once
// Where file bytes live. Keys are relative paths chosen by the caller ("org_x/file_y").
#include <string>
#include <string_view>

namespace tr::blobs {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual void Put(const std::string& key, std::string_view data) = 0;
  // A local path the HTTP layer can stream from (local store only).
  virtual std::string LocalPath(const std::string& key) const = 0;
  virtual bool Remove(const std::string& key) = 0;
};

}  // namespace tr::blobs
