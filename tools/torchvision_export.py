#!/usr/bin/python3
"""Quantize a PyTorch model (qnnpack) and export it to ONNX: torchvision's, or any a user brings.

Used by export_torch.py --model MODEL, where MODEL is one of
- resnet18, mobilenet_v2: torchvision's quantizable definition (below);
- MODULE:FACTORY: FACTORY() from MODULE, a module on the Python path or a path/to/file.py. If
  what it returns is already quantized (eager mode or FX, converted), it is used as it is;
  otherwise it is a float model, quantized here in FX graph mode (prepare_fx with
  get_default_qconfig_mapping('qnnpack'), calibrated like the torchvision models, convert_fx);
- FILE.pt (or .pth, .ts): a saved TorchScript of a quantized model (torch.jit.save of a
  traced or scripted converted model).
Inputs are seeded random images of --input-shape (default 3 x --size x --size); example:
tools/example_user_model.py.

torchvision's model is its quantizable definition
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

With --input-tie-images K, K crafted inputs follow the seeded ones: each value drawn (seeded)
from the float32 inputs that PyTorch's quantization (x * float32(1 / S)) and ONNX's QuantizeLinear
(x / S) put on different levels, for the model's input scale S, so that an `onnxruntime`
arithmetic run differs from PyTorch's on them whatever the machine made of the random ones.

Writes --onnx, --images (float32 [N, C, H, W], seeded random inputs) and --reference (uint8
or int8 [N, ...]: PyTorch's own quantized output on them, engine qnnpack, one thread: the
stored integers of the last layer, recovered exactly from the float output with the scale and
zero point of the graph's last DequantizeLinear (the script checks that dequantizing them gives
PyTorch's output bit for bit), so that they compare exactly with accelsim's logits.npy).
"""
import importlib
import importlib.util
import os

import torch
import numpy as np
import torchvision
from torch.ao.quantization import convert, get_default_qconfig, get_default_qconfig_mapping, prepare
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

MODELS = {"resnet18": torchvision.models.quantization.resnet18,
          "mobilenet_v2": torchvision.models.quantization.mobilenet_v2}


TORCHSCRIPT_SUFFIXES = (".pt", ".pth", ".ts")


def user_factory(spec):
    """The callable named by MODULE:FACTORY (MODULE on the Python path, or a .py file)."""
    module_name, _, factory = spec.rpartition(":")
    if not module_name or not factory:
        raise SystemExit(f"--model {spec!r}: expected resnet18, mobilenet_v2, MODULE:FACTORY or a TorchScript "
                         f"file ({', '.join(TORCHSCRIPT_SUFFIXES)})")
    if module_name.endswith(".py"):
        if not os.path.isfile(module_name):
            raise SystemExit(f"--model {spec!r}: {module_name} does not exist")
        loader = importlib.util.spec_from_file_location(os.path.basename(module_name)[:-3], module_name)
        module = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    if not callable(getattr(module, factory, None)):
        raise SystemExit(f"--model {spec!r}: {module_name} has no function {factory}")
    return getattr(module, factory)


def is_quantized(model):
    """Whether a module tree holds PyTorch's quantized modules (a converted eager or FX model)."""
    return any(type(module).__module__.startswith(("torch.ao.nn.quantized", "torch.ao.nn.intrinsic.quantized",
                                                   "torch.nn.quantized"))
               for module in model.modules())


def calibrate(model, shape, calibration_batches, generator):
    with torch.no_grad():
        for _ in range(calibration_batches):
            model(torch.randn(2, *shape, generator=generator))


def quantized(name, size, calibration_batches, seed, input_shape=None):
    """(converted model, generator of the inputs that follow, input shape [C, H, W])."""
    torch.backends.quantized.engine = "qnnpack"
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    shape = list(input_shape or [3, size, size])
    if name not in MODELS:
        if name.endswith(TORCHSCRIPT_SUFFIXES):
            if not os.path.isfile(name):
                raise SystemExit(f"--model {name!r}: no such TorchScript file")
            return torch.jit.load(name).eval(), generator, shape
        model = user_factory(name)()
        if not isinstance(model, torch.nn.Module):
            raise SystemExit(f"--model {name!r}: the factory returned a {type(model).__name__}, not a torch.nn.Module")
        model.eval()
        if is_quantized(model):
            return model, generator, shape
        example = (torch.randn(1, *shape, generator=generator),)
        prepared = prepare_fx(model, get_default_qconfig_mapping("qnnpack"), example_inputs=example)
        calibrate(prepared, shape, calibration_batches, generator)
        return convert_fx(prepared), generator, shape
    model = MODELS[name](weights=None, quantize=False).eval()
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
    calibrate(model, shape, calibration_batches, generator)
    return convert(model, inplace=True), generator, shape


def module_of_node(model, node_name):
    """The quantized module a node of torch.onnx.export came from: '/layer1/0/conv1/Conv' -> layer1.0.conv1."""
    path = node_name.strip("/").split("/")[:-1]
    module = model
    for part in path:
        module = getattr(module, part) if not part.isdigit() else module[int(part)]
    return module


def qnnpack_bias(module, input_scale):
    """The int32 bias qnnpack adds (quant_utils::QuantizeBias, per-tensor weights)."""
    # A quantized Linear keeps its weights in a LinearPackedParams child; in TorchScript only
    # that child has _weight_bias.
    weight, bias = (module if hasattr(module, "_weight_bias") else module._packed_params)._weight_bias()
    if weight.qscheme() not in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        raise SystemExit("per-channel weights: PyTorch's own bias rounding for them is not reproduced here; "
                         "--exporter-bias keeps the exporter's")
    return torch.quantize_per_tensor(bias, weight.q_scale() * input_scale, 0, torch.qint32).int_repr().numpy()


class GraphConstants:
    """The constant tensors of an exported graph: Constant nodes and initializers, through Identity nodes."""

    def __init__(self, graph):
        from onnx import numpy_helper
        self.numpy_helper = numpy_helper
        self.producers = {output: node for node in graph.node for output in node.output}
        self.initializers = {tensor.name: tensor for tensor in graph.initializer}

    def tensor(self, name):
        """The TensorProto holding the value `name` refers to."""
        while name not in self.initializers:
            node = self.producers[name]
            if node.op_type == "Constant":
                return node.attribute[0].t
            if node.op_type != "Identity":
                raise KeyError(f"{name} is computed by a {node.op_type}, not a constant")
            name = node.input[0]
        return self.initializers[name]

    def value(self, name):
        return self.numpy_helper.to_array(self.tensor(name))

    def replace(self, name, array):
        tensor = self.tensor(name)
        tensor.CopyFrom(self.numpy_helper.from_array(array, tensor.name))


def replace_biases(model, onnx_path):
    """Writes PyTorch's own int32 biases into the exported model; returns (layers, changed values)."""
    import onnx
    graph_model = onnx.load(onnx_path)
    constants = GraphConstants(graph_model.graph)
    layers = changed = 0
    for node in graph_model.graph.node:
        if node.op_type not in ("Conv", "Gemm") or len(node.input) < 3:
            continue
        bias_dq, input_dq = constants.producers[node.input[2]], constants.producers[node.input[0]]
        exported = constants.value(bias_dq.input[0])
        input_scale = float(constants.value(input_dq.input[1]))
        ours = qnnpack_bias(module_of_node(model, node.name), input_scale)
        assert ours.shape == exported.shape and np.abs(ours.astype(np.int64) - exported).max() <= 1, node.name
        constants.replace(bias_dq.input[0], ours.astype(np.int32))
        layers += 1
        changed += int((ours != exported).sum())
    onnx.save(graph_model, onnx_path)
    return layers, changed


def output_quantization(onnx_path):
    """(scale, zero point as a numpy scalar of its type) of the DequantizeLinear that makes the graph's output."""
    import onnx
    graph = onnx.load(onnx_path).graph
    constants = GraphConstants(graph)
    last = constants.producers.get(graph.output[0].name)
    if last is None or last.op_type != "DequantizeLinear":
        raise SystemExit(f"{onnx_path}: the output is not a DequantizeLinear of quantized values "
                         f"({last.op_type if last else 'a graph input'}): not a quantized model's output")
    return np.float32(constants.value(last.input[1])), constants.value(last.input[2])[()]


def input_quantization(onnx_path):
    """(scale, zero point as a numpy scalar of its type) of the QuantizeLinear that quantizes the graph's input."""
    import onnx
    graph = onnx.load(onnx_path).graph
    constants = GraphConstants(graph)
    quantize = [node for node in graph.node
                if node.op_type == "QuantizeLinear" and node.input[0] == graph.input[0].name]
    if len(quantize) != 1:
        raise SystemExit(f"{onnx_path}: the input is not quantized by one QuantizeLinear: no input ties to craft")
    return np.float32(constants.value(quantize[0].input[1])), constants.value(quantize[0].input[2])[()]


def input_quantization_ties(scale, zero_point):
    """float32 inputs that PyTorch's quantize_per_tensor and ONNX's QuantizeLinear put on different levels.

    PyTorch computes x * float32(1 / S), ONNX x / S (ONNX Runtime in float32, both rounded half to
    even): they part only within a few float32 steps of a midpoint between two levels, and there
    only for some x. The candidates are the float32s nearest each midpoint; PyTorch's own
    quantize_per_tensor decides which of them part. None do when 1 / S is exact (a power of two).
    """
    info = np.iinfo(zero_point.dtype)
    midpoints = (np.arange(info.min, info.max, dtype=np.float64) - int(zero_point) + 0.5) * np.float64(scale)
    candidates = [midpoints.astype(np.float32)]
    for direction in (np.float32(np.inf), np.float32(-np.inf)):
        step = candidates[0]
        for _ in range(8):
            step = np.nextafter(step, direction)
            candidates.append(step)
    x = np.unique(np.concatenate(candidates))
    onnx_levels = np.clip(np.rint(x / scale) + int(zero_point), info.min, info.max).astype(np.int64)
    torch_type = torch.quint8 if zero_point.dtype == np.uint8 else torch.qint8
    torch_levels = torch.quantize_per_tensor(torch.from_numpy(x), float(scale), int(zero_point),
                                             torch_type).int_repr().numpy().astype(np.int64)
    ties = x[onnx_levels != torch_levels]
    if ties.size == 0:
        raise SystemExit(f"input scale {float(scale)!r}: no input where PyTorch's quantization and ONNX's part "
                         "(1 / S is exact): no input ties to craft")
    return ties


def stored_integers(output, scale, zero_point):
    """The quantized values whose dequantization is `output`, checked bit for bit."""
    info = np.iinfo(zero_point.dtype)
    values = np.rint(output / scale).astype(np.int64) + int(zero_point)
    if values.min() < info.min or values.max() > info.max:
        raise SystemExit("the output's values do not fit its zero point's type")
    if not np.array_equal(np.float32(values - int(zero_point)) * scale, output):
        raise SystemExit("the model's output is not the dequantization of its last quantized values")
    return values.astype(zero_point.dtype)


def export(name, size, calibration_batches, seed, count, onnx_path, images_path, reference_path, exporter_bias=False,
           input_shape=None, input_tie_images=0):
    model, generator, shape = quantized(name, size, calibration_batches, seed, input_shape)
    images = torch.randn(count, *shape, generator=generator)
    with torch.no_grad():
        output = model(images)
    if not isinstance(output, torch.Tensor) or output.is_quantized:
        raise SystemExit(f"--model {name!r}: the model must return one float tensor (a DeQuantStub or FX's dequantize "
                         "after its last quantized layer)")
    torch.onnx.export(model, images[:1], onnx_path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    if not exporter_bias:
        layers, changed = replace_biases(model, onnx_path)
        print(f"{onnx_path}: PyTorch's own int32 biases written into {layers} layers "
              f"({changed} values differ from the exporter's truncated ones)")
    if input_tie_images:
        # After the seeded images, so that those stay what they are without this option.
        ties = input_quantization_ties(*input_quantization(onnx_path))
        picks = torch.randint(len(ties), (input_tie_images, *shape), generator=generator).numpy()
        crafted = torch.from_numpy(ties[picks])
        with torch.no_grad():
            crafted_output = model(crafted)
        images, output = torch.cat([images, crafted]), torch.cat([output, crafted_output])
        print(f"{input_tie_images} input-tie images appended: every value one of the {len(ties)} inputs that "
              "PyTorch's quantization and ONNX's QuantizeLinear put on different levels")
    scale, zero_point = output_quantization(onnx_path)
    reference = stored_integers(output.numpy(), scale, zero_point)
    np.save(images_path, images.numpy().astype(np.float32))
    np.save(reference_path, reference)
    print(f"wrote {onnx_path}, {images_path} ({len(images)} images {'x'.join(map(str, shape))}), {reference_path} "
          f"({reference.dtype}, scale {float(scale)!r}, zero point {int(zero_point)}; "
          f"{len(np.unique(reference))} distinct output values)")
