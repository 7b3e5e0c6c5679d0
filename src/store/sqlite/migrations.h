#pragma once
// Versioned schema migrations, applied in order inside one transaction each and recorded
// in schema_migrations. Append new versions; never edit an applied one.
#include <string_view>
#include <vector>

namespace tr::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& AllMigrations();

}  // namespace tr::store::sqlite
