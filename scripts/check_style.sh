#!/usr/bin/env bash
# The style the tools enforce: every C++ file formatted by .clang-format, and the library
# sources clean under .clang-tidy's check set. Needs a build folder with compile_commands.json
# (default build-ci, made by scripts/test.sh). Usage: scripts/check_style.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-ci}

echo "== clang-format" >&2
git ls-files '*.h' '*.cpp' | xargs clang-format --dry-run --Werror

echo "== clang-tidy" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! git ls-files 'core/*.cpp' 'mapper/*.cpp' 'golden/*.cpp' 'modules/*.cpp' 'sim/*.cpp' |
    xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet > "$log" 2>&1; then
  grep -v "warnings generated" "$log" >&2
  echo "clang-tidy: findings above (.clang-tidy lists the checks)" >&2
  exit 1
fi
