#!/usr/bin/python3
"""PyTorch's int8 LeNet speed: the yardstick of bench/lenet_throughput.cpp.

Builds PyTorch's own quantized LeNet the way tools/export_torch.py does (the float weights of
tools/float_model, eager mode, QuantStub/DeQuantStub, conv+ReLU and linear+ReLU fused,
get_default_qconfig('qnnpack'), converted) for each quantized engine of this torch (Debian's
has qnnpack and onednn, no fbgemm), then times a forward pass over the 2,000 held-out digits as
one batch on one thread and prints, one line per engine:

    <engine> <CPU microseconds per image> <wall microseconds per image>

(CPU time of this thread: the machine is shared, and wall time also counts other processes.)

Calibration runs on the held-out digits themselves (the training digits need a download); the
scales differ slightly from configs/lenet_torch.yaml's, the work per image does not. The
quantization of the input (QuantStub) is inside the timed forward pass, as in a user's model.

Usage: torch_lenet_speed.py [--repeats N] (the median of N timed passes after one warm-up).
"""
import argparse

import torch
from torch.ao.quantization import convert, fuse_modules, get_default_qconfig, prepare

import export_torch
import lenet
import mnist_data
import torch_model_speed


def quantized_lenet(engine, x):
    torch.backends.quantized.engine = engine
    model = export_torch.QuantizableLeNet()
    model.load_state_dict(lenet.load_float_model().state_dict(), strict=False)
    model.eval()
    model.qconfig = get_default_qconfig("qnnpack")
    fuse_modules(model, [["conv1", "relu1"], ["conv3", "relu3"], ["conv5", "relu5"], ["fc6", "relu6"]],
                 inplace=True)
    prepare(model, inplace=True)
    with torch.no_grad():
        model(x)
    return convert(model, inplace=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    images, _ = mnist_data.heldout_set()
    x = lenet.preprocess(images)
    engines = [e for e in ("qnnpack", "onednn") if e in torch.backends.quantized.supported_engines]
    for engine in engines:
        model = quantized_lenet(engine, x)
        with torch.no_grad():
            model(x)  # warm-up
        cpu, wall = torch_model_speed.median_forward_seconds(model, x, args.repeats)
        per_image = 1e6 / len(x)
        print(f"{engine} {cpu * per_image:.2f} {wall * per_image:.2f}", flush=True)


if __name__ == "__main__":
    main()
