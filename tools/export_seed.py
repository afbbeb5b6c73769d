#!/usr/bin/python3
"""Export the float LeNet with the seed int8 scheme of the design brief (section 1).

Writes configs/lenet.yaml, configs/lenet/{input_table,<layer>.weights}.npy, and the
variants configs/variants/lenet_{multiply_floor,fixed_point,multiply_float32,shift}.yaml
(same weights and scales, other requantization arithmetic).

Scheme, per tensor and symmetric (all zero points 0):
  weights      S_w = 2*max|w|/255, w_q = clip(round(w/S_w), -127, 127)
  input        S_in = 2*max|x|/255 = 2/255; pixel table clip(round(x(p)/S_in), -127, 127)
  activations  S_out = 2*R/255, R calibrated on the 8,000 training images from the float
               model's output of the layer (after its ReLU; fc7: logits):
               max: R = max|a|;  3sigma: R = max(|mean - 3 std|, |mean + 3 std|)
  requant      M = S_w*S_in/S_out, divisor D = round(1/M), floor rounding,
               clamp [-127, 127], ReLU on conv1/conv3/conv5/fc6.
Max-pool keeps its input's scale. round() is numpy's, i.e. half to even.

Default calibration: max. With the float model of tools/float_model it gives the
better int8 top-1 on the TRAINING set (--compare prints both; see tools/README.md):
3sigma clips the long tails of the ReLU outputs and of the logits.
"""
import argparse
import math
import os

import numpy as np
import torch

import config_yaml
import export_torch
import lenet
import mnist_data
import seed_reference

CONFIGS_DIR = os.path.join(lenet.REPO_ROOT, "configs")
SEED_YAML = os.path.join(CONFIGS_DIR, "lenet.yaml")
SEED_DIR = os.path.join(CONFIGS_DIR, "lenet")
VARIANTS_DIR = os.path.join(CONFIGS_DIR, "variants")
DEFAULT_CALIBRATION = "max"
QMAX = 127  # symmetric int8: [-127, 127], -128 unused
LEVELS = 255  # 2^8 - 1: the "2 * R / 255" of every scale


# ---------------------------------------------------------------- calibration

def activation_statistics(model, x, batch_size=500):
    """{layer: (max|a|, mean, std)} over every element of the layer's float output."""
    sums = {name: np.zeros(3) for name in lenet.WEIGHT_LAYERS}  # count, sum, sum of squares
    max_abs = {name: 0.0 for name in lenet.WEIGHT_LAYERS}
    with torch.no_grad():
        for first in range(0, len(x), batch_size):
            outputs = model.layer_outputs(x[first:first + batch_size])
            for name in lenet.WEIGHT_LAYERS:
                a = outputs[name].double().numpy()
                sums[name] += (a.size, a.sum(), np.square(a).sum())
                max_abs[name] = max(max_abs[name], float(np.abs(a).max()))
    stats = {}
    for name in lenet.WEIGHT_LAYERS:
        count, total, total_sq = sums[name]
        mean = total / count
        std = math.sqrt(max(total_sq / count - mean * mean, 0.0))
        stats[name] = (max_abs[name], mean, std)
    return stats


def calibrated_range(stat, method):
    max_abs, mean, std = stat
    if method == "max":
        return max_abs
    if method == "3sigma":
        return max(abs(mean - 3 * std), abs(mean + 3 * std))
    raise ValueError(method)


# ---------------------------------------------------------------- quantization

def symmetric_scale(max_abs):
    return 2 * float(max_abs) / LEVELS


def quantize_weights(w):
    """(int8 w_q, S_w); np.round rounds half to even."""
    scale = symmetric_scale(np.abs(w).max())
    w_q = np.clip(np.round(w.astype(np.float64) / scale), -QMAX, QMAX).astype(np.int8)
    return w_q, scale


def input_scale_and_table():
    """S_in = 2*max|x|/255 and the int8 pixel table round(x(p)/S_in).

    x(p) is the float model's own float32 preprocessing of pixel value p. x(p)/S_in is
    p - 127.5 up to float32 rounding, so every entry sits next to a tie and the exact
    float32 value of x(p) decides it: the table must come from that computation.
    """
    x = lenet.pixel_activations().astype(np.float64)
    scale = symmetric_scale(np.abs(x).max())
    table = np.clip(np.round(x / scale), -QMAX, QMAX).astype(np.int8)
    return scale, table


def seed_layers(weights, stats, method):
    """Per-layer quantization parameters: [{name, w_q, S_in, S_w, S_out, M}] in order."""
    input_scale, _ = input_scale_and_table()
    layers = []
    for name in lenet.WEIGHT_LAYERS:
        w_q, weight_scale = quantize_weights(weights[name])
        output_scale = symmetric_scale(calibrated_range(stats[name], method))
        layers.append(dict(name=name, w_q=w_q, S_in=input_scale, S_w=weight_scale,
                           S_out=output_scale, M=weight_scale * input_scale / output_scale))
        input_scale = output_scale  # the next layer (after any max-pool) sees this scale
    return layers


# ---------------------------------------------------------------- requantization variants

def divide_requant(layer):
    M = layer["M"]
    return dict(mode="divide", divisor=max(1, int(round(1 / M))), rounding="floor")


def multiply_floor_requant(layer):
    return dict(mode="multiply", multiplier=layer["M"], precision="float64", rounding="floor")


def multiply_float32_requant(layer):
    """PyTorch's quantized engines: float32 product, half to even, M computed in float32 the
    way qnnpack computes it from the scales (export_torch.float32_multiplier)."""
    M = export_torch.float32_multiplier(layer["S_w"], layer["S_in"], layer["S_out"])
    return dict(mode="multiply", multiplier=float(M), precision="float32", rounding="half_even")


def fixed_point_requant(layer):
    """gemmlowp/TFLite QuantizeMultiplier: M = M0 * 2^-31 * 2^-n, M0 in [2^30, 2^31-1]."""
    M = layer["M"]
    fraction, exponent = math.frexp(M)  # M = fraction * 2^exponent, fraction in [0.5, 1)
    mantissa = math.floor(fraction * 2**31 + 0.5)  # TfLiteRound: half away from zero
    if mantissa == 2**31:  # the fraction rounded up to 1.0
        mantissa //= 2
        exponent += 1
    shift = -exponent
    assert 2**30 <= mantissa <= 2**31 - 1 and 0 <= shift <= 31, (M, mantissa, shift)
    return dict(mode="fixed_point", multiplier=mantissa, shift=shift, rounding="gemmlowp")


def shift_requant(layer):
    M = layer["M"]
    shift = int(round(math.log2(1 / M)))
    assert 0 <= shift <= 31, (M, shift)
    return dict(mode="shift", shift=shift, rounding="floor")


VARIANTS = {
    "lenet_multiply_floor": (multiply_floor_requant,
                             "requant: float64 multiply by M, floor rounding."),
    "lenet_fixed_point": (fixed_point_requant,
                          "requant: gemmlowp/TFLite fixed point, M = M0 * 2^-31 * 2^-shift\n"
                          "# (saturating rounding doubling high multiply, ties toward +inf, then\n"
                          "# rounding right shift, ties away from zero: rounding: gemmlowp)."),
    "lenet_multiply_float32": (multiply_float32_requant,
                               "requant: PyTorch's qnnpack arithmetic: float32 multiply by\n"
                               "# M = float32(float32(S_w*S_in) * float32(1/S_out)), round half to even."),
    "lenet_shift": (shift_requant,
                    "requant: arithmetic shift by round(log2(1/M)), floor rounding. This\n"
                    "# replaces M by the nearest power of two (off by up to a factor of\n"
                    "# sqrt(2)), so it is a coarse approximation: expect lower accuracy."),
}


def requant_comments(requant, M):
    if requant["mode"] == "divide":
        return {"divisor": f"round(1/M), M = S_w*S_in/S_out = {M:.6g}"}
    if requant["mode"] == "multiply" and requant["precision"] == "float32":
        return {"multiplier": "float32(float32(S_w*S_in) * float32(1/S_out))"}
    if requant["mode"] == "fixed_point":
        return {"multiplier": f"M0: M = M0 * 2^-31 * 2^-shift = "
                              f"{requant['multiplier'] * 2.0**-31:.9f} * 2^-{requant['shift']}"}
    if requant["mode"] == "shift":
        return {"shift": f"2^-shift = {2.0**-requant['shift']:.6g} stands for M = {M:.6g}"}
    return {}


def seed_network(name, layers, make_requant, table):
    """The `network:` map (arrays in place of paths) with the given requant arithmetic."""
    weight_layers = []
    for layer in layers:
        requant = make_requant(layer)
        requant.update(output_zero_point=0, clamp=[-QMAX, QMAX],
                       relu=lenet.RELU_AFTER[layer["name"]])
        weight_layers.append(dict(
            name=layer["name"], type="linear" if layer["w_q"].ndim == 2 else "conv2d",
            weights=layer["w_q"], input_zero_point=0, weight_zero_point=0, requant=requant,
            requant_comments=requant_comments(requant, layer["M"]),
            scales=dict(input=layer["S_in"], weight=layer["S_w"], output=layer["S_out"])))
    return dict(name=name, activation_dtype="int8",
                input=dict(shape=[1, 32, 32], pad=lenet.PAD, pixel_table=table, zero_point=0),
                layers=lenet.network_layers(weight_layers))


SEED_HEADER = """\
# LeNet-5 (no biases) for MNIST, int8, in the seed quantization scheme of the design
# brief (section 1): symmetric per-tensor int8 weights and activations (all zero points
# 0), activation ranges calibrated ({method}) on the 8,000 training digits, requantization
# by an integer divisor D = round(1/M), M = S_w * S_in / S_out, rounding down (floor).
#
# Generated by tools/export_seed.py from the float weights in tools/float_model/; do not
# edit by hand. Regenerate: tools/make_models.sh (or /usr/bin/python3 tools/export_seed.py).
# Expected integer outputs: lenet/reference/ (tools/seed_reference.py).
"""

VARIANT_HEADER = """\
# Variant of configs/lenet.yaml: the same int8 LeNet (weights, pixel table and scales in
# ../lenet/), other requantization arithmetic. Same clamp, ReLU and zero points.
# {description}
#
# Generated by tools/export_seed.py; do not edit by hand. Regenerate: tools/make_models.sh.
"""


def write_files(layers, table, method):
    os.makedirs(SEED_DIR, exist_ok=True)
    os.makedirs(VARIANTS_DIR, exist_ok=True)
    np.save(os.path.join(SEED_DIR, "input_table.npy"), table)
    for layer in layers:
        np.save(os.path.join(SEED_DIR, f"{layer['name']}.weights.npy"), layer["w_q"])

    seed = seed_network("lenet", layers, divide_requant, table)
    with open(SEED_YAML, "w") as f:
        f.write(config_yaml.render_config(SEED_HEADER.format(method=method),
                                          "hardware/edge_small.yaml", seed,
                                          data_dir="../data/mnist", weights_dir="lenet"))
    for variant, (make_requant, description) in VARIANTS.items():
        network = seed_network(variant, layers, make_requant, table)
        with open(os.path.join(VARIANTS_DIR, f"{variant}.yaml"), "w") as f:
            f.write(config_yaml.render_config(VARIANT_HEADER.format(description=description),
                                              "../hardware/edge_small.yaml", network,
                                              data_dir="../../data/mnist", weights_dir="../lenet"))


# ---------------------------------------------------------------- main

def int8_accuracy(layers, table, images, labels):
    network = seed_network("lenet", layers, divide_requant, table)
    logits, _ = seed_reference.run_network(network, images)
    return int((np.argmax(logits, axis=1) == labels).sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calibration", choices=["max", "3sigma"], default=DEFAULT_CALIBRATION)
    parser.add_argument("--compare", action="store_true",
                        help="print the training-set int8 accuracy of both calibrations")
    args = parser.parse_args()
    torch.set_num_threads(1)

    train_images, train_labels = mnist_data.training_set()
    model = lenet.load_float_model()
    stats = activation_statistics(model, lenet.preprocess(train_images))
    weights = lenet.load_float_weights()
    _, table = input_scale_and_table()

    if args.compare:
        float_correct = lenet.top1(lenet.predict(model, lenet.preprocess(train_images)), train_labels)
        print(f"training set, float: {float_correct}/{len(train_labels)}")
        for method in ("max", "3sigma"):
            correct = int8_accuracy(seed_layers(weights, stats, method), table,
                                    train_images, train_labels)
            print(f"training set, int8 seed scheme, {method:6s}: {correct}/{len(train_labels)} = "
                  f"{100 * correct / len(train_labels):.2f}%")

    layers = seed_layers(weights, stats, args.calibration)
    write_files(layers, table, args.calibration)
    print(f"calibration {args.calibration}; wrote {os.path.relpath(SEED_YAML)}, "
          f"{os.path.relpath(SEED_DIR)}/, {os.path.relpath(VARIANTS_DIR)}/")
    for layer in layers:
        print(f"  {layer['name']:6s} S_w={layer['S_w']:.6g} S_in={layer['S_in']:.6g} "
              f"S_out={layer['S_out']:.6g} M={layer['M']:.6g} D={divide_requant(layer)['divisor']}")


if __name__ == "__main__":
    main()
