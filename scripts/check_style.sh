#!/usr/bin/env bash
# The style the tools enforce: every C++ file formatted by .clang-format, and clang-tidy's
# chosen checks clean on the library sources. Needs a build folder with compile_commands.json
# (default build-ci, made by scripts/test.sh). Usage: scripts/check_style.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-ci}

echo "== clang-format" >&2
git ls-files '*.h' '*.cpp' | xargs clang-format --dry-run --Werror

echo "== clang-tidy (.clang-tidy's check set, on the library sources)" >&2
# -quiet hides the per-file counts of suppressed warnings; any finding of the check set is an
# error (WarningsAsErrors) and fails the script.
git ls-files 'core/*.cpp' 'mapper/*.cpp' 'golden/*.cpp' 'modules/*.cpp' 'sim/*.cpp' |
  xargs run-clang-tidy -quiet -p "$build" -j "$(nproc)" > "$build/clang-tidy.log" 2>&1 ||
  { grep -E "(error|warning):" -A3 "$build/clang-tidy.log" >&2; echo "clang-tidy: findings above (full log: $build/clang-tidy.log)" >&2; exit 1; }
