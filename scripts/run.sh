#!/usr/bin/env bash
# Sets up, builds and runs the main job: accelsim on the quantized LeNet.
# Extra arguments go to accelsim, e.g. scripts/run.sh --images 2000.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --run
# Tests and benchmarks are scripts/test.sh's (in build-ci/): the main job needs neither.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DACCELSIM_BUILD_TESTS=OFF -DACCELSIM_BUILD_BENCHMARKS=OFF > /dev/null
cmake --build build --target accelsim
build/sim/cli/accelsim --config configs/lenet.yaml "$@"
