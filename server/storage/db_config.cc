#include "server/storage/db_config.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace envcredit::storage {
namespace {

constexpr const char* kKeys[] = {
    "ENVCREDIT_DB_HOST",
    "ENVCREDIT_DB_PORT",
    "ENVCREDIT_DB_HOSTS",
    "ENVCREDIT_DB_USER",
    "ENVCREDIT_DB_PASSWORD",
    "ENVCREDIT_DB_NAME",
    "ENVCREDIT_DB_POOL_SIZE",
    "ENVCREDIT_DB_CONNECT_TIMEOUT_MS",
    "ENVCREDIT_DB_CHECKOUT_TIMEOUT_MS",
    "ENVCREDIT_DB_READ_TIMEOUT_MS",
    "ENVCREDIT_DB_WRITE_TIMEOUT_MS",
    "ENVCREDIT_DB_LOCK_WAIT_TIMEOUT_MS",
};

absl::StatusOr<int> ParseInt(absl::string_view key, absl::string_view value,
                             int min, int max) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed) || parsed < min || parsed > max) {
    return InvalidArgument(key, "INVALID_DB_SETTING",
                           absl::StrCat(key, " must be a number in ", min, "..",
                                        max, ", got \"", value, "\""));
  }
  return parsed;
}

bool IsIdentifier(absl::string_view name) {
  if (name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '$') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status ApplyDbSetting(absl::string_view key, absl::string_view value,
                            DbConfig& config) {
  if (key == "ENVCREDIT_DB_HOST") {
    config.host = std::string(value);
  } else if (key == "ENVCREDIT_DB_PORT") {
    ASSIGN_OR_RETURN(config.port, ParseInt(key, value, 1, 65535));
  } else if (key == "ENVCREDIT_DB_HOSTS") {
    ASSIGN_OR_RETURN(config.hosts, ParseDbHosts(key, value));
  } else if (key == "ENVCREDIT_DB_USER") {
    config.user = std::string(value);
  } else if (key == "ENVCREDIT_DB_PASSWORD") {
    config.password = std::string(value);
  } else if (key == "ENVCREDIT_DB_NAME") {
    config.database = std::string(value);
  } else if (key == "ENVCREDIT_DB_POOL_SIZE") {
    ASSIGN_OR_RETURN(config.pool_size, ParseInt(key, value, 1, 1000));
  } else if (key == "ENVCREDIT_DB_CONNECT_TIMEOUT_MS") {
    ASSIGN_OR_RETURN(int ms, ParseInt(key, value, 1, 3600 * 1000));
    config.connect_timeout = absl::Milliseconds(ms);
  } else if (key == "ENVCREDIT_DB_CHECKOUT_TIMEOUT_MS") {
    ASSIGN_OR_RETURN(int ms, ParseInt(key, value, 1, 3600 * 1000));
    config.checkout_timeout = absl::Milliseconds(ms);
  } else if (key == "ENVCREDIT_DB_READ_TIMEOUT_MS") {
    ASSIGN_OR_RETURN(int ms, ParseInt(key, value, 1, 3600 * 1000));
    config.read_timeout = absl::Milliseconds(ms);
  } else if (key == "ENVCREDIT_DB_WRITE_TIMEOUT_MS") {
    ASSIGN_OR_RETURN(int ms, ParseInt(key, value, 1, 3600 * 1000));
    config.write_timeout = absl::Milliseconds(ms);
  } else if (key == "ENVCREDIT_DB_LOCK_WAIT_TIMEOUT_MS") {
    ASSIGN_OR_RETURN(int ms, ParseInt(key, value, 1, 3600 * 1000));
    config.lock_wait_timeout = absl::Milliseconds(ms);
  }
  return absl::OkStatus();
}

std::vector<DbEndpoint> DbEndpoints(const DbConfig& config) {
  if (!config.hosts.empty()) return config.hosts;
  return {DbEndpoint{config.host, config.port}};
}

std::string DescribeDbEndpoints(const DbConfig& config) {
  return absl::StrJoin(DbEndpoints(config), ",",
                       [](std::string* out, const DbEndpoint& endpoint) {
                         absl::StrAppend(out, endpoint.host, ":", endpoint.port);
                       });
}

absl::StatusOr<std::vector<DbEndpoint>> ParseDbHosts(absl::string_view setting,
                                                     absl::string_view text) {
  constexpr size_t kMaxHosts = 16;
  auto bad = [&](absl::string_view why) {
    return InvalidArgument(setting, "INVALID_DB_SETTING",
                           absl::StrCat(setting, " must be host:port,host:port,... (",
                                        why, "), got \"", text, "\""));
  };
  std::vector<DbEndpoint> endpoints;
  if (absl::StripAsciiWhitespace(text).empty()) return endpoints;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    const size_t colon = item.rfind(':');
    if (colon == absl::string_view::npos || colon == 0) return bad("a host and a port each");
    DbEndpoint endpoint{std::string(item.substr(0, colon)), 0};
    if (!absl::SimpleAtoi(item.substr(colon + 1), &endpoint.port) ||
        endpoint.port < 1 || endpoint.port > 65535) {
      return bad("ports in 1..65535");
    }
    for (const DbEndpoint& seen : endpoints) {
      if (seen == endpoint) return bad("each node once");
    }
    endpoints.push_back(std::move(endpoint));
  }
  if (endpoints.size() > kMaxHosts) return bad("at most 16 nodes");
  return endpoints;
}

absl::StatusOr<DbConfig> DbConfigFromEnv(DbConfig defaults) {
  for (const char* key : kKeys) {
    // getenv is safe here: nothing in the process calls setenv concurrently.
    if (const char* value = std::getenv(key)) {
      RETURN_IF_ERROR(ApplyDbSetting(key, value, defaults));
    }
  }
  return defaults;
}

absl::StatusOr<DbConfig> DbConfigFromEnvFile(const std::string& path,
                                             DbConfig defaults) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read database settings from ", path));
  }
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view view = absl::StripAsciiWhitespace(line);
    if (view.empty() || view.front() == '#') continue;
    absl::ConsumePrefix(&view, "export ");
    size_t eq = view.find('=');
    if (eq == absl::string_view::npos) continue;
    RETURN_IF_ERROR(
        ApplyDbSetting(view.substr(0, eq), view.substr(eq + 1), defaults));
  }
  return defaults;
}

absl::Status ValidateDbConfig(const DbConfig& config) {
  auto bad = [](absl::string_view field, absl::string_view message) {
    return InvalidArgument(field, "INVALID_DB_SETTING", message);
  };
  if (config.hosts.empty()) {
    if (config.host.empty()) return bad("host", "the database host is empty");
    if (config.port < 1 || config.port > 65535) {
      return bad("port", "the database port must be in 1..65535");
    }
  } else {
    // The list as parsed by ParseDbHosts; checked again for a config built
    // in code.
    RETURN_IF_ERROR(ParseDbHosts("hosts", DescribeDbEndpoints(config)).status());
    for (const DbEndpoint& endpoint : config.hosts) {
      if (endpoint.host.empty()) return bad("hosts", "a database host is empty");
    }
  }
  if (config.user.empty()) return bad("user", "the database user is empty");
  if (config.pool_size < 1 || config.pool_size > 1000) {
    return bad("pool_size", "the pool size must be in 1..1000");
  }
  if (config.connect_timeout < absl::Seconds(1)) {
    return bad("connect_timeout", "the connect timeout must be at least 1 s");
  }
  if (config.read_timeout < absl::Seconds(1) ||
      config.write_timeout < absl::Seconds(1)) {
    return bad("read_timeout",
               "the read and write timeouts must be at least 1 s");
  }
  if (config.lock_wait_timeout < absl::Seconds(1) ||
      config.lock_wait_timeout >= config.read_timeout) {
    return bad("lock_wait_timeout",
               "the lock wait timeout must be at least 1 s and below the "
               "read timeout (a lock wait must end before the read does)");
  }
  if (config.checkout_timeout <= absl::ZeroDuration()) {
    return bad("checkout_timeout", "the checkout timeout must be positive");
  }
  RETURN_IF_ERROR(ValidateRetryPolicy(config.retry));
  if (!IsIdentifier(config.database)) {
    return bad("database",
               "the database name must be at most 64 characters of "
               "[A-Za-z0-9_$]");
  }
  return absl::OkStatus();
}

}  // namespace envcredit::storage
