#!/usr/bin/python3
"""Export configs/lenet_torch.yaml, PyTorch's quantized LeNet, to ONNX, for the import tests.

The model is export_torch's QuantizableLeNet converted for qnnpack, with every quantization
parameter and weight then set from configs/lenet_torch.yaml and its .npy files: the input's
scale and zero point, each layer's int8 weights, weight scale, output scale and zero point.
So the ONNX file is exactly the committed config, whatever a new calibration would give; the
script checks it by running the model on all 2,000 held-out digits against the config's
reference (configs/lenet_torch/reference/logits_heldout.npy, PyTorch's output when the config
was made) before it writes anything. torch.onnx.export writes it in QDQ form (QuantizeLinear /
DequantizeLinear around float Conv, Gemm, MaxPool). Writes, into OUT_DIR (default
configs/lenet_torch/):
  lenet_torch.onnx               the model (opset 13)
  heldout_float_first32.npy      float32 [32, 1, 32, 32]: the first 32 held-out digits,
                                 padded and normalized as the model's input
  pytorch_output_first32.npy     float32 [32, 10]: PyTorch's (qnnpack) output on them
and with --all-heldout-inputs FILE, the 2,000 held-out digits as the model's input (float32
[2000, 1, 32, 32], 8 MB: not committed; test OnnxLeNet.RoundTripOfTheConfigOnAllHeldOutDigits).
Run with Debian's python: /usr/bin/python3 tools/export_onnx_lenet.py [--out-dir DIR]
"""
import argparse
import os

import numpy as np
import torch
import yaml

import export_torch
import lenet
import mnist_data
import torchvision_export

FIRST = 32


def exportable(model):
    """torch 1.13 cannot export quantized::linear_relu: fc6 becomes a quantized Linear with the
    same weights, scale and zero point, then a ReLU. The same numbers: the fused clamp is
    [zero point, 255]; linear's [0, 255] then ReLU's max(q, zero point) gives the same."""
    fused = model.fc6
    linear = torch.ao.nn.quantized.Linear(fused.in_features, fused.out_features, bias_=False)
    linear.set_weight_bias(fused.weight(), None)
    linear.scale, linear.zero_point = fused.scale, fused.zero_point
    model.fc6 = linear
    return model


def model_of_config(train_images):
    """The converted qnnpack LeNet with every quantization parameter from configs/lenet_torch.yaml.

    A short calibration only gives convert() the modules; everything it chose is replaced."""
    with open(export_torch.TORCH_YAML) as file:
        network = yaml.safe_load(file)["network"]
    model = export_torch.quantized_model(train_images[:export_torch.CALIBRATION_BATCH])
    layers = {layer["name"]: layer for layer in network["layers"]}
    first = layers[lenet.WEIGHT_LAYERS[0]]
    model.quant.scale = torch.tensor([first["scales"]["input"]])
    model.quant.zero_point = torch.tensor([network["input"]["zero_point"]])
    for name in lenet.WEIGHT_LAYERS:
        layer, module = layers[name], getattr(model, name)
        weights = np.load(os.path.join(export_torch.CONFIGS_DIR, layer["weights"]))
        weight = torch._make_per_tensor_quantized_tensor(torch.from_numpy(weights), layer["scales"]["weight"],
                                                         layer["weight_zero_point"])
        module.set_weight_bias(weight, None)
        module.scale = float(layer["scales"]["output"])
        module.zero_point = int(layer["requant"]["output_zero_point"])
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", default=export_torch.TORCH_DIR)
    parser.add_argument("--all-heldout-inputs", metavar="FILE",
                        help="also write the 2,000 held-out digits as the model's float input")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train_images, _ = mnist_data.training_set()
    heldout_images, _ = mnist_data.heldout_set()
    model = exportable(model_of_config(train_images))
    x = lenet.preprocess(heldout_images)
    with torch.no_grad():
        logits = torch.cat([model(x[first:first + export_torch.CALIBRATION_BATCH])
                                                   for first in range(0, len(x), export_torch.CALIBRATION_BATCH)])
    reference = np.load(os.path.join(export_torch.TORCH_DIR, "reference", "logits_heldout.npy"))
    stored = torchvision_export.stored_integers(logits.numpy(), np.float32(model.fc7.scale),
                                                np.uint8(model.fc7.zero_point))
    differ = int((stored != reference).sum())
    if differ:
        raise SystemExit(f"the model built from {os.path.relpath(export_torch.TORCH_YAML)} differs from its reference "
                         f"in {differ} of {reference.size} outputs: not written")
    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "lenet_torch.onnx")
    torch.onnx.export(model, x[:1], onnx_path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    np.save(os.path.join(args.out_dir, f"heldout_float_first{FIRST}.npy"), x[:FIRST].numpy().astype(np.float32))
    np.save(os.path.join(args.out_dir, f"pytorch_output_first{FIRST}.npy"), logits[:FIRST].numpy().astype(np.float32))
    if args.all_heldout_inputs:
        np.save(args.all_heldout_inputs, x.numpy().astype(np.float32))
    print(f"wrote {os.path.relpath(onnx_path)} ({os.path.getsize(onnx_path)} bytes), equal to "
          f"{os.path.relpath(export_torch.TORCH_YAML)} on all {len(x)} held-out digits in PyTorch, and the first {FIRST} "
          "held-out inputs and outputs")


if __name__ == "__main__":
    main()
