#include "server/storage/database.h"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>

#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/storage/sql_error.h"
#include "server/storage/transaction_retry.h"

namespace envcredit::storage {

namespace internal {

// One server connection and the statements prepared on it. Owned by the
// pool while idle, by a Session while checked out; never shared.
class PooledConnection {
 public:
  explicit PooledConnection(std::unique_ptr<sql::Connection> conn)
      : conn_(std::move(conn)) {}

  ~PooledConnection() {
    statements_.clear();  // statements before their connection
    try {
      if (conn_ != nullptr) conn_->close();
    } catch (const std::exception&) {
      // A dead connection may complain while closing; nothing to do.
    }
  }

  sql::Connection& conn() { return *conn_; }

  // The statement prepared for `sql` on this connection, preparing it on
  // first use. Throws sql::SQLException.
  sql::PreparedStatement& Prepare(absl::string_view sql) {
    std::string key(sql);
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      if (statements_.size() >= kMaxStatements) statements_.clear();
      std::unique_ptr<sql::PreparedStatement> statement(
          conn_->prepareStatement(sql::SQLString(key)));
      it = statements_.emplace(std::move(key), std::move(statement)).first;
    }
    return *it->second;
  }

  int64_t checked_epoch = 0;  // the pool's loss epoch when last known good
  int endpoint = 0;           // the node it is connected to (DbEndpoints index)

 private:
  // SQL text is constant in the code, so the cache stays small; the bound
  // only guards against a caller that builds many distinct texts.
  static constexpr size_t kMaxStatements = 256;

  std::unique_ptr<sql::Connection> conn_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>
      statements_;
};

}  // namespace internal

namespace {

using internal::PooledConnection;

// Session settings of every connection: strict mode (an out-of-range or
// too-long value is an error, never silently changed) and UTC.
//
// READ COMMITTED: each statement sees what is committed when it runs. The
// rating of an enterprise is recomputed inside every write after its rows are
// locked (mysql_rating_repository.h); under REPEATABLE READ those reads would
// come from a snapshot taken before the lock was granted and could miss a
// record another writer had just committed.
constexpr char kIsolation[] =
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
//
// innodb_lock_wait_timeout (from DbConfig, below the read timeout): a row
// lock wait ends as error 1205 (ABORTED, DB_CONFLICT) before the connector's
// read timeout would cut the connection.
constexpr char kSessionSetup[] =
    "SET SESSION sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,"
    "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
    "time_zone = '+00:00', innodb_lock_wait_timeout = ";

// The connector takes whole seconds: rounded up, at least 1.
int WholeSeconds(absl::Duration d) {
  return static_cast<int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1)))));
}

// "3.0 s" for log lines.
std::string FormatSeconds(absl::Duration d) {
  return absl::StrFormat("%.1f s", absl::ToDoubleSeconds(d));
}

// The error a connector exception carries, for log lines (never clients).
std::string ExceptionText(const std::exception& e) {
  if (const auto* sql_error = dynamic_cast<const sql::SQLException*>(&e)) {
    return absl::StrCat("MySQL error ", sql_error->getErrorCode(), ": ",
                        e.what());
  }
  return e.what();
}

// A statement that lost its connection after waiting at least this long is
// taken for a timeout (the server did not answer), not for a connection that
// died while idle (which fails at once).
constexpr absl::Duration kTimedOutAfter = absl::Seconds(1);

// The driver is created once, before any connection, whatever thread comes
// first (a function-local static is initialised exactly once).
sql::Driver* Driver() {
  static sql::Driver* const driver = get_driver_instance();
  return driver;
}

// The one place where a Connector/C++ exception becomes a status.
absl::Status StatusFromSqlException(const sql::SQLException& e,
                                    absl::string_view context) {
  return MapSqlError(e.getErrorCode(), e.getSQLState(), e.what(), context);
}

absl::Status StatusFromException(const std::exception& e,
                                 absl::string_view context) {
  if (const auto* sql_error = dynamic_cast<const sql::SQLException*>(&e)) {
    return StatusFromSqlException(*sql_error, context);
  }
  return MapSqlError(0, "HY000", e.what(), context);
}

// Opens a connection with the settings of `config` (no default schema when
// `with_schema` is false) and prepares its session. On failure, *error_text
// (when given) says what the connector reported.
absl::StatusOr<std::unique_ptr<sql::Connection>> Connect(
    const DbConfig& config, const DbEndpoint& endpoint, bool with_schema,
    std::string* error_text = nullptr) {
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(endpoint.host);
  options["port"] = endpoint.port;
  options["userName"] = sql::SQLString(config.user);
  options["password"] = sql::SQLString(config.password);
  if (with_schema && !config.database.empty()) {
    options["schema"] = sql::SQLString(config.database);
  }
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");  // never "utf8"
  options["OPT_RECONNECT"] = false;  // a silent reconnect loses the session
  // Every wait is bounded: the connection attempt, and each read and write
  // of the connection afterwards (a frozen server cannot hold a call).
  options["OPT_CONNECT_TIMEOUT"] = WholeSeconds(config.connect_timeout);
  options["OPT_READ_TIMEOUT"] = WholeSeconds(config.read_timeout);
  options["OPT_WRITE_TIMEOUT"] = WholeSeconds(config.write_timeout);
  try {
    std::unique_ptr<sql::Connection> conn(Driver()->connect(options));
    std::unique_ptr<sql::Statement> statement(conn->createStatement());
    statement->execute(sql::SQLString(absl::StrCat(
        kSessionSetup, WholeSeconds(config.lock_wait_timeout))));
    statement->execute(kIsolation);
    return conn;
  } catch (const std::exception& e) {
    if (error_text != nullptr) *error_text = ExceptionText(e);
    return StatusFromException(e, "connect");
  }
}

void BindParams(sql::PreparedStatement& statement,
                absl::Span<const SqlValue> params,
                std::vector<std::unique_ptr<std::istringstream>>& blobs) {
  statement.clearParameters();
  unsigned int index = 1;
  for (const SqlValue& param : params) {
    switch (param.kind()) {
      case SqlValue::Kind::kNull:
        statement.setNull(index, 0);
        break;
      case SqlValue::Kind::kInt:
        statement.setInt64(index, param.int_value());
        break;
      case SqlValue::Kind::kText:
        statement.setString(index, sql::SQLString(param.text()));
        break;
      case SqlValue::Kind::kBytes:
        blobs.push_back(std::make_unique<std::istringstream>(param.text()));
        statement.setBlob(index, blobs.back().get());
        break;
    }
    ++index;
  }
}

std::vector<Row> ReadRows(sql::ResultSet& result) {
  std::vector<Row> rows;
  const unsigned int columns = result.getMetaData()->getColumnCount();
  while (result.next()) {
    std::vector<std::optional<std::string>> values;
    values.reserve(columns);
    for (unsigned int i = 1; i <= columns; ++i) {
      if (result.isNull(i)) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(result.getString(i)));
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

std::string Name(const DbEndpoint& endpoint) {
  return absl::StrCat(endpoint.host, ":", endpoint.port);
}

bool IsNotPrimary(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         ErrorReason(status) == kReasonDbNotPrimary;
}

// A failed node is tried again (before others that failed later) once this
// long has passed; when every node failed within it, the database counts as
// unreachable.
constexpr absl::Duration kNodeRetryAfter = absl::Seconds(3);

// What a client is told when no node of a cluster can serve.
constexpr char kNoNodeCanServe[] =
    "no node of the database cluster can serve: they are down, or the "
    "cluster lost its primary component (quorum); retry later";

// A short description of a statement for the log: its first words only.
std::string Describe(absl::string_view sql) {
  constexpr size_t kMax = 60;
  return std::string(sql.substr(0, kMax)) + (sql.size() > kMax ? "..." : "");
}

}  // namespace

// --- Row --------------------------------------------------------------------

const std::string& Row::GetString(int column) const {
  static const std::string* const kEmpty = new std::string();
  const std::optional<std::string>& value = values_.at(column);
  return value.has_value() ? *value : *kEmpty;
}

int64_t Row::GetInt64(int column) const {
  int64_t result = 0;
  const std::optional<std::string>& value = values_.at(column);
  if (!value.has_value() || !absl::SimpleAtoi(*value, &result)) return 0;
  return result;
}

absl::StatusOr<absl::Time> Row::GetTime(int column) const {
  const std::optional<std::string>& value = values_.at(column);
  absl::Time time;
  std::string error;
  if (!value.has_value() ||
      !absl::ParseTime("%Y-%m-%d %H:%M:%E*S", *value, absl::UTCTimeZone(),
                       &time, &error)) {
    return MakeError(absl::StatusCode::kInternal, kReasonDbError,
                     "the database returned a malformed time");
  }
  return time;
}

// --- Session ----------------------------------------------------------------

Session::Session(Database* db, std::unique_ptr<PooledConnection> conn)
    : db_(db), conn_(std::move(conn)) {}

Session::Session(Session&& other) noexcept
    : db_(other.db_),
      conn_(std::move(other.conn_)),
      connection_lost_(other.connection_lost_),
      discard_(other.discard_) {
  other.db_ = nullptr;
}

Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = other.db_;
    conn_ = std::move(other.conn_);
    connection_lost_ = other.connection_lost_;
    discard_ = other.discard_;
    other.db_ = nullptr;
  }
  return *this;
}

Session::~Session() { Release(); }

void Session::Release() {
  if (conn_ != nullptr && db_ != nullptr) {
    db_->Return(std::move(conn_), /*close=*/connection_lost_ || discard_,
                /*lost=*/connection_lost_);
  }
  conn_.reset();
  db_ = nullptr;
}

absl::Status Session::Note(absl::Status status) {
  if (IsDbUnavailable(status)) connection_lost_ = true;
  NoteNodeNotPrimary(status);
  return status;
}

void Session::NoteNodeNotPrimary(const absl::Status& status) {
  if (!IsNotPrimary(status) || db_ == nullptr || conn_ == nullptr) return;
  // The node left the primary component (or is not synced): this
  // connection is useless, and with several nodes the next attempt goes to
  // another one.
  discard_ = true;
  db_->NodeFailed(conn_->endpoint, "it is not in the cluster's primary component "
                                   "(MySQL error 1047/1180)",
                  /*not_primary=*/true);
}

absl::Status Session::NoteFailure(absl::Status status, const std::exception& e,
                                  absl::Time start) {
  if (IsDbUnavailable(status)) {
    connection_lost_ = true;
    const absl::Duration waited = absl::Now() - start;
    if (waited >= kTimedOutAfter && db_ != nullptr) {
      db_->NodeFailed(conn_->endpoint,
                      absl::StrCat("a statement got no answer for ",
                                   FormatSeconds(waited), " (",
                                   ExceptionText(e), ")"));
    }
  }
  NoteNodeNotPrimary(status);
  return status;
}

absl::StatusOr<uint64_t> Session::Execute(absl::string_view sql,
                                          absl::Span<const SqlValue> params) {
  if (!valid() || connection_lost_) {
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                     "the database connection was lost; retry later");
  }
  const absl::Time start = absl::Now();
  try {
    sql::PreparedStatement& statement = conn_->Prepare(sql);
    std::vector<std::unique_ptr<std::istringstream>> blobs;
    BindParams(statement, params, blobs);
    return static_cast<uint64_t>(statement.executeUpdate());
  } catch (const std::exception& e) {
    return NoteFailure(StatusFromException(e, Describe(sql)), e, start);
  }
}

absl::StatusOr<std::vector<Row>> Session::Query(
    absl::string_view sql, absl::Span<const SqlValue> params) {
  if (!valid() || connection_lost_) {
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                     "the database connection was lost; retry later");
  }
  const absl::Time start = absl::Now();
  try {
    sql::PreparedStatement& statement = conn_->Prepare(sql);
    std::vector<std::unique_ptr<std::istringstream>> blobs;
    BindParams(statement, params, blobs);
    std::unique_ptr<sql::ResultSet> result(statement.executeQuery());
    return ReadRows(*result);
  } catch (const std::exception& e) {
    return NoteFailure(StatusFromException(e, Describe(sql)), e, start);
  }
}

absl::StatusOr<std::optional<Row>> Session::QueryRow(
    absl::string_view sql, absl::Span<const SqlValue> params) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  if (rows.size() > 1) {
    LogError(absl::StrCat("storage: ", Describe(sql), ": ", rows.size(),
                          " rows, expected one"));
    return MakeError(absl::StatusCode::kInternal, kReasonDbError,
                     "internal database error");
  }
  return std::optional<Row>(std::move(rows.front()));
}

absl::StatusOr<int64_t> Session::LastInsertId() {
  ASSIGN_OR_RETURN(std::optional<Row> row, QueryRow("SELECT LAST_INSERT_ID()"));
  return row.has_value() ? row->GetInt64(0) : 0;
}

absl::StatusOr<int64_t> Session::ConnectionId() {
  ASSIGN_OR_RETURN(std::optional<Row> row, QueryRow("SELECT CONNECTION_ID()"));
  return row.has_value() ? row->GetInt64(0) : 0;
}

absl::Status Session::ExecuteUnprepared(absl::string_view sql) {
  if (!valid() || connection_lost_) {
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                     "the database connection was lost; retry later");
  }
  const absl::Time start = absl::Now();
  try {
    std::unique_ptr<sql::Statement> statement(conn_->conn().createStatement());
    statement->execute(sql::SQLString(std::string(sql)));
    // Drain any result so the connection stays usable.
    do {
      std::unique_ptr<sql::ResultSet> result(statement->getResultSet());
    } while (statement->getMoreResults());
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return NoteFailure(StatusFromException(e, Describe(sql)), e, start);
  }
}

// --- Transaction ------------------------------------------------------------

Transaction::Transaction(Database* db, std::unique_ptr<PooledConnection> conn)
    : Session(db, std::move(conn)) {}

Transaction::Transaction(Transaction&& other) noexcept
    : Session(std::move(other)),
      finished_(other.finished_),
      commit_attempted_(other.commit_attempted_) {
  other.finished_ = true;
}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    Rollback();
    Session::operator=(std::move(other));
    finished_ = other.finished_;
    commit_attempted_ = other.commit_attempted_;
    other.finished_ = true;
  }
  return *this;
}

Transaction::~Transaction() { Rollback(); }

absl::Status Transaction::Commit() {
  if (finished_ || !valid()) {
    return absl::FailedPreconditionError("the transaction is already finished");
  }
  finished_ = true;
  commit_attempted_ = true;
  absl::Status status = ExecuteUnprepared("COMMIT");
  if (IsDbUnavailable(status)) {
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                     "the database connection was lost while committing; the "
                     "outcome is unknown: retry with the same request_id");
  }
  if (!status.ok()) Discard();  // leave no half-finished transaction behind
  return status;
}

void Transaction::Rollback() {
  if (finished_ || !valid()) return;
  finished_ = true;
  if (connection_lost()) return;  // the server rolled it back
  if (!ExecuteUnprepared("ROLLBACK").ok()) Discard();
}

// --- Database ---------------------------------------------------------------

Database::Database(const DbConfig& config)
    : config_(config),
      endpoints_(DbEndpoints(config)),
      failed_at_(endpoints_.size(), absl::InfinitePast()) {}

Database::~Database() {
  StopProbe();
  {
    absl::MutexLock lock(&probe_mu_);
    probe_conn_.reset();
  }
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const DbConfig& config) {
  RETURN_IF_ERROR(ValidateDbConfig(config));
  Driver();  // initialise the client library before any thread needs it
  if (config.create_database_if_missing && !config.database.empty()) {
    // On the first node that answers: DDL reaches every node of a cluster.
    absl::StatusOr<std::unique_ptr<sql::Connection>> opened;
    for (const DbEndpoint& endpoint : DbEndpoints(config)) {
      opened = Connect(config, endpoint, /*with_schema=*/false);
      if (opened.ok() || !IsDbUnavailable(opened.status())) break;
    }
    RETURN_IF_ERROR(opened.status());
    std::unique_ptr<sql::Connection> admin = *std::move(opened);
    try {
      std::unique_ptr<sql::Statement> statement(admin->createStatement());
      // The name is an identifier checked by ValidateDbConfig
      // ([A-Za-z0-9_$]{0,64}), so quoting it with backticks is safe.
      statement->execute(sql::SQLString(
          absl::StrCat("CREATE DATABASE IF NOT EXISTS `", config.database,
                       "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")));
      admin->close();
    } catch (const std::exception& e) {
      return StatusFromException(e, "create database");
    }
  }
  std::unique_ptr<Database> db(new Database(config));
  {
    // Proves the settings now rather than at the first request.
    ASSIGN_OR_RETURN(Session session, db->Checkout());
  }
  return db;
}

bool Database::CanAcquire() const {
  // Also wakes a waiting checkout when the database turns unreachable.
  return !idle_.empty() || live_ < config_.pool_size ||
         (probing_ && !reachable_);
}

absl::StatusOr<std::unique_ptr<PooledConnection>> Database::Acquire(
    bool fresh) {
  std::unique_ptr<PooledConnection> conn;
  int64_t epoch = 0;
  int endpoint = 0;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time deadline = absl::Now() + config_.checkout_timeout;
    const bool must_wait = !CanAcquire();
    if (must_wait) ++waiting_;
    const bool woken =
        mu_.AwaitWithDeadline(absl::Condition(this, &Database::CanAcquire),
                              deadline);
    if (must_wait) --waiting_;
    if (probing_ && !reachable_) {
      return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                       endpoints_.size() == 1
                           ? "the database is unreachable; retry later"
                           : kNoNodeCanServe);
    }
    if (!woken) {
      ++checkout_timeouts_;
      return MakeError(
          absl::StatusCode::kUnavailable, kReasonDbPoolExhausted,
          absl::StrCat("all ", config_.pool_size,
                       " database connections are busy; retry later"));
    }
    epoch = loss_epoch_;
    endpoint = active_;
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++live_;  // reserve the slot while connecting without the lock
    }
  }

  if (conn != nullptr && (fresh || conn->checked_epoch < epoch)) {
    bool valid = false;
    try {
      valid = conn->conn().isValid();
    } catch (const std::exception&) {
      valid = false;
    }
    if (valid) {
      conn->checked_epoch = epoch;
    } else {
      conn.reset();  // closes it; its slot is reused for a new connection
      absl::MutexLock lock(&mu_);
      ++discarded_;
    }
  }
  if (conn != nullptr) return conn;

  // A node that cannot be reached is skipped: each node once at most.
  absl::StatusOr<std::unique_ptr<sql::Connection>> opened;
  for (size_t tried = 1;; ++tried) {
    std::string error_text;
    opened = Connect(config_, endpoints_[endpoint], /*with_schema=*/true,
                     &error_text);
    const bool unreachable = !opened.ok() && IsDbUnavailable(opened.status());
    // A node out of the primary component may refuse the session setup.
    const bool not_primary = !opened.ok() && endpoints_.size() > 1 &&
                             IsNotPrimary(opened.status());
    if (!unreachable && !not_primary) break;
    NodeFailed(endpoint,
               not_primary ? std::string("it is not in the cluster's primary component")
                           : absl::StrCat("cannot connect to ", Name(endpoints_[endpoint]),
                                          ": ", error_text),
               not_primary);
    if (tried >= endpoints_.size()) break;
    absl::MutexLock lock(&mu_);
    if (probing_ && !reachable_) break;
    endpoint = active_;
  }
  absl::MutexLock lock(&mu_);
  if (!opened.ok()) {
    --live_;
    if (endpoints_.size() > 1 && IsDbUnavailable(opened.status())) {
      return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                       kNoNodeCanServe);
    }
    return opened.status();
  }
  ++opened_;
  auto pooled = std::make_unique<PooledConnection>(*std::move(opened));
  pooled->checked_epoch = loss_epoch_;
  pooled->endpoint = endpoint;
  return pooled;
}

void Database::Return(std::unique_ptr<PooledConnection> conn, bool close,
                      bool lost) {
  if (!close) {
    absl::MutexLock lock(&mu_);
    if (conn->endpoint == active_) {
      idle_.push_back(std::move(conn));
      return;
    }
    // A connection to a node the pool has left: closed below.
  }
  conn.reset();  // close outside the lock
  absl::MutexLock lock(&mu_);
  --live_;
  if (lost) {
    ++discarded_;
    ++loss_epoch_;  // its siblings may be dead too: ping them before use
  }
}

absl::StatusOr<Session> Database::Checkout() {
  ASSIGN_OR_RETURN(std::unique_ptr<PooledConnection> conn,
                   Acquire(/*fresh=*/false));
  return Session(this, std::move(conn));
}

absl::StatusOr<Transaction> Database::BeginImpl(TxMode mode, bool fresh) {
  ASSIGN_OR_RETURN(std::unique_ptr<PooledConnection> conn, Acquire(fresh));
  Transaction tx(this, std::move(conn));
  RETURN_IF_ERROR(tx.ExecuteUnprepared(mode == TxMode::kReadOnly
                                           ? "START TRANSACTION READ ONLY"
                                           : "START TRANSACTION"));
  return tx;
}

absl::StatusOr<Transaction> Database::Begin(TxMode mode) {
  return BeginImpl(mode, /*fresh=*/false);
}

namespace {

// ABORTED and UNAVAILABLE errors tell the client when to try again.
absl::Status WithClientRetry(absl::Status status, const TransactionRetryPolicy& policy) {
  if (status.code() == absl::StatusCode::kAborted ||
      status.code() == absl::StatusCode::kUnavailable) {
    return WithRetryDelay(std::move(status), policy.client_retry_delay);
  }
  return status;
}

}  // namespace

absl::Status Database::RunInTransaction(
    absl::FunctionRef<absl::Status(Transaction&)> fn, TxMode mode) {
  const TransactionRetryPolicy& policy = config_.retry;
  const absl::Time first_start = absl::Now();
  bool fresh = false;      // the next attempt opens a new connection
  bool lost_retried = false;  // a lost connection is run again once, at once
  int transient_retries = 0;
  while (true) {
    bool lost = false;       // lost before COMMIT was sent: nothing committed
    bool at_commit = false;  // the failure is COMMIT's own
    absl::Status status = [&]() -> absl::Status {
      absl::StatusOr<Transaction> tx = BeginImpl(mode, fresh);
      if (!tx.ok()) {
        lost = IsDbUnavailable(tx.status());
        return tx.status();
      }
      absl::Status done = fn(*tx);
      if (!done.ok()) {
        lost = tx->connection_lost();
        tx->Rollback();
        return done;
      }
      if (tx->connection_lost()) {
        // `fn` swallowed a lost connection: its work is gone, never commit.
        lost = true;
        return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                         "the database connection was lost; retry later");
      }
      at_commit = true;
      return tx->Commit();
    }();
    if (status.ok()) return status;
    fresh = false;
    if (lost && !lost_retried) {
      lost_retried = true;
      fresh = true;
      continue;
    }
    // A COMMIT that failed on a conflict (a Galera certification failure)
    // rolled back; any other COMMIT failure may have committed.
    TransientCause cause = TransientCauseOf(status);
    if (at_commit && cause != TransientCause::kConflict) cause = TransientCause::kNone;
    if (cause == TransientCause::kNone) return WithClientRetry(std::move(status), policy);
    const absl::Duration backoff =
        RetryBackoff(policy, transient_retries, absl::Uniform(RetryRandom(), 0.0, 1.0));
    if (transient_retries + 1 >= policy.max_attempts ||
        absl::Now() + backoff - first_start > policy.budget) {
      return WithClientRetry(std::move(status), policy);
    }
    ++transient_retries;
    {
      absl::MutexLock lock(&mu_);
      if (cause == TransientCause::kConflict) {
        ++conflict_retries_;
      } else {
        ++not_ready_retries_;
      }
    }
    absl::SleepFor(backoff);
  }
}

absl::Status Database::RunReads(absl::FunctionRef<absl::Status(Session&)> fn) {
  constexpr int kAttempts = 2;
  absl::Status status;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const bool last = attempt + 1 == kAttempts;
    absl::StatusOr<std::unique_ptr<PooledConnection>> conn = Acquire(/*fresh=*/attempt > 0);
    if (!conn.ok()) {
      status = conn.status();
      if (IsDbUnavailable(status) && !last) continue;
      return status;
    }
    Session session(this, *std::move(conn));
    status = fn(session);
    // A read that failed on a lost connection changed nothing: run it again
    // (on the next node, when the node left the primary component).
    const bool node_left = endpoints_.size() > 1 && IsNotPrimary(status);
    if (status.ok() || !(session.connection_lost() || node_left) || last) return status;
  }
  return status;
}

absl::Status Database::Ping() {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<std::unique_ptr<PooledConnection>> conn =
        Acquire(/*fresh=*/attempt > 0);
    if (!conn.ok()) {
      status = conn.status();
      if (IsDbUnavailable(status)) continue;
      return status;
    }
    Session session(this, *std::move(conn));
    absl::StatusOr<std::vector<Row>> rows = session.Query("SELECT 1");
    if (rows.ok()) return absl::OkStatus();
    status = rows.status();
    if (!session.connection_lost()) return status;
  }
  return status;
}

absl::BitGen& Database::RetryRandom() {
  thread_local absl::BitGen gen;
  return gen;
}

PoolStats Database::stats() const {
  absl::MutexLock lock(&mu_);
  PoolStats stats;
  stats.live = live_;
  stats.idle = static_cast<int>(idle_.size());
  stats.opened = opened_;
  stats.discarded = discarded_;
  stats.conflict_retries = conflict_retries_;
  stats.not_ready_retries = not_ready_retries_;
  stats.waiting = waiting_;
  stats.checkout_timeouts = checkout_timeouts_;
  stats.failovers = failovers_;
  stats.active_node = active_;
  return stats;
}

// --- Reachability -----------------------------------------------------------

bool Database::reachable() const {
  absl::MutexLock lock(&mu_);
  return !probing_ || reachable_;
}

std::string Database::active_node() const {
  absl::MutexLock lock(&mu_);
  return Name(endpoints_[active_]);
}

std::vector<std::unique_ptr<PooledConnection>> Database::SwitchLocked(int endpoint) {
  std::vector<std::unique_ptr<PooledConnection>> closing = std::move(idle_);
  idle_.clear();
  live_ -= static_cast<int>(closing.size());
  discarded_ += static_cast<int64_t>(closing.size());
  active_ = endpoint;
  ++failovers_;
  ++loss_epoch_;
  return closing;
}

void Database::NodeFailed(int endpoint, absl::string_view why, bool not_primary) {
  if (endpoints_.size() == 1) {
    // One node: as before clusters, a node that is not primary is left to
    // the retry policy; an unreachable one fails calls fast.
    if (!not_primary) MarkUnreachable(why);
    return;
  }
  std::vector<std::unique_ptr<PooledConnection>> closing;
  std::string line;
  bool all_failed = false;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    failed_at_[endpoint] = now;
    if (endpoint != active_) return;  // already left
    // The next node: the one that failed longest ago, the earlier in the
    // list among equals. So every server with the same list picks the same
    // node, and all writes keep going to one node (doc/deployment.md).
    int next = -1;
    for (int i = 0; i < static_cast<int>(endpoints_.size()); ++i) {
      if (i == endpoint) continue;
      if (next < 0 || failed_at_[i] < failed_at_[next]) next = i;
    }
    all_failed = now - failed_at_[next] < kNodeRetryAfter;
    closing = SwitchLocked(next);
    line = absl::StrCat("database node ", Name(endpoints_[endpoint]), " failed: ",
                        why, "; now using ", Name(endpoints_[next]));
  }
  closing.clear();  // closes the idle connections outside the lock
  LogLimited(LogSeverity::kWarning,
             absl::StrCat("database node failed ", Name(endpoints_[endpoint])),
             line);
  if (all_failed) {
    MarkUnreachable(absl::StrCat("every node of the cluster failed within ",
                                 FormatSeconds(kNodeRetryAfter), "; last: ",
                                 line));
  }
}

void Database::SwitchTo(int endpoint, absl::string_view why) {
  std::vector<std::unique_ptr<PooledConnection>> closing;
  {
    absl::MutexLock lock(&mu_);
    if (endpoint == active_) return;
    closing = SwitchLocked(endpoint);
  }
  closing.clear();
  LogInfo(absl::StrCat("database node ", Name(endpoints_[endpoint]), " ", why,
                       "; now using it"));
}

void Database::MarkUnreachable(absl::string_view why) {
  {
    absl::MutexLock lock(&mu_);
    if (!probing_ || !reachable_) return;
    reachable_ = false;
    unreachable_since_ = absl::Now();
    transition_ = absl::StrCat("database unreachable: ", why);
  }
  NotifyListener();
}

void Database::MarkReachable() {
  {
    absl::MutexLock lock(&mu_);
    if (!probing_ || reachable_) return;
    reachable_ = true;
    transition_ = absl::StrCat("database reachable again after ",
                               FormatSeconds(absl::Now() - unreachable_since_));
    ++loss_epoch_;  // pooled connections may have died meanwhile: ping them
  }
  NotifyListener();
}

void Database::NotifyListener() {
  absl::MutexLock listener_lock(&listener_mu_);
  bool now_reachable;
  std::string why;
  {
    absl::MutexLock lock(&mu_);
    now_reachable = !probing_ || reachable_;
    why = transition_;
  }
  if (now_reachable == told_reachable_) return;
  told_reachable_ = now_reachable;
  if (listener_) listener_(now_reachable, why);
}

absl::Status Database::Probe() {
  absl::MutexLock probe_lock(&probe_mu_);
  absl::Status status;
  // The node in use; when it fails, the next one, each node once at most.
  for (size_t tried = 0; tried < endpoints_.size(); ++tried) {
    int endpoint;
    {
      absl::MutexLock lock(&mu_);
      endpoint = active_;
    }
    status = ProbeNode(endpoint);
    if (status.ok()) {
      MarkReachable();
      if (endpoint > 0) FailBack(endpoint);
      return status;
    }
    const bool node_failed = IsDbUnavailable(status) ||
                             (endpoints_.size() > 1 && IsNotPrimary(status));
    if (!node_failed) return status;
  }
  return status;
}

DbConfig Database::ProbeConfig() const {
  // The probe waits no longer than a connection attempt, also for SELECT 1.
  DbConfig probe_config = config_;
  probe_config.read_timeout = config_.connect_timeout;
  probe_config.write_timeout = config_.connect_timeout;
  if (probe_config.lock_wait_timeout >= probe_config.read_timeout) {
    probe_config.lock_wait_timeout = absl::Seconds(1);  // SELECT 1 locks nothing
  }
  return probe_config;
}

void Database::FailBack(int active) {
  // A node earlier in the list that is back and synced takes the work
  // again, so that servers which failed over at different moments end on
  // the same node. Galera's wsrep_local_state is 4 when Synced; a server
  // without Galera has no such row and counts as ready.
  const DbConfig probe_config = ProbeConfig();
  for (int endpoint = 0; endpoint < active; ++endpoint) {
    absl::StatusOr<std::unique_ptr<sql::Connection>> opened =
        Connect(probe_config, endpoints_[endpoint], /*with_schema=*/true);
    if (!opened.ok()) continue;
    try {
      std::unique_ptr<sql::Statement> statement((*opened)->createStatement());
      std::unique_ptr<sql::ResultSet> result(statement->executeQuery(
          sql::SQLString("SHOW STATUS LIKE 'wsrep_local_state'")));
      const bool synced = !result->next() || result->getString(2) == "4";
      (*opened)->close();
      if (synced) {
        SwitchTo(endpoint, "is back and synced");
        return;
      }
    } catch (const std::exception&) {
      // Not ready yet: tried again at the next probe.
    }
  }
}

absl::Status Database::ProbeNode(int endpoint) {
  const DbConfig probe_config = ProbeConfig();
  if (probe_conn_ != nullptr && probe_conn_->endpoint != endpoint) {
    probe_conn_.reset();
  }
  std::string error_text;
  const std::string name = Name(endpoints_[endpoint]);
  // A kept connection may have died with a database restart: then one more
  // try on a new one before calling the node failed.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = probe_conn_ == nullptr;
    if (fresh) {
      absl::StatusOr<std::unique_ptr<sql::Connection>> opened =
          Connect(probe_config, endpoints_[endpoint], /*with_schema=*/true,
                  &error_text);
      if (!opened.ok()) {
        if (IsDbUnavailable(opened.status())) {
          NodeFailed(endpoint, absl::StrCat("cannot connect to ", name, ": ",
                                            error_text));
        } else if (IsNotPrimary(opened.status())) {
          NodeFailed(endpoint, "it is not in the cluster's primary component",
                     /*not_primary=*/true);
        }
        return opened.status();
      }
      probe_conn_ = std::make_unique<PooledConnection>(*std::move(opened));
      probe_conn_->endpoint = endpoint;
    }
    const absl::Time start = absl::Now();
    try {
      std::unique_ptr<sql::Statement> statement(
          probe_conn_->conn().createStatement());
      std::unique_ptr<sql::ResultSet> result(
          statement->executeQuery(sql::SQLString("SELECT 1")));
      while (result->next()) {
      }
      return absl::OkStatus();
    } catch (const std::exception& e) {
      probe_conn_.reset();
      absl::Status status = StatusFromException(e, "probe");
      error_text = ExceptionText(e);
      if (IsNotPrimary(status)) {
        NodeFailed(endpoint, absl::StrCat("it is not in the cluster's primary "
                                          "component (", error_text, ")"),
                   /*not_primary=*/true);
        return status;
      }
      if (!IsDbUnavailable(status)) return status;
      const absl::Duration waited = absl::Now() - start;
      if (fresh || attempt > 0 || waited >= kTimedOutAfter) {
        NodeFailed(endpoint, absl::StrCat("the probe got no answer for ",
                                          FormatSeconds(waited), " (",
                                          error_text, ")"));
        return status;
      }
    }
  }
  return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                   "the database is unreachable; retry later");
}

void Database::StartProbe(absl::Duration period,
                          ReachabilityListener listener) {
  {
    absl::MutexLock listener_lock(&listener_mu_);
    listener_ = std::move(listener);
  }
  {
    absl::MutexLock lock(&thread_mu_);
    if (probe_thread_.joinable()) return;
    stop_probe_ = false;
  }
  {
    absl::MutexLock lock(&mu_);
    probing_ = true;
    reachable_ = true;
  }
  Probe().IgnoreError();  // a first answer before the server serves
  absl::MutexLock lock(&thread_mu_);
  probe_thread_ = std::thread([this, period]() { ProbeLoop(period); });
}

void Database::ProbeLoop(absl::Duration period) {
  for (;;) {
    {
      absl::MutexLock lock(&thread_mu_);
      if (thread_mu_.AwaitWithTimeout(absl::Condition(&stop_probe_), period)) {
        return;
      }
    }
    Probe().IgnoreError();
    FlushLimitedLogs();  // counts of repeated lines that went quiet
  }
}

void Database::StopProbe() {
  std::thread thread;
  {
    absl::MutexLock lock(&thread_mu_);
    stop_probe_ = true;
    thread = std::move(probe_thread_);
  }
  if (thread.joinable()) thread.join();
  {
    absl::MutexLock lock(&mu_);
    probing_ = false;
    reachable_ = true;
  }
  absl::MutexLock listener_lock(&listener_mu_);
  listener_ = nullptr;
  told_reachable_ = true;
}

}  // namespace envcredit::storage
