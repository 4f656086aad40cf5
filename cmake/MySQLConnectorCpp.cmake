# Finds MySQL Connector/C++ 1.1 (the JDBC-style cppconn/ API) and defines the
# imported target MySQLConnectorCpp::MySQLConnectorCpp. Debian's
# libmysqlcppconn-dev ships neither a CMake config nor a pkg-config file.
find_path(MYSQLCPPCONN_INCLUDE_DIR NAMES mysql_driver.h cppconn/driver.h)
find_library(MYSQLCPPCONN_LIBRARY NAMES mysqlcppconn)
if(NOT MYSQLCPPCONN_INCLUDE_DIR OR NOT MYSQLCPPCONN_LIBRARY)
  message(FATAL_ERROR
    "MySQL Connector/C++ not found: run scripts/setup.sh (installs libmysqlcppconn-dev)")
endif()
add_library(MySQLConnectorCpp::MySQLConnectorCpp UNKNOWN IMPORTED)
set_target_properties(MySQLConnectorCpp::MySQLConnectorCpp PROPERTIES
  IMPORTED_LOCATION "${MYSQLCPPCONN_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${MYSQLCPPCONN_INCLUDE_DIR}")
