#!/usr/bin/env python3
"""Writes the DRAM request traces of docs/validation.md into bench/data/dram_traces/.

One request a line, `<hex address> <R|W> <arrival cycle>` (docs/outputs.md, "DRAM trace"):
768 requests of 64 bytes = 48 KiB each, all offered at cycle 0. `random` draws from Python's
random.Random(17), so the checked-in file is the reference: rerunning this rewrites it
identically.
"""
import pathlib
import random

N = 768
OUT = pathlib.Path(__file__).resolve().parent.parent / "bench" / "data" / "dram_traces"


def write(name, requests):
    with open(OUT / f"{name}.trace", "w") as f:
        for address, is_write in requests:
            f.write(f"0x{address:x} {'W' if is_write else 'R'} 0\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write("sequential", [(i * 64, False) for i in range(N)])
    write("stride_4k", [(i * 4096, False) for i in range(N)])
    write("stride_64k", [(i * 65536, False) for i in range(N)])
    rng = random.Random(17)
    write("random", [(rng.randrange(0, 1 << 28, 64), False) for _ in range(N)])
    # read, read, write: reads sequential from 0, writes sequential from 128 MiB
    mix, reads, writes = [], 0, 0
    for i in range(N):
        if i % 3 == 2:
            mix.append(((1 << 27) + writes * 64, True))
            writes += 1
        else:
            mix.append((reads * 64, False))
            reads += 1
    write("mix_2r1w", mix)


if __name__ == "__main__":
    main()
