#!/usr/bin/env bash
# Sets BertLens up on a fresh Debian 12 machine: installs the Debian packages
# that are missing, builds, and then either runs the demo or every test.
#
#   tools/setup.sh          install, build, open the window (without a display:
#                           write the demo figures and run the command-line demo)
#   tools/setup.sh test     install, build, run every test (what CI runs),
#                           then the core tests again under ASan + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-demo}

packages=(build-essential cmake ninja-build pkg-config libeigen3-dev libutf8proc-dev
          nlohmann-json3-dev libgtest-dev qt6-base-dev qt6-svg-dev libqcustomplot-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "== installing: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== building (Release)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build

case "$mode" in
  demo)
    exec tools/demo.sh build/app/bertlens-cli
    ;;
  test)
    echo "== tests"
    ctest --test-dir build --output-on-failure -j 2
    echo "== core tests under AddressSanitizer + UndefinedBehaviorSanitizer"
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTLENS_SANITIZE=ON >/dev/null
    cmake --build build-asan --target core_tests bertlens-cli
    # Only the core tests are built there: leave out the window's Qt tests (tst_*).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j 2 -E '^tst_'
    ;;
  *)
    echo "usage: tools/setup.sh [demo|test]" >&2
    exit 2
    ;;
esac
