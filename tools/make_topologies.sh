#!/bin/bash
# Regenerate the shipped topologies and check them (see docs/topologies.md):
#   configs/topologies/NAME.yaml, NAME_random.yaml, docs/topologies.md  (export_topologies.py)
# then recompute every layer's shape from the YAML and compare with torch (check_topologies.py),
# after checking that the check notices deliberately broken copies (--self-test), and run each
# CNN's YAML as a float network against torchvision's model (check_topology_numerics.py).
# Deterministic: the files depend only on torchvision's model definitions, never on weights.
set -euo pipefail
cd "$(dirname "$0")/.."

python=/usr/bin/python3  # Debian's Python has torch and torchvision; a pyenv python3 on PATH may not
if [ "$#" -ne 0 ]; then
    echo "usage: $0" >&2
    exit 2
fi
"$python" tools/export_topologies.py
"$python" tools/check_topologies.py --self-test
"$python" tools/check_topology_numerics.py --self-test
