#!/usr/bin/python3
"""Write configs/lenet.yaml, the seed-scheme LeNet, as an ONNX model in QDQ form.

The seed scheme requantizes with an integer divisor rounded down: y = floor(acc / D), then
clamps to [-127, 127] (ReLU: [0, 127]). ONNX has no such requantization: a conv or linear
layer's output is round_half_even(acc * M) with M = float32(float32(S_x * S_w) / S_y). Every
divisor of the seed LeNet is odd, and for odd D, with an int32 bias b = -(D - 1) / 2,

    floor(acc / D) = round((acc + b) / D)     exactly, with no tie:

for acc = k D + r, 0 <= r < D, (acc + b) / D = k + (r - (D - 1) / 2) / D, whose fraction lies
within (D - 1) / (2 D) < 1/2 of k. So each layer gets that bias and an output scale
S_y = float32(S_x * S_w) * D, which makes M the float32 nearest 1/D or next to it; the script
then checks, for every accumulator the layer can produce (|acc| <= K * 127 * 127, every one,
not a sample), that round_half_even(float32(acc + b) * M) clamped to [-127, 127] equals
floor(acc / D) clamped the same way, and stops if one does not. (Unclamped they part only far
outside int8: conv5 at |acc| > 5.4 million, where float32 no longer resolves 1/D.) fc7 has no ReLU: a Clip at -127 * S_y keeps the seed's clamp (int8's own
range ends at -128). The scales are those of the config where the numbers do not depend on
them (the input's, each weight's); the output scales are the ones above.

The graph's input is the int8 activations themselves ([N, 1, 32, 32]: the padded digits
through the config's pixel table), MaxPool and Flatten run on int8, the output is fc7's int8
values. Imported with --arithmetic onnxruntime (the default for a producer other than
pytorch), `accelsim --model` gives the same logits as `accelsim --config configs/lenet.yaml`
(test OnnxLeNet.SeedLeNetRoundTripOnAllHeldOutDigits).

Writes OUT_DIR/lenet.onnx (default configs/lenet/), and with --all-heldout-inputs FILE the
2,000 held-out digits as its int8 input.
Run with Debian's python: /usr/bin/python3 tools/export_onnx_seed_lenet.py
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import export_seed
import seed_reference

INT8_MAX = 127


def floor_bias_and_multiplier(input_scale, weight_scale, divisor):
    """(bias, S_y, M): the int32 bias and output scale that make ONNX's rounding the seed's floor."""
    if divisor % 2 != 1:
        raise SystemExit(f"divisor {divisor} is even: floor(acc / D) has no single-bias form")
    product = np.float32(np.float32(input_scale) * np.float32(weight_scale))
    output_scale = np.float32(product * np.float32(divisor))
    multiplier = np.float32(product / output_scale)
    return -(divisor - 1) // 2, output_scale, multiplier


def check_every_accumulator(name, reduction, bias, multiplier, divisor):
    """Stops unless ONNX's requantization equals floor(acc / D) on every reachable accumulator."""
    bound = reduction * INT8_MAX * INT8_MAX
    for first in range(-bound, bound + 1, 1 << 20):
        acc = np.arange(first, min(first + (1 << 20), bound + 1), dtype=np.int64)
        onnx_values = np.rint(np.float32(acc + bias) * np.float32(multiplier)).astype(np.int64)
        seed_values = np.floor_divide(acc, divisor)
        differ = int((np.clip(onnx_values, -INT8_MAX, INT8_MAX) != np.clip(seed_values, -INT8_MAX, INT8_MAX)).sum())
        if differ:
            raise SystemExit(f"{name}: {differ} accumulators in [{acc[0]}, {acc[-1]}] requantize differently: "
                             "not written")
    return 2 * bound + 1


def initializer(graph, name, array):
    graph.initializer.append(numpy_helper.from_array(array, name))
    return name


def build_model(network):
    graph = helper.make_graph([], "lenet_seed", [], [])
    nodes = graph.node
    graph.input.append(helper.make_tensor_value_info("x", TensorProto.INT8, ["batch", 1, 32, 32]))
    zero = initializer(graph, "zero_point", np.array(0, dtype=np.int8))
    bias_zero = initializer(graph, "bias_zero_point", np.array(0, dtype=np.int32))
    activation, scale = "x", np.float32(network["layers"][0]["scales"]["input"])
    checked, spatial = 0, True
    for layer in network["layers"]:
        name = layer["name"]
        if layer["type"] == "maxpool":
            nodes.append(helper.make_node("MaxPool", [activation], [name], name=name,
                                          kernel_shape=layer["kernel"], strides=[layer["stride"]] * 2))
            activation = name
            continue
        weights = layer["weights"]
        if layer["type"] == "linear" and spatial:  # conv5's [N, 120, 1, 1] to [N, 120]
            nodes.append(helper.make_node("Flatten", [activation], [f"{name}_flat"], name=f"{name}_flatten", axis=1))
            activation, spatial = f"{name}_flat", False
        requant = layer["requant"]
        assert requant["mode"] == "divide" and requant["rounding"] == "floor", name
        assert layer["input_zero_point"] == 0 and layer["weight_zero_point"] == 0, name
        assert requant["output_zero_point"] == 0 and requant["clamp"] == [-INT8_MAX, INT8_MAX], name
        divisor = int(requant["divisor"])
        weight_scale = np.float32(layer["scales"]["weight"])
        bias, output_scale, multiplier = floor_bias_and_multiplier(scale, weight_scale, divisor)
        checked += check_every_accumulator(name, int(np.prod(weights.shape[1:])), bias, multiplier, divisor)
        s_x = initializer(graph, f"{name}_input_scale", np.array(scale, dtype=np.float32))
        s_w = initializer(graph, f"{name}_weight_scale", np.array(weight_scale, dtype=np.float32))
        s_b = initializer(graph, f"{name}_bias_scale", np.array(scale * weight_scale, dtype=np.float32))
        s_y = initializer(graph, f"{name}_output_scale", np.array(output_scale, dtype=np.float32))
        w = initializer(graph, f"{name}_weights", weights.astype(np.int8))
        b = initializer(graph, f"{name}_bias", np.full(weights.shape[0], bias, dtype=np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [activation, s_x, zero], [f"{name}_x"], name=f"{name}_dq_x"))
        nodes.append(helper.make_node("DequantizeLinear", [w, s_w, zero], [f"{name}_w"], name=f"{name}_dq_w"))
        nodes.append(helper.make_node("DequantizeLinear", [b, s_b, bias_zero], [f"{name}_b"], name=f"{name}_dq_b"))
        if layer["type"] == "conv2d":
            nodes.append(helper.make_node("Conv", [f"{name}_x", f"{name}_w", f"{name}_b"], [f"{name}_acc"], name=name,
                                          kernel_shape=layer["kernel"], strides=[layer["stride"]] * 2))
        else:
            nodes.append(helper.make_node("Gemm", [f"{name}_x", f"{name}_w", f"{name}_b"], [f"{name}_acc"], name=name,
                                          transB=1))
        real = f"{name}_acc"
        if requant["relu"]:
            nodes.append(helper.make_node("Relu", [real], [f"{name}_relu"], name=f"{name}_relu"))
            real = f"{name}_relu"
        else:  # the seed's clamp at -127, below int8's -128
            low = initializer(graph, f"{name}_clip_min", np.array(-INT8_MAX * output_scale, dtype=np.float32))
            high = initializer(graph, f"{name}_clip_max", np.array(INT8_MAX * output_scale, dtype=np.float32))
            nodes.append(helper.make_node("Clip", [real, low, high], [f"{name}_clip"], name=f"{name}_clip"))
            real = f"{name}_clip"
        nodes.append(helper.make_node("QuantizeLinear", [real, s_y, zero], [name], name=f"{name}_q"))
        activation, scale = name, output_scale
    graph.output.append(helper.make_tensor_value_info(activation, TensorProto.INT8, ["batch", 10]))
    model = helper.make_model(graph, producer_name="accelsim tools/export_onnx_seed_lenet.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model, checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", default=export_seed.SEED_DIR)
    parser.add_argument("--all-heldout-inputs", metavar="FILE",
                        help="also write the 2,000 held-out digits as the model's int8 input")
    args = parser.parse_args()
    network = seed_reference.load_network(export_seed.SEED_YAML)
    model, checked = build_model(network)
    os.makedirs(args.out_dir, exist_ok=True)
    path = os.path.join(args.out_dir, "lenet.onnx")
    onnx.save(model, path)
    if args.all_heldout_inputs:
        np.save(args.all_heldout_inputs, seed_reference.input_activations(network, network["input"]["images"]))
    print(f"wrote {os.path.relpath(path)}: {os.path.relpath(export_seed.SEED_YAML)} in QDQ form, its requantization "
          f"equal to the seed's on all {checked} reachable accumulators of its five layers")


if __name__ == "__main__":
    main()
