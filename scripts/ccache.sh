# Sourced by the build scripts (setup.sh, test-sanitized.sh, fuzz.sh) after
# they set ROOT: fills CCACHE_CMAKE_ARGS, the CMake flags that put ccache in
# front of the compilers when it is installed and its cache can be written
# (setup.sh installs it), or clear a launcher an earlier configure set.
#
# Why: `.ci/run` builds a fresh clone twice (plain and sanitized), about
# 40 of its minutes on 2 cores; with ccache, sources another clone already
# compiled cost only their links. CCACHE_BASEDIR makes the compile lines'
# paths relative to the clone and CCACHE_NOHASHDIR leaves the build folder
# out of the hash, so one clone's objects serve another's (their debug info
# then names the first clone's build folder, which only a debugger reads).
# ENVCREDIT_CCACHE=0 builds without it.
CCACHE_CMAKE_ARGS=(-DCMAKE_C_COMPILER_LAUNCHER= -DCMAKE_CXX_COMPILER_LAUNCHER=)
if [[ ${ENVCREDIT_CCACHE:-1} == 1 ]] && command -v ccache >/dev/null; then
  ccache_dir=$(ccache --get-config cache_dir 2>/dev/null || true)
  if [[ -n $ccache_dir ]] && mkdir -p "$ccache_dir" 2>/dev/null && [[ -w $ccache_dir ]]; then
    export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1
    CCACHE_CMAKE_ARGS=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  unset ccache_dir
fi
