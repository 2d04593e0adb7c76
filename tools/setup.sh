#!/usr/bin/env bash
# Sets BertLens up on a fresh Debian 12 machine: installs the Debian packages
# that are missing, builds, and then either runs the demo or every test.
#
#   tools/setup.sh          install, build, open the window (without a display:
#                           write the demo figures and run the command-line demo)
#   tools/setup.sh test     install, build, run every test (what CI runs), then
#                           every test again under ASan + UBSan (clang, which also
#                           builds the libFuzzer targets), the worker-thread tests
#                           under TSan, and each libFuzzer target for 20 s; prints
#                           how long each stage took
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-demo}

packages=(build-essential cmake ninja-build pkg-config libeigen3-dev libutf8proc-dev
          nlohmann-json3-dev libgtest-dev qt6-base-dev qt6-svg-dev libqcustomplot-dev python3)
# The test mode's fuzzing needs clang with libFuzzer (libclang-rt) and clang's OpenMP.
if [ "$mode" = test ]; then packages+=(clang libclang-rt-14-dev libomp-14-dev); fi
# The install test validates the .desktop file and the AppStream metainfo with these;
# tests/page opens the interactive page in headless chromium.
if [ "$mode" = test ]; then packages+=(desktop-file-utils appstream chromium); fi
# tests/npy reads the .npy export back with numpy.
if [ "$mode" = test ]; then packages+=(python3-numpy); fi
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
    # Each stage's wall time, printed at the end (also when a stage fails).
    stages=("install + Release build: ${SECONDS} s")
    started=$SECONDS
    finish() { stages+=("$1: $((SECONDS - started)) s"); started=$SECONDS; }
    trap 'echo "== stage times"; printf "   %s\n" "${stages[@]}"; echo "   total: ${SECONDS} s"' EXIT

    echo "== tests"
    ctest --test-dir build --output-on-failure -j 2
    finish "tests (Release)"

    echo "== Debian package of the Release build, extracted and run (tools/package.sh)"
    BERTLENS_PACKAGE_BUILD=build tools/package.sh
    finish "Debian package"

    echo "== every test under AddressSanitizer + UndefinedBehaviorSanitizer"
    # clang at -O1 with line tables only (-g1: stack traces keep file:line):
    # this was CI's longest stage with GCC at -O2, and clang compiles the
    # Eigen-heavy files in 40 % of GCC's time here. The same build holds the
    # libFuzzer targets (CMakeLists.txt), so the core is compiled once for both.
    CXX=clang++ CC=clang cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DBERTLENS_SANITIZE=ON >/dev/null
    cmake --build build-asan
    finish "ASan + UBSan build (and the fuzz targets)"
    # tests/sanitizers/lsan.supp is where a leak inside Qt or the graphics
    # stack (not instrumented, not ours) would be named; it is empty today.
    # The window's monkey (tests/ui/tst_monkey.cpp) runs one minute here: it runs alone
    # (RUN_SERIAL) and last, so every second of it adds to the stage.
    BERTLENS_MONKEY_SECONDS=60 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0 \
      ctest --test-dir build-asan --output-on-failure -j 2
    finish "tests under ASan + UBSan"

    echo "== worker-thread tests under ThreadSanitizer"
    cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DBERTLENS_TSAN=ON >/dev/null
    cmake --build build-tsan --target tst_worker tst_threads core_thread_tests
    finish "TSan build"
    # libgomp is not built with TSan, so its barriers are invisible to it:
    # OMP_THREAD_LIMIT=1 runs every parallel region on the calling thread (the
    # worker's own, which TSan sees); tests/sanitizers/tsan.supp says why each
    # of its entries is not ours.
    OMP_THREAD_LIMIT=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp \
      ctest --test-dir build-tsan --output-on-failure -R '^tst_(worker|threads)$'
    # The engine's own thread pool, and forward passes on two threads.
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp \
      build-tsan/tests/core_thread_tests --gtest_filter='ThreadPool.*:*ThreadCountChangesNoBit*:EncoderPropertiesBundled.*'
    finish "tests under TSan"

    echo "== fuzzing (every target for 20 s; a crash fails)"
    tools/fuzz.sh --build-dir build-asan 20
    finish "fuzzing: 7 targets x 20 s"
    ;;
  *)
    echo "usage: tools/setup.sh [demo|test]" >&2
    exit 2
    ;;
esac
