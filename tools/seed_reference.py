#!/usr/bin/python3
"""Integer-only numpy reference of an accelsim network config (docs/config.md).

Independent of the simulator and of PyTorch: it reads the YAML's `network:` section
and the .npy files it names, and computes every layer with integer arithmetic only
(int64 accumulation, checked to fit int32; true floor division; clamp; ReLU as
lo = max(lo, output_zero_point); max-pool on the stored activation values).
The float `multiply` mode is the one exception: it is float arithmetic by definition.

Run as a script it writes the seed model's expected outputs:
  configs/lenet/reference/logits_heldout.npy   fc7 of all 2,000 held-out images
  configs/lenet/reference/first16/<layer>.npy  every layer, first 16 held-out images
"""
import argparse
import os

import numpy as np
import yaml
from numpy.lib.stride_tricks import sliding_window_view

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_CONFIG = os.path.join(REPO_ROOT, "configs", "lenet.yaml")
DTYPES = {"int8": np.int8, "uint8": np.uint8}
INT32_MIN, INT32_MAX = -2**31, 2**31 - 1
BATCH = 500  # images per step: bounds the im2col memory


# ---------------------------------------------------------------- config loading

def load_network(config_path):
    """The config's `network:` map with every .npy path replaced by its array.

    Includes are not followed: the LeNet configs keep `network:` in the file itself
    and include only hardware.
    """
    with open(config_path) as f:
        network = yaml.safe_load(f)["network"]
    base = os.path.dirname(os.path.abspath(config_path))

    def load(path):
        return np.load(os.path.join(base, path))

    for key in ("images", "labels", "pixel_table"):
        network["input"][key] = load(network["input"][key])
    for layer in network["layers"]:
        for key in ("weights", "bias"):
            if key in layer:
                layer[key] = load(layer[key])
    return network


def pair(value, default):
    """An int-or-[a, b] config value as a pair."""
    if value is None:
        value = default
    return (value, value) if isinstance(value, int) else tuple(value)


# ---------------------------------------------------------------- rounding

def divide_rounded(numerator, divisor, rounding):
    """Exact integer numerator / divisor (> 0), rounded as named."""
    n = numerator.astype(np.int64)
    d = np.int64(divisor)
    quotient, remainder = np.divmod(n, d)  # floor division, 0 <= remainder < d
    twice = 2 * remainder
    if rounding == "floor":
        return quotient
    if rounding == "ceil":
        return quotient + (remainder != 0)
    if rounding == "truncate":
        return quotient + ((remainder != 0) & (n < 0))
    if rounding == "half_up":
        return quotient + (twice >= d)
    if rounding == "half_away":
        return quotient + ((twice > d) | ((twice == d) & (n >= 0)))
    if rounding == "half_even":
        return quotient + ((twice > d) | ((twice == d) & (quotient % 2 == 1)))
    raise ValueError(f"unknown rounding {rounding!r}")


def round_float(y, rounding):
    """Round a float array to integers; ties decided exactly (no y + 0.5 tricks)."""
    if rounding == "floor":
        return np.floor(y)
    if rounding == "ceil":
        return np.ceil(y)
    if rounding == "truncate":
        return np.trunc(y)
    if rounding == "half_even":
        return np.rint(y)  # IEEE round-to-nearest-even
    magnitude = np.abs(y)
    whole = np.floor(magnitude)
    fraction = magnitude - whole  # exact for |y| >= 0
    if rounding == "half_away":
        rounded = whole + (fraction >= 0.5)
    elif rounding == "half_up":  # ties toward +inf: away for y > 0, toward 0 for y < 0
        rounded = whole + ((fraction > 0.5) | ((fraction == 0.5) & (y > 0)))
    else:
        raise ValueError(f"unknown rounding {rounding!r}")
    return np.copysign(rounded, y)


def truncating_divide(n, d):
    """C's integer division (toward zero)."""
    return np.sign(n) * (np.abs(n) // d)


def gemmlowp_scale(acc, multiplier, shift):
    """SaturatingRoundingDoublingHighMul(acc, multiplier) then RoundingDivideByPOT(shift)."""
    a = acc.astype(np.int64)
    b = np.int64(multiplier)
    product = a * b
    nudge = np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = truncating_divide(product + nudge, 1 << 31)
    high = np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, high)
    mask = (1 << shift) - 1
    remainder = high & mask
    threshold = (mask >> 1) + (high < 0)
    return (high >> shift) + (remainder > threshold)


def scale_accumulator(acc, requant):
    """y = scale(acc) for every requant mode of docs/config.md."""
    mode, rounding = requant["mode"], requant["rounding"]
    if mode == "divide":
        return divide_rounded(acc, requant["divisor"], rounding)
    if mode == "shift":
        return divide_rounded(acc, 1 << requant["shift"], rounding)
    if mode == "multiply":
        precision = {"float32": np.float32, "float64": np.float64}[requant["precision"]]
        y = acc.astype(precision) * precision(requant["multiplier"])
        return round_float(y, rounding).astype(np.int64)
    if mode == "fixed_point":
        assert rounding == "gemmlowp", "fixed_point here is gemmlowp's two roundings"
        return gemmlowp_scale(acc, requant["multiplier"], requant["shift"])
    raise ValueError(f"unknown requant mode {mode!r}")


def requantize(acc, requant, dtype):
    lo, hi = requant["clamp"]
    zero_point = requant["output_zero_point"]
    if requant["relu"]:
        lo = max(lo, zero_point)
    out = np.clip(scale_accumulator(acc, requant) + zero_point, lo, hi)
    return out.astype(dtype)


# ---------------------------------------------------------------- layers

def check_int32(acc, layer):
    assert acc.min() >= INT32_MIN and acc.max() <= INT32_MAX, \
        f"{layer['name']}: accumulator leaves int32"
    return acc


def accumulate_conv2d(x, layer):
    """int64 [N, O, OH, OW] accumulators; x is the stored activation [N, C, H, W]."""
    weights = layer["weights"].astype(np.int64) - layer["weight_zero_point"]
    out_channels, _, kh, kw = weights.shape
    sh, sw = pair(layer.get("stride"), 1)
    ph, pw = pair(layer.get("padding"), 0)
    zp = layer["input_zero_point"]
    # Padded positions hold the input zero point, i.e. a real 0.
    x = np.pad(x.astype(np.int64), ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=zp) - zp
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    n, c, oh, ow = windows.shape[:4]
    columns = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)
    acc = columns @ weights.reshape(out_channels, -1).T
    acc = acc.reshape(n, oh, ow, out_channels).transpose(0, 3, 1, 2)
    if "bias" in layer:
        acc = acc + layer["bias"].astype(np.int64)[None, :, None, None]
    return acc


def accumulate_linear(x, layer):
    """int64 [N, out] accumulators; a [N, C, H, W] input is flattened in C, H, W order."""
    weights = layer["weights"].astype(np.int64) - layer["weight_zero_point"]
    x = x.reshape(len(x), -1).astype(np.int64) - layer["input_zero_point"]
    acc = x @ weights.T
    if "bias" in layer:
        acc = acc + layer["bias"].astype(np.int64)
    return acc


def maxpool(x, layer):
    kh, kw = pair(layer["kernel"], None)
    sh, sw = pair(layer.get("stride"), layer["kernel"])  # stride defaults to the kernel
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    return windows.max(axis=(4, 5))


def run_layer(x, layer, dtype):
    kind = layer["type"]
    if kind == "maxpool":
        return maxpool(x, layer)
    if kind == "flatten":
        return x.reshape(len(x), -1)
    if kind == "conv2d":
        acc = accumulate_conv2d(x, layer)
    elif kind == "linear":
        acc = accumulate_linear(x, layer)
    else:
        raise ValueError(f"unknown layer type {kind!r}")
    return requantize(check_int32(acc, layer), layer["requant"], dtype)


def input_activations(network, images):
    """Pad the raw pixels with background 0, then look every pixel up in the table."""
    pad = network["input"]["pad"]
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)), constant_values=0)
    return network["input"]["pixel_table"][padded][:, None, :, :]


def run_network(network, images, keep_layers=False):
    """Last layer's output for every image, and (keep_layers) {layer: output} of all."""
    dtype = DTYPES[network["activation_dtype"]]
    outputs = {layer["name"]: [] for layer in network["layers"]}
    for first in range(0, len(images), BATCH):
        x = input_activations(network, images[first:first + BATCH])
        for layer in network["layers"]:
            x = run_layer(x, layer, dtype)
            if keep_layers:
                outputs[layer["name"]].append(x)
        if not keep_layers:
            outputs[network["layers"][-1]["name"]].append(x)
    outputs = {name: np.concatenate(parts) for name, parts in outputs.items() if parts}
    return outputs[network["layers"][-1]["name"]], outputs


def write_reference(network, reference_dir, first_count=16):
    """logits_heldout.npy (all images) and first16/<layer>.npy (first images, all layers)."""
    images = network["input"]["images"]
    logits, _ = run_network(network, images)
    _, first = run_network(network, images[:first_count], keep_layers=True)
    os.makedirs(os.path.join(reference_dir, f"first{first_count}"), exist_ok=True)
    np.save(os.path.join(reference_dir, "logits_heldout.npy"), logits)
    for name, tensor in first.items():
        np.save(os.path.join(reference_dir, f"first{first_count}", f"{name}.npy"), tensor)
    return logits


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=SEED_CONFIG,
                        help="network config to run (default: configs/lenet.yaml)")
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=None,
                        help="write reference files next to the config "
                             "(default: only for configs/lenet.yaml)")
    args = parser.parse_args()
    network = load_network(args.config)
    write = args.write if args.write is not None else \
        os.path.abspath(args.config) == os.path.abspath(SEED_CONFIG)
    labels = network["input"]["labels"]
    if write:
        reference_dir = os.path.join(os.path.splitext(os.path.abspath(args.config))[0], "reference")
        logits = write_reference(network, reference_dir)
        print(f"wrote {reference_dir}")
    else:
        logits, _ = run_network(network, network["input"]["images"])
    correct = int((np.argmax(logits, axis=1) == labels).sum())
    print(f"{os.path.relpath(args.config)}: {correct}/{len(labels)} = "
          f"{100 * correct / len(labels):.2f}%")


if __name__ == "__main__":
    main()
