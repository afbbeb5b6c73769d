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

torch 1.13's exporter writes each int32 bias as Cast(bias / (S_in * S_w)), which truncates toward
zero, where qnnpack rounds it to nearest (quant_utils::QuantizeBias: quantize_per_tensor with scale
S_w * S_in); up to 1 apart, which changes outputs. Unless --exporter-bias, the bias constants in
the written model are replaced by the ones PyTorch itself computes with (the function PyTorch
calls, on the module's float bias), so that the ONNX model is the model PyTorch runs.

Writes --onnx, --images (float32 [N, 3, S, S], seeded random inputs) and --reference (uint8
[N, 1000]: PyTorch's own quantized output on them, engine qnnpack, one thread: the stored
integers (int_repr) of the last layer, before the DeQuantStub, so that they compare exactly with
accelsim's logits.npy; their scale and zero point are printed and are the graph's last
DequantizeLinear's).
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


def module_of_node(model, node_name):
    """The quantized module a node of torch.onnx.export came from: '/layer1/0/conv1/Conv' -> layer1.0.conv1."""
    path = node_name.strip("/").split("/")[:-1]
    module = model
    for part in path:
        module = getattr(module, part) if not part.isdigit() else module[int(part)]
    return module


def qnnpack_bias(module, input_scale):
    """The int32 bias qnnpack adds (quant_utils::QuantizeBias, per-tensor weights)."""
    weight, bias = module._weight_bias()
    return torch.quantize_per_tensor(bias, weight.q_scale() * input_scale, 0, torch.qint32).int_repr().numpy()


def replace_biases(model, onnx_path):
    """Writes PyTorch's own int32 biases into the exported model; returns (layers, changed values)."""
    import onnx
    from onnx import numpy_helper
    graph_model = onnx.load(onnx_path)
    producers = {output: node for node in graph_model.graph.node for output in node.output}
    constants = {node.output[0]: node for node in graph_model.graph.node if node.op_type == "Constant"}
    layers = changed = 0
    for node in graph_model.graph.node:
        if node.op_type not in ("Conv", "Gemm") or len(node.input) < 3:
            continue
        bias_dq, input_dq = producers[node.input[2]], producers[node.input[0]]
        constant = constants[bias_dq.input[0]]
        exported = numpy_helper.to_array(constant.attribute[0].t)
        input_scale = float(numpy_helper.to_array(constants[input_dq.input[1]].attribute[0].t))
        ours = qnnpack_bias(module_of_node(model, node.name), input_scale)
        assert ours.shape == exported.shape and np.abs(ours.astype(np.int64) - exported).max() <= 1, node.name
        constant.attribute[0].t.CopyFrom(numpy_helper.from_array(ours.astype(np.int32), constant.attribute[0].t.name))
        layers += 1
        changed += int((ours != exported).sum())
    onnx.save(graph_model, onnx_path)
    return layers, changed


def export(name, size, calibration_batches, seed, count, onnx_path, images_path, reference_path, exporter_bias=False):
    model, generator = quantized(name, size, calibration_batches, seed)
    images = torch.randn(count, 3, size, size, generator=generator)
    captured = []
    hook = model.dequant.register_forward_hook(lambda module, inputs, output: captured.append(inputs[0]))
    with torch.no_grad():
        reference = model(images)
    hook.remove()
    quantized_output = captured[0]
    # The float output is the DeQuantStub of these integers: nothing happens after them.
    assert torch.equal(quantized_output.dequantize(), reference)
    torch.onnx.export(model, images[:1], onnx_path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    if not exporter_bias:
        layers, changed = replace_biases(model, onnx_path)
        print(f"{onnx_path}: PyTorch's own int32 biases written into {layers} layers "
              f"({changed} values differ from the exporter's truncated ones)")
    np.save(images_path, images.numpy().astype(np.float32))
    np.save(reference_path, quantized_output.int_repr().numpy().astype(np.uint8))
    distinct = len(np.unique(reference.numpy()))
    print(f"wrote {onnx_path}, {images_path} ({count} images {size}x{size}), {reference_path} "
          f"(uint8, scale {quantized_output.q_scale()!r}, zero point {quantized_output.q_zero_point()}; "
          f"{distinct} distinct output values)")
