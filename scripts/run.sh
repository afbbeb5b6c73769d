#!/usr/bin/env bash
# Sets up, builds and runs the main job: accelsim on the quantized LeNet.
# Extra arguments go to accelsim, e.g. scripts/run.sh --images 2000.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build --target accelsim
build/sim/cli/accelsim --config configs/lenet.yaml "$@"
