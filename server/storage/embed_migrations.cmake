# Generates a C++ file that embeds the migration scripts of MIGRATIONS_DIR
# (NNNN_name.sql, numbered 0001, 0002, ... without gaps) with their SHA-256.
# Run by the build (see CMakeLists.txt):
#   cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.cc> -P embed_migrations.cmake
file(GLOB files RELATIVE "${MIGRATIONS_DIR}" "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "")
set(expected 1)
foreach(file IN LISTS files)
  if(NOT file MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration ${file}: name must be NNNN_lower_snake.sql")
  endif()
  set(number "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_1}_${CMAKE_MATCH_2}")
  math(EXPR version "${number}")
  if(NOT version EQUAL expected)
    message(FATAL_ERROR "migration ${file}: expected version ${expected} (no gaps, no duplicates)")
  endif()
  math(EXPR expected "${expected} + 1")
  file(READ "${MIGRATIONS_DIR}/${file}" sql)
  if(sql MATCHES "\\)envcredit_sql\"")
    message(FATAL_ERROR "migration ${file} contains the raw-string delimiter")
  endif()
  file(SHA256 "${MIGRATIONS_DIR}/${file}" checksum)
  string(APPEND body "    {${version}, \"${name}\", R\"envcredit_sql(${sql})envcredit_sql\",\n     \"${checksum}\"},\n")
endforeach()
if(expected EQUAL 1)
  message(FATAL_ERROR "no migrations in ${MIGRATIONS_DIR}")
endif()
set(content "// Generated from server/storage/migrations/*.sql by embed_migrations.cmake.
// Do not edit.
#include \"server/storage/migrations.h\"

namespace envcredit::storage {

absl::Span<const Migration> EmbeddedMigrations() {
  static const Migration kMigrations[] = {
${body}  };
  return kMigrations;
}

}  // namespace envcredit::storage
")
# Rewrite only on change, so an unchanged migration set does not rebuild.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
