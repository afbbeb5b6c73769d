#!/usr/bin/env bash
# Installs the Debian packages accelsim needs. Safe to run again: packages already installed
# are skipped, and nothing is fetched when all are present.
#   scripts/setup.sh         what building, running and testing need (scripts/test.sh)
#   scripts/setup.sh --run   only what building and running need (scripts/run.sh)
set -euo pipefail

run_packages=(
  g++ cmake ninja-build pkg-config
  libsystemc-dev            # SystemC 2.3.4 (pkg-config systemc), built for C++17
  libyaml-dev               # config files (libyaml: the YAML parser)
  libboost-program-options-dev
  nlohmann-json3-dev        # stats.json
  libfmt-dev                # console tables
  libonnx-dev libprotobuf-dev  # ONNX import (importers/onnx/): onnx::ModelProto and protobuf
)
test_packages=(
  libgtest-dev libgmock-dev # tests
  libpng-dev                # tests: reading the report's screenshot
  gtkwave                   # tests: GTKWave's vcd2fst/fst2vcd read trace.vcd
  chromium                  # tests: the report rendered headless
  parallel                  # GNU parallel: the sweep scale-out test runs emitted commands with it
  clang libclang-rt-14-dev  # libFuzzer targets (scripts/fuzz.sh)
  clang-format clang-tidy   # scripts/check_style.sh
  libonnx-testdata          # tests: ONNX's own node tests (conformance of the importer)
  python3-torch python3-torchvision python3-onnx python3-numpy  # tests: models quantized by PyTorch (TorchModels.*)
  python3-yaml              # tests: tools/export_onnx_lenet.py reads configs/lenet_torch.yaml (OnnxLeNet.*)
)

case "${1:-}" in
  "") packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  --run) packages=("${run_packages[@]}") ;;
  *) echo "usage: scripts/setup.sh [--run]" >&2; exit 2 ;;
esac

if [[ -z ${1:-} ]] && ! command -v npm > /dev/null; then packages+=(nodejs npm); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

# ONNX Runtime, the oracle of the ONNX import tests: node and the npm package, whose tarball
# carries the CPU library (its install script only fetches GPU extras, and fails offline).
install_onnxruntime() {
  local folder
  folder="$(dirname "$0")/../tools/onnxruntime"
  if [[ -f $folder/node_modules/onnxruntime-node/package.json ]]; then return 0; fi
  echo "setup: npm install onnxruntime-node into tools/onnxruntime" >&2
  (cd "$folder" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

if ((${#missing[@]} == 0)); then
  if [[ -z ${1:-} ]]; then install_onnxruntime; fi
  exit 0
fi

if [[ $EUID -eq 0 ]]; then
  as_root=()
else
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
# Through env: sudo's env_reset would drop a DEBIAN_FRONTEND set in front of it.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [[ -z ${1:-} ]]; then install_onnxruntime; fi
