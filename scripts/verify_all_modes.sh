#!/usr/bin/env bash
# Runs both LeNet configs on all 2,000 held-out images under every dataflow and timing model,
# and prints bit-exactness, accuracy and host time for each. Exits non-zero if any run is not
# bit-exact. Needs a build (scripts/run.sh or scripts/test.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${ACCELSIM:-build/sim/cli/accelsim}
[[ -n ${ACCELSIM:-} || -x $binary ]] || binary=build-ci/sim/cli/accelsim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
printf '%-18s %-4s %-9s %-10s %-9s %s\n' config flow timing bit-exact accuracy "host s"
for config in lenet lenet_torch; do
  for dataflow in ws os is; do
    for timing in fast detailed scalesim; do
      start=$(date +%s%N)
      if "$binary" --config "configs/$config.yaml" --images 2000 --quiet --out "$out" \
          --set "hardware.pe_array.dataflow=$dataflow" --set "hardware.pe_array.timing=$timing"; then
        exact=yes
      else
        exact=NO
        status=1
      fi
      milliseconds=$(( ($(date +%s%N) - start) / 1000000 ))
      accuracy=$(grep -m1 '"accuracy"' "$out/stats.json" | tr -dc '0-9.')
      printf '%-18s %-4s %-9s %-10s %-9s %d.%03d\n' "$config.yaml" "$dataflow" "$timing" "$exact" "$accuracy" \
        $((milliseconds / 1000)) $((milliseconds % 1000))
    done
  done
done
exit $status
