// The database handle of envcredit-server: a bounded pool of MySQL
// connections, sessions and RAII transactions that speak prepared statements
// only. Nothing here exposes MySQL Connector/C++ types; its headers appear in
// the .cc files of server/storage alone.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(config));
//   RETURN_IF_ERROR(db->RunInTransaction([&](Transaction& tx) -> absl::Status {
//     ASSIGN_OR_RETURN(std::vector<Row> rows,
//                      tx.Query("SELECT revision FROM enterprises "
//                               "WHERE credit_code = ? FOR UPDATE", {code}));
//     ...
//     return tx.Execute("UPDATE ...", {...}).status();
//   }));
//
// Values from requests are always bound to `?` placeholders (SqlValue); SQL
// text is a constant of the calling code.
//
// Connections: at most DbConfig::pool_size live connections, opened lazily.
// Each is set to utf8mb4, strict SQL mode and the UTC time zone, with
// automatic reconnection off. A connection that reports a lost connection
// (2006/2013/...) is discarded, never reused; its prepared statements go with
// it and are prepared again on the next connection. After such a loss, idle
// connections are pinged before they are handed out again.
//
// Retries: RunInTransaction runs its function once more, on a fresh
// connection, when the connection was lost before COMMIT was sent, and again
// after a jittered backoff, bounded, when it failed on a conflict or a node
// that is not ready (DbConfig::retry, transaction_retry.h). A COMMIT whose
// outcome is unknown is never retried: it returns UNAVAILABLE, and the
// caller's request_id makes a client retry safe. Errors that reach the
// caller as ABORTED or UNAVAILABLE carry a retry delay for the client.
//
// Bounded waits (doc/database.md "Timeouts"): every connection has a connect,
// read and write timeout and a session innodb_lock_wait_timeout from
// DbConfig; a checkout waits at most checkout_timeout. A statement that gets
// no answer within the read timeout loses its connection (UNAVAILABLE,
// DB_UNAVAILABLE).
//
// Reachability: with StartProbe (the server), a thread probes the database
// every period on a connection of its own. When the probe fails, a
// connection cannot be opened, or a statement times out, the database is
// "unreachable": the listener hears it once, and checkouts fail at once with
// UNAVAILABLE (DB_UNAVAILABLE) instead of waiting for a frozen server, until
// the probe gets an answer again. Without a probe nothing fails fast.
//
// Nodes (DbConfig::hosts, a Galera cluster): all connections of the pool go
// to one node at a time, the active one, so that one server's writes never
// conflict with each other across nodes (doc/deployment.md). When the
// active node cannot be connected to, times out, or answers that it is not
// in the cluster's primary component (1047/1180), it is marked failed, its
// idle connections are closed (busy ones when they come back) and the pool
// moves to the node that failed longest ago, the earlier in the list among
// equals; a checkout tries each node once. The probe watches the active
// node and moves the pool back to an earlier node once it answers and is
// synced. The database is unreachable only when every node failed within a
// few seconds. With one node everything is as before.
//
// Thread-safety: Database is thread-safe. A Session or Transaction belongs to
// one thread at a time. Every Session and Transaction must be destroyed
// before the Database that produced it.
#ifndef ENVCREDIT_SERVER_STORAGE_DATABASE_H_
#define ENVCREDIT_SERVER_STORAGE_DATABASE_H_

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/storage/db_config.h"

namespace envcredit::storage {

namespace internal {
class PooledConnection;  // defined in database.cc
}  // namespace internal

class Database;

// A value bound to one `?` placeholder: NULL, an integer, text (utf8mb4), or
// bytes (for VARBINARY/BLOB columns).
class SqlValue {
 public:
  enum class Kind { kNull, kInt, kText, kBytes };

  SqlValue(std::nullptr_t) : kind_(Kind::kNull) {}  // NOLINT: implicit
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>,
                             int> = 0>
  SqlValue(T value)  // NOLINT: implicit
      : kind_(Kind::kInt), int_(static_cast<int64_t>(value)) {}
  SqlValue(absl::string_view text)  // NOLINT: implicit
      : kind_(Kind::kText), text_(text) {}
  SqlValue(const std::string& text)  // NOLINT: implicit
      : kind_(Kind::kText), text_(text) {}
  SqlValue(const char* text)  // NOLINT: implicit
      : kind_(Kind::kText), text_(text) {}

  static SqlValue Bytes(absl::string_view bytes) {
    SqlValue value{absl::string_view(bytes)};
    value.kind_ = Kind::kBytes;
    return value;
  }

  Kind kind() const { return kind_; }
  int64_t int_value() const { return int_; }
  const std::string& text() const { return text_; }  // text or bytes

 private:
  Kind kind_;
  int64_t int_ = 0;
  std::string text_;
};

// One row of a result, every column as the text the server sent (bytes for
// binary columns). Columns are numbered from 0 in SELECT order.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> values)
      : values_(std::move(values)) {}

  int size() const { return static_cast<int>(values_.size()); }
  bool IsNull(int column) const { return !values_.at(column).has_value(); }
  // "" for NULL.
  const std::string& GetString(int column) const;
  // 0 for NULL or a value that is not an integer.
  int64_t GetInt64(int column) const;
  // A DATETIME / DATETIME(6) column read as UTC. INTERNAL when NULL or not a
  // date-time.
  absl::StatusOr<absl::Time> GetTime(int column) const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// Which kind of transaction Begin/RunInTransaction starts.
enum class TxMode { kReadWrite, kReadOnly };

// A connection checked out of the pool, in autocommit mode; it goes back to
// the pool when destroyed. Errors of every method follow sql_error.h:
// ALREADY_EXISTS on a duplicate key, ABORTED on a deadlock or lock wait
// timeout, UNAVAILABLE when the connection is lost, INTERNAL otherwise.
class Session {
 public:
  Session(Session&& other) noexcept;
  Session& operator=(Session&& other) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  virtual ~Session();

  // Runs a statement that returns no rows (INSERT, UPDATE, DELETE, ...), with
  // `params` bound to its placeholders in order. Returns the number of rows
  // it changed.
  absl::StatusOr<uint64_t> Execute(absl::string_view sql,
                                   absl::Span<const SqlValue> params = {});

  // Runs a statement that returns rows; reads them all.
  absl::StatusOr<std::vector<Row>> Query(
      absl::string_view sql, absl::Span<const SqlValue> params = {});

  // As Query, for statements that return at most one row: nullopt when none.
  // INTERNAL when there is more than one.
  absl::StatusOr<std::optional<Row>> QueryRow(
      absl::string_view sql, absl::Span<const SqlValue> params = {});

  // LAST_INSERT_ID() of this connection.
  absl::StatusOr<int64_t> LastInsertId();

  // Runs fixed SQL text without preparing it: only for trusted constant text
  // that cannot take parameters, such as the DDL of migrations or
  // CREATE DATABASE with a validated identifier. Never for request values.
  absl::Status ExecuteUnprepared(absl::string_view sql);

  // True once a statement of this session found the connection lost; the
  // connection is then discarded instead of going back to the pool.
  bool connection_lost() const { return connection_lost_; }

  // Closes the connection instead of returning it to the pool (e.g. when it
  // may hold session state such as a user lock).
  void Discard() { discard_ = true; }

  // The server's id of this connection (CONNECTION_ID()) on its node.
  absl::StatusOr<int64_t> ConnectionId();

 protected:
  Session(Database* db, std::unique_ptr<internal::PooledConnection> conn);
  bool valid() const { return conn_ != nullptr; }
  // Maps an exception-free failure path: marks the session lost when
  // `status` says so. Returns `status`.
  absl::Status Note(absl::Status status);
  // As Note, for a statement that threw `e` after starting at `start`: a
  // lost connection after a long wait (a read or write timeout) also tells
  // the Database that the server does not answer.
  absl::Status NoteFailure(absl::Status status, const std::exception& e,
                           absl::Time start);
  // A node that is not primary: the connection is discarded and the
  // Database told (it moves to another node when it has several).
  void NoteNodeNotPrimary(const absl::Status& status);

 private:
  friend class Database;
  void Release();

  Database* db_ = nullptr;
  std::unique_ptr<internal::PooledConnection> conn_;
  bool connection_lost_ = false;
  bool discard_ = false;
};

// A transaction on a pooled connection: rolled back when destroyed unless
// Commit() succeeded. Statements run through the Session methods.
class Transaction : public Session {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  ~Transaction() override;

  // Commits. UNAVAILABLE (reason DB_UNAVAILABLE) when the connection is lost
  // while committing: the outcome is then unknown. ABORTED on a conflict
  // reported at commit. FAILED_PRECONDITION when already finished.
  absl::Status Commit();

  // Rolls back now (the destructor does it too). Never fails visibly: a
  // connection that cannot roll back is discarded, which rolls back.
  void Rollback();

  // True after COMMIT was sent, whatever its outcome.
  bool commit_attempted() const { return commit_attempted_; }

 private:
  friend class Database;
  Transaction(Database* db, std::unique_ptr<internal::PooledConnection> conn);

  bool finished_ = false;
  bool commit_attempted_ = false;
};

// Counters for tests and health pages.
struct PoolStats {
  int live = 0;           // open connections (idle + in use + being opened)
  int idle = 0;           // open and waiting in the pool
  int64_t opened = 0;     // connections opened since Open
  int64_t discarded = 0;  // connections closed because they failed
  // Transactions run again by the retry policy (transaction_retry.h), by cause.
  int64_t conflict_retries = 0;   // deadlock, lock wait timeout, certification
  int64_t not_ready_retries = 0;  // node not ready / not primary
  int waiting = 0;                // callers waiting for a connection now
  int64_t checkout_timeouts = 0;  // waits that ended in DB_POOL_EXHAUSTED
  int64_t failovers = 0;          // moves of the pool to another node
  int active_node = 0;            // index in DbEndpoints(config) in use now
};

class Database {
 public:
  // Checks `config`, creates the database when asked
  // (create_database_if_missing), and opens one connection to prove the
  // settings work. INVALID_ARGUMENT for a bad config; UNAVAILABLE (reason
  // DB_UNAVAILABLE) when the server cannot be reached; INTERNAL for other
  // server errors (wrong password, unknown database), logged to stderr.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const DbConfig& config);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // A connection in autocommit mode. Blocks while all pool_size connections
  // are in use, at most checkout_timeout: then UNAVAILABLE with reason
  // DB_POOL_EXHAUSTED. UNAVAILABLE (DB_UNAVAILABLE) when a new connection
  // cannot be opened.
  absl::StatusOr<Session> Checkout();

  // Starts a transaction (START TRANSACTION [READ ONLY]). Fails as Checkout,
  // or UNAVAILABLE when the connection is lost while starting.
  absl::StatusOr<Transaction> Begin(TxMode mode = TxMode::kReadWrite);

  // Runs `fn` in a transaction and commits when it returns OK; rolls back and
  // returns its status otherwise. When the connection is lost before COMMIT
  // was sent (while starting, or in a statement of `fn`), runs `fn` once more
  // in a new transaction on a fresh connection; when an attempt fails on a
  // conflict (ABORTED DB_CONFLICT: deadlock, lock wait timeout, Galera
  // certification, or `fn`'s own) or a node that is not ready (UNAVAILABLE
  // DB_NOT_PRIMARY), runs it again after a backoff, as DbConfig::retry
  // allows. So `fn` must be safe to run several times (write its results
  // only into variables it assigns anew). Returns the status of the last
  // attempt; UNAVAILABLE when the commit's outcome is unknown (never
  // retried).
  absl::Status RunInTransaction(
      absl::FunctionRef<absl::Status(Transaction&)> fn,
      TxMode mode = TxMode::kReadWrite);

  // Runs `fn` on a session in autocommit mode, where every statement is its
  // own transaction: for a read of one statement (consistent by itself),
  // without the two round trips of START TRANSACTION and COMMIT. Runs `fn`
  // once more on a fresh connection when the connection was lost, as
  // RunInTransaction does; `fn` must only read.
  absl::Status RunReads(absl::FunctionRef<absl::Status(Session&)> fn);

  // OK when the database answers a query (a lost connection is retried once
  // on a fresh one). UNAVAILABLE otherwise.
  absl::Status Ping();

  const DbConfig& config() const { return config_; }
  PoolStats stats() const;

  // Called on every change of reachability with the new state and one line
  // saying why ("database unreachable: <error>" / "database reachable again
  // after 15.2 s"). Calls are serialised and never report the same state
  // twice in a row.
  using ReachabilityListener =
      std::function<void(bool reachable, const std::string& why)>;

  // Starts the probe thread (at most once): a probe now, then every
  // `period`. Checkouts fail fast while the database is unreachable.
  void StartProbe(absl::Duration period, ReachabilityListener listener);
  // Stops and joins the probe thread; later failures no longer fail fast.
  // The destructor calls it.
  void StopProbe();
  // One probe: SELECT 1 on the probe's own connection (opened when needed),
  // connect and read bounded by config().connect_timeout. OK, or UNAVAILABLE
  // (DB_UNAVAILABLE); updates reachability while probing.
  absl::Status Probe();
  // False while the probe runs and the database is unreachable.
  bool reachable() const;

  // "host:port" of the node the pool uses now.
  std::string active_node() const;

 private:
  friend class Session;
  explicit Database(const DbConfig& config);

  // Node `endpoint` failed (`why` for the log line): with several nodes the
  // pool moves to another one when it was the active one, and the database
  // turns unreachable when every node failed lately; with one node, as
  // MarkUnreachable unless `not_primary`.
  void NodeFailed(int endpoint, absl::string_view why, bool not_primary = false);
  // Makes `endpoint` the active node now.
  void SwitchTo(int endpoint, absl::string_view why);
  // Makes `endpoint` active and hands back the idle connections to close
  // (outside the lock).
  std::vector<std::unique_ptr<internal::PooledConnection>> SwitchLocked(
      int endpoint) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The probe of one node (on probe_conn_), and of the earlier nodes when
  // the active one is not the first.
  absl::Status ProbeNode(int endpoint) ABSL_EXCLUSIVE_LOCKS_REQUIRED(probe_mu_);
  void FailBack(int active);
  DbConfig ProbeConfig() const;

  // Reachability changes; no-ops unless the probe runs.
  void MarkUnreachable(absl::string_view why);
  void MarkReachable();
  // Tells the listener the current state if it changed since last told.
  void NotifyListener();
  void ProbeLoop(absl::Duration period);

  // Checks a connection out; `fresh` forces a ping of a pooled connection.
  absl::StatusOr<std::unique_ptr<internal::PooledConnection>> Acquire(
      bool fresh);
  absl::StatusOr<Transaction> BeginImpl(TxMode mode, bool fresh);
  // Gives a connection back; closes it instead when `close`. `lost` says
  // the server connection died.
  void Return(std::unique_ptr<internal::PooledConnection> conn, bool close,
              bool lost);
  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The jitter of retry backoffs (one generator per thread: no lock).
  static absl::BitGen& RetryRandom();

  const DbConfig config_;
  const std::vector<DbEndpoint> endpoints_;  // DbEndpoints(config_)
  mutable absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;  // index in endpoints_
  std::vector<absl::Time> failed_at_ ABSL_GUARDED_BY(mu_);  // per node
  int64_t failovers_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::unique_ptr<internal::PooledConnection>> idle_
      ABSL_GUARDED_BY(mu_);
  int live_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t opened_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t discarded_ ABSL_GUARDED_BY(mu_) = 0;
  // Bumped whenever a connection is found lost; idle connections last
  // checked in an older epoch are pinged before use.
  int64_t loss_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t conflict_retries_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t not_ready_retries_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t checkout_timeouts_ ABSL_GUARDED_BY(mu_) = 0;

  // Reachability (under mu_, so a waiting checkout sees it change).
  bool probing_ ABSL_GUARDED_BY(mu_) = false;
  bool reachable_ ABSL_GUARDED_BY(mu_) = true;
  absl::Time unreachable_since_ ABSL_GUARDED_BY(mu_);
  std::string transition_ ABSL_GUARDED_BY(mu_);  // why of the last change

  absl::Mutex listener_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  ReachabilityListener listener_ ABSL_GUARDED_BY(listener_mu_);
  bool told_reachable_ ABSL_GUARDED_BY(listener_mu_) = true;

  absl::Mutex probe_mu_;  // one probe at a time; owns probe_conn_
  std::unique_ptr<internal::PooledConnection> probe_conn_
      ABSL_GUARDED_BY(probe_mu_);

  absl::Mutex thread_mu_;
  bool stop_probe_ ABSL_GUARDED_BY(thread_mu_) = false;
  std::thread probe_thread_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_DATABASE_H_
