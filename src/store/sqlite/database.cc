#include "store/sqlite/database.h"

namespace tr::store::sqlite {
namespace {
[[noreturn]] void Fail(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DatabaseError(message, db ? sqlite3_extended_errcode(db) : rc);
}
}  // namespace

Statement::~Statement() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindOptional(int index, const std::string& value) {
  return value.empty() ? BindNull(index) : Bind(index, value);
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(sqlite3_db_handle(stmt_), rc, "sqlite step");
}

int Statement::Exec() {
  while (Step()) {
  }
  return sqlite3_changes(sqlite3_db_handle(stmt_));
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Connection::Connection(const std::filesystem::path& path) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError("cannot open database " + path.string() + ": " + message, rc);
  }
  sqlite3_busy_timeout(db_, 5000);
  ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;");
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close_v2(db_);
}

Statement Connection::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return Statement(it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) Fail(db_, rc, "sqlite prepare");
  cache_.emplace(std::move(key), stmt);
  return Statement(stmt);
}

void Connection::ExecScript(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw DatabaseError("sqlite exec: " + message, rc);
  }
}

int Connection::Changes() const { return sqlite3_changes(db_); }

ConnectionPool::ConnectionPool(std::filesystem::path path, int size)
    : path_(std::move(path)), size_(size < 1 ? 1 : size) {}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    if (created_ < size_) {
      ++created_;
      lock.unlock();
      try {
        return Lease(this, std::make_unique<Connection>(path_));
      } catch (...) {
        std::lock_guard relock(mutex_);
        --created_;
        throw;
      }
    }
    available_.wait(lock);
  }
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

void ConnectionPool::CloseAll() {
  std::lock_guard lock(mutex_);
  created_ -= static_cast<int>(idle_.size());
  idle_.clear();
}

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.ExecScript("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      conn_.ExecScript("ROLLBACK");
    } catch (...) {
      // Nothing more can be done; the connection stays usable for the next BEGIN.
    }
  }
}

void Transaction::Commit() {
  conn_.ExecScript("COMMIT");
  done_ = true;
}

}  // namespace tr::store::sqlite
