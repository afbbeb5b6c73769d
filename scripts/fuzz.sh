#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + coverage) and fuzzes each for
# SECONDS (default 60) from the seed corpus. Inputs that crash are left as crash-* files in
# build-fuzz/run/<target>/; copy them into tests/fuzz_regressions/<target>/ once fixed.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(config_loader npy_reader set_override scalesim_topology scalesim_config); fi

scripts/setup.sh
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DACCELSIM_FUZZ=ON \
  -DACCELSIM_SANITIZE=address,undefined -DACCELSIM_WERROR=ON -DACCELSIM_BUILD_TESTS=OFF -DACCELSIM_BUILD_BENCHMARKS=OFF > /dev/null
cmake --build build-fuzz --target "${targets[@]/#/fuzz_}"

status=0
for target in "${targets[@]}"; do
  work="build-fuzz/run/$target"
  rm -rf "$work" && mkdir -p "$work/corpus"
  cp fuzz/corpus/"$target"/* "$work/corpus/"
  cp tests/fuzz_regressions/"$target"/* "$work/corpus/" 2>/dev/null || true
  dictionary=()
  if [[ $target == config_loader || $target == set_override ]]; then dictionary=(-dict=fuzz/config.dict); fi
  echo "== fuzz $target for ${seconds}s" >&2
  # The corpus folder is a copy: the fuzzer grows it without touching the repository.
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
        "../../fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "${dictionary[@]/#-dict=/-dict=../../../}" corpus > log.txt 2>&1); then
    echo "fuzz $target: FAILED, see $work/log.txt" >&2
    tail -40 "$work/log.txt" >&2
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov: [0-9]+" "$work/log.txt" | tail -3 >&2 || true
done
exit $status
