#pragma once
// A thin RAII layer over sqlite3: a connection pool (one connection per concurrent caller,
// WAL, foreign keys on, busy timeout) and cached prepared statements per connection.
#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tr::store::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  ~Statement();  // resets and clears bindings; the connection keeps the prepared statement

  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& BindNull(int index);
  // Binds NULL for an empty string (optional foreign keys).
  Statement& BindOptional(int index, const std::string& value);

  // true while a row is available; throws on errors (constraint violations included).
  bool Step();
  // Runs to completion; returns sqlite3_changes().
  int Exec();

  std::string Text(int column) const;
  int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  explicit Connection(const std::filesystem::path& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Statement Prepare(std::string_view sql);
  void ExecScript(const std::string& sql);
  sqlite3* Raw() { return db_; }
  int Changes() const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Thrown for SQLite errors; `constraint` is true for UNIQUE/CHECK/FOREIGN KEY violations.
struct DatabaseError : std::runtime_error {
  DatabaseError(const std::string& message, int code_in)
      : std::runtime_error(message), code(code_in) {}
  int code;
  bool IsConstraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }
};

class ConnectionPool {
 public:
  ConnectionPool(std::filesystem::path path, int size);

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  Lease Acquire();
  void CloseAll();

 private:
  void Release(std::unique_ptr<Connection> conn);

  std::filesystem::path path_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int created_ = 0;
  int size_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  void Commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace tr::store::sqlite
