#!/usr/bin/env bash
# Installs the Debian packages accelsim needs to build, run and test. Safe to run again:
# packages already installed are skipped, and nothing is fetched when all are present.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libsystemc-dev            # SystemC 2.3.4 (pkg-config systemc), built for C++17
  libyaml-cpp-dev           # config files
  libboost-program-options-dev
  nlohmann-json3-dev        # stats.json
  libfmt-dev                # console tables
  libgtest-dev libgmock-dev # tests
  libbenchmark-dev          # bench/
  libpng-dev                # tests: reading the report's screenshot
  gtkwave                   # tests: GTKWave's vcd2fst/fst2vcd read trace.vcd
  chromium                  # tests: the report rendered headless
  parallel                  # GNU parallel: the sweep scale-out test runs emitted commands with it
  clang libclang-rt-14-dev  # libFuzzer targets (scripts/fuzz.sh)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $EUID -eq 0 ]]; then
  as_root=()
else
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
