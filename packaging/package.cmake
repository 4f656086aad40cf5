# Installation and the Debian package (packaging/README.md).
#
# `cmake --install` lays out, under CMAKE_INSTALL_PREFIX (GNUInstallDirs):
#   bin/envcredit-server, bin/envcredit-admin
#   share/envcredit/policies/*.textproto   (--policy_dir's compiled default)
#   share/doc/envcredit/                   (README.md, doc/*.md: links hold)
#   the systemd unit and the default flag and environment files: in
#   /lib/systemd/system and /etc/envcredit when the prefix is /usr (as in the
#   package), else in <prefix>/lib/systemd/system and <prefix>/etc/envcredit
#   with their paths rewritten to the prefix (install_config.cmake).
# Only the two programs and data files: no tests, benches or libraries.
#
# `cpack -G DEB` (CPackConfig.cmake in the build folder) packs the same files
# with the prefix /usr into envcredit_<version>_<arch>.deb.
include(GNUInstallDirs)
# cpack and `cmake --install` install what is built and build nothing (no
# tests, benches or fuzzers first): build envcredit-server and
# envcredit-admin before.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS envcredit-server envcredit-admin
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/policies/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/envcredit/policies
  FILES_MATCHING PATTERN "*.textproto")
install(FILES ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/doc/
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/doc
  FILES_MATCHING PATTERN "*.md")
# The unit and /etc files: where they go depends on the prefix at install
# time (cmake --install --prefix, or /usr under cpack), so a script decides.
install(CODE "
  set(ENVCREDIT_PACKAGING_DIR \"${CMAKE_CURRENT_LIST_DIR}\")
  set(ENVCREDIT_STAGING_DIR \"${CMAKE_BINARY_DIR}/packaging-staged\")
  set(ENVCREDIT_INSTALL_DATADIR \"${CMAKE_INSTALL_DATADIR}\")
  set(ENVCREDIT_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")")
install(SCRIPT ${CMAKE_CURRENT_LIST_DIR}/install_config.cmake)

# --policy_dir's default is compiled in from the configure-time prefix
# (server/CMakeLists.txt); the package's flag file names the policies
# anyway, but say so when the two differ.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
if(NOT CMAKE_INSTALL_PREFIX STREQUAL CPACK_PACKAGING_INSTALL_PREFIX)
  message(STATUS "envcredit: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}: the "
    ".deb's envcredit-server will default --policy_dir to "
    "${CMAKE_INSTALL_FULL_DATADIR}/envcredit/policies (its server.flags names "
    "/usr/share/envcredit/policies); configure with -DCMAKE_INSTALL_PREFIX=/usr "
    "for a release package")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME envcredit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "envcredit")
set(CPACK_PACKAGE_CONTACT "envcredit maintainers <envcredit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Environmental credit rating server (gRPC) and its admin CLI")
set(CPACK_PACKAGE_DESCRIPTION
  "envcredit-server keeps enterprises, their environmental records, ratings and
published lists in MariaDB and serves them over gRPC; envcredit-admin is its
command-line client. The package installs both programs, the rating policies,
the documentation, a hardened systemd unit (not enabled) and the default flag
file /etc/envcredit/server.flags.")
set(CPACK_STRIP_FILES ON)  # the RelWithDebInfo binaries are ~120 MB with debug info
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # envcredit_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_NAME envcredit)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# The shared libraries' packages (libgrpc++1.51, libprotobuf32,
# libmysqlcppconn7v5, libabsl20220623, libssl3, ...) from dpkg-shlibdeps,
# after adduser (postinst).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mariadb-server")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/conffiles
  ${CMAKE_CURRENT_LIST_DIR}/postinst
  ${CMAKE_CURRENT_LIST_DIR}/prerm
  ${CMAKE_CURRENT_LIST_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
