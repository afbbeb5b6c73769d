#!/usr/bin/python3
"""Export the PyTorch-quantized LeNet (configs/lenet_torch.yaml) to ONNX, for the import tests.

The model is export_torch.quantized_model(): the same float weights, the same calibration, so
the same quantized network as configs/lenet_torch.yaml. torch.onnx.export writes it in QDQ form
(QuantizeLinear / DequantizeLinear around float Conv, Gemm, MaxPool). Writes:
  configs/lenet_torch/lenet_torch.onnx               the model (opset 13)
  configs/lenet_torch/heldout_float_first32.npy      float32 [32, 1, 32, 32]: the first 32
                                                     held-out digits, padded and normalized
                                                     as the model's input
  configs/lenet_torch/pytorch_output_first32.npy     float32 [32, 10]: PyTorch's (qnnpack)
                                                     output of the same model on them
Run with Debian's python: /usr/bin/python3 tools/export_onnx_lenet.py
"""
import os

import numpy as np
import torch

import export_torch
import lenet
import mnist_data

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


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train_images, _ = mnist_data.training_set()
    heldout_images, _ = mnist_data.heldout_set()
    model = exportable(export_torch.quantized_model(train_images))
    x = lenet.preprocess(heldout_images[:FIRST])
    onnx_path = os.path.join(export_torch.TORCH_DIR, "lenet_torch.onnx")
    torch.onnx.export(model, x[:1], onnx_path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    np.save(os.path.join(export_torch.TORCH_DIR, f"heldout_float_first{FIRST}.npy"),
            x.numpy().astype(np.float32))
    with torch.no_grad():
        np.save(os.path.join(export_torch.TORCH_DIR, f"pytorch_output_first{FIRST}.npy"),
                model(x).numpy().astype(np.float32))
    print(f"wrote {os.path.relpath(onnx_path)} ({os.path.getsize(onnx_path)} bytes) and the first {FIRST} "
          "held-out inputs")


if __name__ == "__main__":
    main()
