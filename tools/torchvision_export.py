#!/usr/bin/python3
"""Quantize a torchvision model with PyTorch (eager mode, qnnpack) and export it to ONNX.

Used by export_torch.py --model NAME. The model is torchvision's quantizable definition
(torchvision.models.quantization: resnet18, mobilenet_v2), randomly initialized from --seed (no
pretrained weights can be fetched here). A default init collapses MobileNetV2's output to one
value, so, seeded, the BatchNorm weights are drawn from [0.5, 1.5], their biases from
[-0.1, 0.1] and the classifier's weights from N(0, 1): the outputs then vary. Fused, qconfig
get_default_qconfig('qnnpack') (quint8 activations from a histogram observer, int8 per-tensor
symmetric weights), calibrated on --calibration-batches seeded batches of 2 random images,
converted. torch.onnx.export writes the QDQ form (opset 13).

Writes --onnx, --images (float32 [N, 3, S, S], seeded random inputs) and --reference (float32
[N, 1000]: PyTorch's own quantized output on them, engine qnnpack, one thread).
"""
import torch
import numpy as np
import torchvision
from torch.ao.quantization import convert, get_default_qconfig, prepare

MODELS = {"resnet18": torchvision.models.quantization.resnet18,
          "mobilenet_v2": torchvision.models.quantization.mobilenet_v2}


def quantized(name, size, calibration_batches, seed):
    torch.backends.quantized.engine = "qnnpack"
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    model = MODELS[name](weights=None, quantize=False).eval()
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():  # a non-degenerate random model (see the docstring)
        if isinstance(module, torch.nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.uniform_(-0.1, 0.1, generator=generator)
        if isinstance(module, torch.nn.Linear):
            with torch.no_grad():
                module.weight.normal_(0.0, 1.0, generator=generator)
    model.fuse_model()
    model.qconfig = get_default_qconfig("qnnpack")
    prepare(model, inplace=True)
    with torch.no_grad():
        for _ in range(calibration_batches):
            model(torch.randn(2, 3, size, size, generator=generator))
    return convert(model, inplace=True), generator


def export(name, size, calibration_batches, seed, count, onnx_path, images_path, reference_path):
    model, generator = quantized(name, size, calibration_batches, seed)
    images = torch.randn(count, 3, size, size, generator=generator)
    with torch.no_grad():
        reference = model(images)
    torch.onnx.export(model, images[:1], onnx_path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    np.save(images_path, images.numpy().astype(np.float32))
    np.save(reference_path, reference.numpy().astype(np.float32))
    distinct = len(np.unique(reference.numpy()))
    print(f"wrote {onnx_path}, {images_path} ({count} images {size}x{size}), {reference_path} "
          f"({distinct} distinct output values)")
