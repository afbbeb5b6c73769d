#!/usr/bin/python3
"""PyTorch's int8 speed on a torchvision model: the yardstick of bench/model_throughput.cpp.

Builds the model exactly as `export_torch.py --model NAME` does (torchvision_export.quantized:
the same seeded random weights, fusion, qnnpack qconfig and calibration, from the same
arguments), on engine qnnpack, one thread, and times its forward pass on `--input` (the
float32 images export_torch.py wrote with --images-out). Before any timing, its quantized
output on that input must equal `--reference` (export_torch.py's --reference) exactly: the
model timed is the model exported.

The model is built once (calibration takes seconds); the benchmark then asks for one
measurement at a time, so that PyTorch's rounds alternate with accelsim's: for every line
read on stdin, `--repeats` timed passes (after one warm-up at start) and one line written:

    qnnpack <CPU milliseconds per image> <wall milliseconds per image>

(medians of the passes; CPU time of this thread). Stops at the end of stdin.

Usage: torch_model_speed.py --model NAME --size S --input X.npy --reference R.npy [--repeats N]
       [--calibration-batches B --seed N: as given to export_torch.py]
"""
import argparse
import statistics
import sys
import time

import numpy as np
import torch

import export_torch
import torchvision_export


def median_forward_seconds(model, x, repeats):
    """(CPU seconds of this thread, wall seconds): the medians of `repeats` forward passes on x."""
    cpu, wall = [], []
    with torch.no_grad():
        for _ in range(repeats):
            start_cpu, start = time.thread_time(), time.perf_counter()
            model(x)
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    return statistics.median(cpu), statistics.median(wall)


def quantized_output(model, x):
    """The int_repr of the last layer's output, before the DeQuantStub (what --reference holds)."""
    captured = []
    hook = model.dequant.register_forward_hook(lambda module, inputs, output: captured.append(inputs[0]))
    with torch.no_grad():
        model(x)
    hook.remove()
    return captured[0].int_repr().numpy()


def main():
    parser = argparse.ArgumentParser()
    export_torch.add_torchvision_arguments(parser)
    parser.add_argument("--input", required=True, help="float32 [N, 3, S, S] (export_torch.py --images-out)")
    parser.add_argument("--reference", required=True, help="uint8 (export_torch.py --reference)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.model:
        parser.error("--model is required")
    model, _, _ = torchvision_export.quantized(args.model, args.size, args.calibration_batches, args.seed,
                                               args.input_shape)
    x = torch.from_numpy(np.load(args.input))
    if not np.array_equal(quantized_output(model, x), np.load(args.reference)):
        sys.exit(f"torch_model_speed: {args.model}'s output differs from {args.reference}: not the exported model")
    with torch.no_grad():
        model(x)  # warm-up
    for _ in sys.stdin:
        cpu, wall = median_forward_seconds(model, x, args.repeats)
        per_image = 1e3 / len(x)
        print(f"qnnpack {cpu * per_image:.3f} {wall * per_image:.3f}", flush=True)


if __name__ == "__main__":
    main()
