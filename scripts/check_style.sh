#!/usr/bin/env bash
# The style the tools enforce: every C++ file formatted by .clang-format. Needs a build folder with compile_commands.json
# (default build-ci, made by scripts/test.sh). Usage: scripts/check_style.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-ci}

echo "== clang-format" >&2
git ls-files '*.h' '*.cpp' | xargs clang-format --dry-run --Werror

# clang-tidy (.clang-tidy's check set) is not yet clean on the tree (clang 14 also rejects
# lambdas capturing structured bindings in sim/sweep); run it by hand until it is:
#   git ls-files 'core/*.cpp' 'mapper/*.cpp' 'golden/*.cpp' 'modules/*.cpp' 'sim/*.cpp' | xargs clang-tidy -p build-ci
