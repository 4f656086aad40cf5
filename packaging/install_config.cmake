# Installs the systemd unit and the /etc files (install(SCRIPT) of
# package.cmake; ENVCREDIT_* set just before it). With the prefix /usr (the
# package) they go to /lib/systemd/system and /etc/envcredit as written in
# packaging/; with another prefix under it, their /usr/bin, /usr/share and
# /etc/envcredit paths rewritten to match. DESTDIR applies as to every file.
set(_prefix "${CMAKE_INSTALL_PREFIX}")
if(_prefix STREQUAL "/usr")
  set(_sysconf "/etc")
  set(_unitdir "/lib/systemd/system")
else()
  set(_sysconf "${_prefix}/etc")
  set(_unitdir "${_prefix}/lib/systemd/system")
endif()

file(MAKE_DIRECTORY "${ENVCREDIT_STAGING_DIR}")
foreach(_name envcredit-server.service server.flags server.env)
  file(READ "${ENVCREDIT_PACKAGING_DIR}/${_name}" _text)
  if(NOT _prefix STREQUAL "/usr")
    string(REPLACE "/usr/bin/" "${_prefix}/${ENVCREDIT_INSTALL_BINDIR}/" _text "${_text}")
    string(REPLACE "/usr/share/" "${_prefix}/${ENVCREDIT_INSTALL_DATADIR}/" _text "${_text}")
    string(REPLACE "/etc/envcredit/" "${_sysconf}/envcredit/" _text "${_text}")
  endif()
  file(WRITE "${ENVCREDIT_STAGING_DIR}/${_name}" "${_text}")
endforeach()

file(INSTALL DESTINATION "${_unitdir}" TYPE FILE
  FILES "${ENVCREDIT_STAGING_DIR}/envcredit-server.service")
file(INSTALL DESTINATION "${_sysconf}/envcredit" TYPE FILE
  FILES "${ENVCREDIT_STAGING_DIR}/server.flags")
# The database password goes here: owner (root) only.
file(INSTALL DESTINATION "${_sysconf}/envcredit" TYPE FILE
  PERMISSIONS OWNER_READ OWNER_WRITE
  FILES "${ENVCREDIT_STAGING_DIR}/server.env")
