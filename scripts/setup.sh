#!/usr/bin/env bash
# Installs every Debian package envcredit needs that is missing, then
# configures and builds the project. Idempotent and non-interactive: on a
# machine that has everything it only builds. Uses sudo when not root.
#
#   scripts/setup.sh            build into build/ (ENVCREDIT_BUILD_DIR overrides)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ENVCREDIT_BUILD_DIR:-$ROOT/build}

# Build: compiler, CMake, gRPC/protobuf/Abseil, Connector/C++, GoogleTest and
# Benchmark, OpenSSL (digests and signatures); clang with its runtime
# libraries (libFuzzer, ASan, UBSan) for scripts/fuzz.sh. Run: MariaDB server
# and client for the private database; python3 + grpcio for the
# other-language client test and examples.
PACKAGES=(
  g++ cmake make pkg-config
  clang libclang-rt-14-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libmysqlcppconn-dev libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus-cpp-dev  # the metrics endpoint (server/metrics)
  libjemalloc-dev  # the server's allocator (doc/decisions.md)
  mariadb-server mariadb-client
  mariadb-backup  # scripts/backup.sh and restore.sh (doc/operations.md); SST of scripts/cluster.sh
  galera-4 socat  # scripts/cluster.sh: the Galera provider, and socat for mariabackup SST (doc/deployment.md)
  python3 python3-grpcio python3-grpc-tools python3-protobuf
  chromium chromium-driver python3-selenium  # tests/browser: published index.html
  fonts-noto-cjk  # so the browser test's screenshots show the Chinese text
  dpkg-dev  # dpkg-shlibdeps: the .deb's Depends (cpack -G DEB, tests/package)
  ccache  # rebuilds of sources another clone compiled are cache hits (scripts/ccache.sh)
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  # policy-rc.d may deny starting the system MariaDB service; that is what we
  # want (the project runs its own private instance), so the install goes on.
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

source "$ROOT/scripts/ccache.sh"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE="${ENVCREDIT_BUILD_TYPE:-RelWithDebInfo}" \
  "${CCACHE_CMAKE_ARGS[@]}" >/dev/null
cmake --build "$BUILD" -j2
