#!/usr/bin/env bash
# Builds BertLens's libFuzzer targets with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer on) and runs each for a bounded time.
#
#   tools/fuzz.sh [--build-dir DIR] [SECONDS_PER_TARGET] [TARGET...]
#                                       (default: 60 s, every target, in build-fuzz)
#
# --build-dir DIR uses a tree already configured with clang and
# -DBERTLENS_SANITIZE=ON (which builds the fuzz targets too), as CI does, instead
# of configuring build-fuzz with only the core.
#
# Each target first replays its committed seeds and regression inputs, then
# mutates for the given time in a scratch copy of its corpus (BUILD/corpus).
# A crash, a sanitizer report or a broken invariant stops with exit status 1
# and leaves the input under BUILD/findings/TARGET/: add it to
# tests/fuzz/regressions/TARGET/ and write a regression test for it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-fuzz
if [ "${1:-}" = --build-dir ]; then
  build=${2:?--build-dir needs a folder}
  shift 2
  [ -f "$build/CMakeCache.txt" ] || { echo "$build is not a configured build folder" >&2; exit 2; }
fi
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(tokenizer safetensors config vocab torchbin model series)

if [ "$build" = build-fuzz ]; then
  CXX=clang++ CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBERTLENS_FUZZ=ON -DBERTLENS_NATIVE=OFF >/dev/null
fi
mkdir -p "$build"
if ! cmake --build "$build" --target $(printf 'fuzz_%s ' "${targets[@]}") >"$build/fuzz-build.log" 2>&1; then
  tail -n 40 "$build/fuzz-build.log"
  echo "the fuzz targets did not build ($build/fuzz-build.log)" >&2
  exit 1
fi

status=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t findings=$build/findings/$t
  rm -rf "$corpus" "$findings"
  mkdir -p "$corpus" "$findings"
  cp tests/fuzz/corpus/$t/* "$corpus"/
  [ -d tests/fuzz/regressions/$t ] && cp tests/fuzz/regressions/$t/* "$corpus"/
  echo "== fuzz_$t: ${seconds}s from $(ls "$corpus" | wc -l) seeds"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build"/tests/fuzz/fuzz_$t "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 >"$build"/fuzz_$t.log 2>&1; then
    echo "fuzz_$t FOUND A PROBLEM; input(s): $(ls "$findings")"
    grep -E "ERROR|invariant broken|runtime error|SUMMARY" "$build"/fuzz_$t.log | head -5
    status=1
  else
    grep -E "stat::number_of_executed_units|cov: " "$build"/fuzz_$t.log | tail -2 | tr '\n' ' '
    echo
  fi
done
exit $status
