#!/bin/bash
# Rebuild every model file from scratch, deterministically (see tools/README.md):
#   data/mnist/                      held-out digits        (mnist_data.py)
#   tools/float_model/               float LeNet weights    (train_lenet.py)
#   configs/lenet.yaml, lenet/       seed int8 model         (export_seed.py)
#   configs/variants/                seed model, other requantization arithmetic
#   configs/lenet/reference/         seed expected outputs   (seed_reference.py)
#   configs/lenet_torch.yaml, lenet_torch/  PyTorch qnnpack int8 model and its outputs
#   configs/topologies/, docs/topologies.md   shipped topologies, checked (make_topologies.sh)
# then prints the held-out accuracies. --skip-training keeps tools/float_model as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

python=/usr/bin/python3  # Debian's Python has torch; a pyenv python3 on PATH may not
train=1
for arg in "$@"; do
    case "$arg" in
        --skip-training) train=0 ;;
        *) echo "usage: $0 [--skip-training]" >&2; exit 2 ;;
    esac
done

step() {
    echo "== $*"
    local start=$SECONDS
    "$python" "$@"
    echo "   ($((SECONDS - start)) s)"
}

step tools/mnist_data.py
if [ "$train" = 1 ]; then
    step tools/train_lenet.py
fi
step tools/export_seed.py --compare
step tools/seed_reference.py
step tools/export_torch.py
step tools/accuracy.py
echo "== tools/make_topologies.sh"
tools/make_topologies.sh
