#pragma once
#include <filesystem>

#include "blobs/blob_store.h"

namespace tr::blobs {

// Files under a root folder, written to a temporary name and renamed so readers never see
// a partial blob.
class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(std::filesystem::path root);
  void Put(const std::string& key, std::string_view data) override;
  std::string LocalPath(const std::string& key) const override;
  bool Remove(const std::string& key) override;

 private:
  std::filesystem::path Resolve(const std::string& key) const;
  std::filesystem::path root_;
};

}  // namespace tr::blobs
