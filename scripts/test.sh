#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite twice: a warnings-as-errors build, then an
# AddressSanitizer + UndefinedBehaviorSanitizer build; the simulation with the golden model on
# its own thread under ThreadSanitizer; then fuzzes each input parser for
# half a minute (ACCELSIM_FUZZ_SECONDS; six targets, inside CI's 90 minutes). CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
jobs=$(nproc)
# Each step names itself with the minutes spent so far, so that a CI log shows where the time goes.
step() { echo "== [$((SECONDS / 60)) min] $*" >&2; }

step "build (warnings are errors) and test"
cmake -S . -B build-ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DACCELSIM_WERROR=ON > /dev/null
cmake --build build-ci -j "$jobs"
ctest --test-dir build-ci --output-on-failure -j "$jobs"

step "style: clang-format and clang-tidy"
scripts/check_style.sh build-ci

step "build with AddressSanitizer and UBSan, and test"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACCELSIM_WERROR=ON \
  -DACCELSIM_SANITIZE=address,undefined -DACCELSIM_BUILD_BENCHMARKS=OFF > /dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

step "the golden model's thread beside the simulation, under ThreadSanitizer"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACCELSIM_WERROR=ON \
  -DACCELSIM_SANITIZE=thread -DACCELSIM_BUILD_BENCHMARKS=OFF > /dev/null
cmake --build build-tsan -j "$jobs" --target accelsim accelsim_simulation_tests accelsim_thread_tests
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j "$jobs" \
  -R 'GoldenAhead|ParallelCheck|LeNetSimulation|AccumulatorOverflow|Cli\.AMismatch'

step "fuzz the config loader, the .npy reader, the --set parser and the SCALE-Sim readers"
scripts/fuzz.sh "${ACCELSIM_FUZZ_SECONDS:-30}"
step "done"
