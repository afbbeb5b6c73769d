#!/usr/bin/python3
"""PyTorch's int8 speed on a torchvision model, one image, one thread: the yardstick of
bench/golden_model_time.cpp.

Builds the model exactly as export_torch.py --model does (torchvision_export.quantized: the
quantizable definition, seeded random init, fused, qnnpack qconfig, calibrated on seeded random
images, converted) on the qnnpack engine (the yardstick; Debian's torch has no fbgemm, and its
onednn engine is not exact without VNNI), then times a forward pass of one seeded random image
on one thread and prints one line:

    qnnpack <CPU microseconds per image> <wall microseconds per image>

(CPU time of this thread: the machine is shared, and wall time also counts other processes.)
The quantization of the input (QuantStub) is inside the timed pass, as in a user's model.

Usage: torch_model_speed.py --model resnet18 --size 224 [--repeats N] (the median of N timed
passes after one warm-up).
"""
import argparse
import statistics
import time

import torch

import torchvision_export


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(torchvision_export.MODELS), required=True)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    model, generator = torchvision_export.quantized(args.model, args.size, 1, args.seed)  # on qnnpack
    x = torch.randn(1, 3, args.size, args.size, generator=generator)
    cpu, wall = [], []
    with torch.no_grad():
        model(x)  # warm-up
        for _ in range(args.repeats):
            start_cpu, start = time.thread_time(), time.perf_counter()
            model(x)
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    print(f"qnnpack {statistics.median(cpu) * 1e6:.2f} {statistics.median(wall) * 1e6:.2f}", flush=True)


if __name__ == "__main__":
    main()
