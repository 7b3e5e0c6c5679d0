#include "blobs/local_blob_store.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "common/random.h"

namespace tr::blobs {

LocalBlobStore::LocalBlobStore(std::filesystem::path root) : root_(std::move(root)) {
  std::filesystem::create_directories(root_);
}

std::filesystem::path LocalBlobStore::Resolve(const std::string& key) const {
  if (key.empty() || key.find("..") != std::string::npos || key.front() == '/') {
    throw std::invalid_argument("invalid blob key");
  }
  return root_ / key;
}

void LocalBlobStore::Put(const std::string& key, std::string_view data) {
  auto path = Resolve(key);
  std::filesystem::create_directories(path.parent_path());
  auto tmp = path;
  tmp += ".tmp-" + RandomAlnum(8);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) throw std::runtime_error("cannot write blob " + key);
  }
  std::filesystem::rename(tmp, path);
}

std::string LocalBlobStore::LocalPath(const std::string& key) const { return Resolve(key).string(); }

bool LocalBlobStore::Remove(const std::string& key) {
  std::error_code ec;
  return std::filesystem::remove(Resolve(key), ec);
}

}  // namespace tr::blobs
