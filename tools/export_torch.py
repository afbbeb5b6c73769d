#!/usr/bin/python3
"""Quantize the float LeNet with PyTorch's own static post-training quantization and export it.

Eager mode on the qnnpack engine: QuantStub/DeQuantStub, conv+ReLU and linear+ReLU fused,
get_default_qconfig('qnnpack') (quint8 activations with zero points from a histogram
observer, qint8 symmetric per-tensor weights), calibrated on all 8,000 training images in
16 fixed batches of 500, converted.

Writes configs/lenet_torch.yaml and configs/lenet_torch/:
  input_table.npy             uint8 [256]: PyTorch's own quantization of each pixel value
  <layer>.weights.npy         int8 (the qint8 int_repr)
  reference/logits_heldout.npy     uint8 [2000, 10]: fc7 of the PyTorch model, all held-out
  reference/first16/<layer>.npy    uint8: every layer for the first 16 held-out images

qnnpack requantizes a layer's int32 accumulator as
  y = nearbyint(float32(acc) * M),  M = float32(float32(S_w * S_in) * float32(1 / S_out))
  out = clip(y + zp_out, zp_out if relu else 0, 255)
in float32 with round-half-to-even. Before writing anything, an integer re-implementation
of the exported config (seed_reference.run_network) must reproduce PyTorch's output of
every layer on all 2,000 held-out images exactly, or the export stops.
"""
import os
import sys

import numpy as np
import torch
from torch.ao.quantization import (DeQuantStub, QuantStub, convert, fuse_modules,
                                   get_default_qconfig, prepare)

import config_yaml
import lenet
import mnist_data
import qnnpack_requant_check
import seed_reference

CONFIGS_DIR = os.path.join(lenet.REPO_ROOT, "configs")
TORCH_YAML = os.path.join(CONFIGS_DIR, "lenet_torch.yaml")
TORCH_DIR = os.path.join(CONFIGS_DIR, "lenet_torch")
CALIBRATION_BATCH = 500
FIRST_COUNT = 16


class QuantizableLeNet(lenet.LeNet):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(super().forward(self.quant(x)))


def quantized_model(train_images):
    torch.backends.quantized.engine = "qnnpack"
    model = QuantizableLeNet()
    model.load_state_dict(lenet.load_float_model().state_dict(), strict=False)
    model.eval()
    model.qconfig = get_default_qconfig("qnnpack")
    fuse_modules(model, [["conv1", "relu1"], ["conv3", "relu3"], ["conv5", "relu5"],
                         ["fc6", "relu6"]], inplace=True)
    prepare(model, inplace=True)
    x = lenet.preprocess(train_images)
    with torch.no_grad():
        for first in range(0, len(x), CALIBRATION_BATCH):
            model(x[first:first + CALIBRATION_BATCH])
    return convert(model, inplace=True)


def pytorch_layer_outputs(model, images):
    """{layer: uint8 int_repr of the quantized output} from forward hooks, every image."""
    captured = {name: [] for name in lenet.ALL_LAYERS}
    hooks = [getattr(model, name).register_forward_hook(
        lambda module, inputs, output, name=name: captured[name].append(output.int_repr().numpy()))
        for name in lenet.ALL_LAYERS]
    x = lenet.preprocess(images)
    with torch.no_grad():
        for first in range(0, len(x), CALIBRATION_BATCH):
            model(x[first:first + CALIBRATION_BATCH])
    for hook in hooks:
        hook.remove()
    outputs = {name: np.concatenate(parts) for name, parts in captured.items()}
    outputs["fc6"] = outputs["fc6"].reshape(len(images), -1)
    return outputs


def pixel_table(model):
    """uint8 [256]: PyTorch's quantization of each preprocessed pixel value.

    With an input scale of 2/255, x(p)/scale = p - 127.5 would put every pixel on a tie,
    decided by float32 details inside PyTorch's quantize; the observer's scale is close to
    that, so the table is taken from PyTorch rather than recomputed.
    """
    x = torch.from_numpy(lenet.pixel_activations())
    scale, zero_point = float(model.quant.scale), int(model.quant.zero_point)
    table = torch.quantize_per_tensor(x, scale, zero_point, torch.quint8).int_repr().numpy()
    with torch.no_grad():
        through_stub = model.quant(x).int_repr().numpy()
    assert np.array_equal(table, through_stub), "QuantStub and quantize_per_tensor disagree"
    return table


def float32_multiplier(weight_scale, input_scale, output_scale):
    """qnnpack's requantization scale, in its order of float32 operations."""
    s_w, s_in, s_out = np.float32(weight_scale), np.float32(input_scale), np.float32(output_scale)
    return np.float32(s_w * s_in) * (np.float32(1) / s_out)


def torch_network(model, table):
    """The `network:` map of the quantized model (arrays in place of paths)."""
    input_scale, input_zero_point = float(model.quant.scale), int(model.quant.zero_point)
    weight_layers = []
    for name in lenet.WEIGHT_LAYERS:
        module = getattr(model, name)
        weight = module.weight()
        # The observer is symmetric; the converted tensor reports per_tensor_affine, zero point 0.
        assert weight.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric)
        assert weight.dtype == torch.qint8 and weight.q_zero_point() == 0
        w_q = weight.int_repr().numpy()
        multiplier = float32_multiplier(weight.q_scale(), input_scale, module.scale)
        weight_layers.append(dict(
            name=name, type="linear" if w_q.ndim == 2 else "conv2d", weights=w_q,
            input_zero_point=input_zero_point, weight_zero_point=0,
            requant=dict(mode="multiply", multiplier=float(multiplier), precision="float32",
                         rounding="half_even", output_zero_point=int(module.zero_point),
                         clamp=[0, 255], relu=lenet.RELU_AFTER[name]),
            requant_comments=dict(multiplier="float32(float32(S_w*S_in) * float32(1/S_out))"),
            scales=dict(input=input_scale, weight=weight.q_scale(), output=module.scale)))
        input_scale, input_zero_point = module.scale, int(module.zero_point)
    return dict(name="lenet_torch", activation_dtype="uint8",
                input=dict(shape=[1, 32, 32], pad=lenet.PAD, pixel_table=table,
                           zero_point=int(model.quant.zero_point)),
                layers=lenet.network_layers(weight_layers))


def count_mismatches(network, images, expected):
    """{layer: number of differing output values} of the integer re-implementation."""
    _, computed = seed_reference.run_network(network, images, keep_layers=True)
    return {name: int((computed[name] != expected[name]).sum()) for name in lenet.ALL_LAYERS}


HEADER = """\
# LeNet-5 (no biases) for MNIST, quantized by PyTorch itself (eager-mode static post-
# training quantization, qnnpack engine, default qnnpack qconfig: uint8 activations with
# zero points, int8 symmetric per-tensor weights), calibrated on the 8,000 training digits.
# Requantization is qnnpack's: float32 multiply by M, round half to even, add the output
# zero point, clamp to [0, 255] (or [zero point, 255] with the fused ReLU).
#
# Generated by tools/export_torch.py from the float weights in tools/float_model/; do not
# edit by hand. Regenerate: tools/make_models.sh (or /usr/bin/python3 tools/export_torch.py).
# Expected outputs, made by PyTorch's quantized model: lenet_torch/reference/.
"""


def write_files(network, pytorch_outputs):
    first_dir = os.path.join(TORCH_DIR, "reference", f"first{FIRST_COUNT}")
    os.makedirs(first_dir, exist_ok=True)
    np.save(os.path.join(TORCH_DIR, "input_table.npy"), network["input"]["pixel_table"])
    for layer in network["layers"]:
        if "weights" in layer:
            np.save(os.path.join(TORCH_DIR, f"{layer['name']}.weights.npy"), layer["weights"])
    np.save(os.path.join(TORCH_DIR, "reference", "logits_heldout.npy"), pytorch_outputs["fc7"])
    for name in lenet.ALL_LAYERS:
        np.save(os.path.join(first_dir, f"{name}.npy"), pytorch_outputs[name][:FIRST_COUNT])
    with open(TORCH_YAML, "w") as f:
        f.write(config_yaml.render_config(HEADER, "hardware/edge_small.yaml", network,
                                          data_dir="../data/mnist", weights_dir="lenet_torch"))


def input_shape(text):
    """--input-shape C,H,W as a list of three positive integers."""
    try:
        shape = [int(part) for part in text.split(",")]
    except ValueError:
        shape = []
    if len(shape) != 3 or min(shape) < 1:
        import argparse
        raise argparse.ArgumentTypeError("expected three positive integers C,H,W, such as 3,224,224")
    return shape


def add_torchvision_arguments(parser):
    """--model, --size, --input-shape, --calibration-batches, --seed: what makes the model (also torch_model_speed.py's)."""
    parser.add_argument("--model",
                        help="resnet18 or mobilenet_v2 (torchvision's quantizable definitions, random weights from "
                             "--seed); MODULE:FACTORY (MODULE on the Python path or a .py file; FACTORY() returns a "
                             "float model, quantized here in FX mode, or a converted eager/FX one); or a TorchScript "
                             "file of a quantized model (.pt, .pth, .ts)")
    parser.add_argument("--size", type=int, default=32, help="input height and width")
    parser.add_argument("--input-shape", type=input_shape, help="C,H,W of one input (default 3,SIZE,SIZE)")
    parser.add_argument("--calibration-batches", type=int, default=4, help="batches of 2 random images")
    parser.add_argument("--seed", type=int, default=0)


def parse_arguments():
    import argparse
    parser = argparse.ArgumentParser(
        description="Without --model: the LeNet export above. With --model: a model quantized by PyTorch "
                    "(qnnpack) and exported to ONNX (tools/torchvision_export.py).")
    add_torchvision_arguments(parser)
    parser.add_argument("--images", type=int, default=4, help="how many inputs to write with their reference")
    parser.add_argument("--onnx", help="output .onnx")
    parser.add_argument("--images-out", help="output float32 inputs .npy")
    parser.add_argument("--reference", help="output .npy: PyTorch's quantized output on the inputs (uint8 int_repr)")
    parser.add_argument("--input-tie-images", type=int, default=0,
                        help="with --model: crafted inputs after --images ones, every value one that PyTorch's and "
                             "ONNX's input quantization put on different levels (see torchvision_export.py)")
    parser.add_argument("--exporter-bias", action="store_true",
                        help="keep torch.onnx.export's truncated int32 biases (see torchvision_export.py)")
    args = parser.parse_args()
    if args.model and not (args.onnx and args.images_out and args.reference):
        parser.error("--model needs --onnx, --images-out and --reference")
    return args


def main():
    args = parse_arguments()
    if args.model:
        import torchvision_export
        torchvision_export.export(args.model, args.size, args.calibration_batches, args.seed, args.images,
                                  args.onnx, args.images_out, args.reference, args.exporter_bias, args.input_shape,
                                  args.input_tie_images)
        return
    torch.set_num_threads(1)
    train_images, _ = mnist_data.training_set()
    heldout_images, heldout_labels = mnist_data.heldout_set()
    model = quantized_model(train_images)
    network = torch_network(model, pixel_table(model))
    pytorch_outputs = pytorch_layer_outputs(model, heldout_images)

    mismatches = count_mismatches(network, heldout_images, pytorch_outputs)
    print("integer re-implementation vs PyTorch, mismatching values per layer "
          f"({len(heldout_images)} images): {mismatches}")
    if any(mismatches.values()):
        sys.exit("export_torch: the exported arithmetic does not reproduce PyTorch; nothing written")
    # The digits hardly ever hit a rounding tie: check the arithmetic on crafted cases too.
    for line in qnnpack_requant_check.check():
        print(f"crafted cases, {line}")

    write_files(network, pytorch_outputs)
    # The YAML text must round-trip: run the written config and compare again.
    reloaded = seed_reference.load_network(TORCH_YAML)
    assert not any(count_mismatches(reloaded, heldout_images, pytorch_outputs).values())

    correct = int((np.argmax(pytorch_outputs["fc7"], axis=1) == heldout_labels).sum())
    print(f"wrote {os.path.relpath(TORCH_YAML)} and {os.path.relpath(TORCH_DIR)}/; "
          f"held-out top-1 {correct}/{len(heldout_labels)}")
    print(f"  input  scale={float(model.quant.scale):.6g} zero_point={int(model.quant.zero_point)}")
    for layer in network["layers"]:
        if "requant" in layer:
            requant = layer["requant"]
            print(f"  {layer['name']:6s} M={requant['multiplier']!r} "
                  f"zero_point in/out={layer['input_zero_point']}/{requant['output_zero_point']}")


if __name__ == "__main__":
    main()
