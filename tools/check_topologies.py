#!/usr/bin/python3
"""Check configs/topologies/*.yaml against torch: shapes, edges and MACs of every layer.

Each NAME.yaml is read back with python3-yaml and every layer's output shape is recomputed
from the YAML alone, with the rules the accelsim loader applies (docs/config.md):
  conv2d, maxpool, avgpool  H' = floor((H + 2p - k) / s) + 1 (per axis); conv2d: C' = out_channels,
                            groups divides both C and out_channels; pools keep C
  global_avgpool            [C, 1, 1]
  add                       two inputs of the same shape; that shape
  concat                    same H and W; channels summed
  flatten                   [C * H * W]
  linear                    [out_features] of a flat (or flattened) input
A layer without `inputs` reads the layer before it (the first: the network input).
The shapes are compared with those torch reports for the same node (topology_graph.py
traces torchvision's model afresh; BERT's GEMMs are computed with torch.matmul), the
`inputs` with torch's graph edges, and the MACs recomputed from the YAML with the total in
the file's header. Every key must be one the agreed format gives the layer's type (a
timing-only file has no weights or requant). NAME_random.yaml must include NAME.yaml and
change only name, values and seed. Prints one line per file; exits 1 on any difference.

--self-test first breaks copies of the files in ways the check must notice (a wrong edge
of the same shape, a stride, a lost padding, groups, a misspelt key, the twin's seed) and
fails unless every one is reported and the unbroken copies pass.
"""
import argparse
import functools
import os
import re
import shutil
import sys
import tempfile

import yaml

import topology_graph

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TOPOLOGY_DIR = os.path.join(ROOT, "configs", "topologies")


# The keys a timing-only layer may have (/work/notes/network_format.md, docs/config.md).
LAYER_KEYS = {
    "conv2d": {"out_channels", "kernel", "stride", "padding", "groups"},
    "linear": {"out_features"},
    "maxpool": {"kernel", "stride", "padding"},
    "avgpool": {"kernel", "stride", "padding"},
    "global_avgpool": set(),
    "add": set(),
    "concat": set(),
    "flatten": set(),
}
COMMON_KEYS = {"name", "type", "inputs"}
RELU_KEY = {"requant"}  # {relu: BOOL} on every conv2d, linear and add, written by export_topologies.py
REQUANTIZED = ("conv2d", "linear", "add")
NETWORK_KEYS = {"name", "activation_dtype", "values", "input", "layers"}
INPUT_KEYS = {"shape"}  # a timing-only input has a shape alone (the loader warns of any value key)


class ShapeError(Exception):
    pass


def check_keys(document):
    problems = []
    if set(document) != {"include", "network"}:
        problems.append(f"top-level keys {sorted(document)}, expected include and network")
    network = document.get("network", {})
    if set(network) != NETWORK_KEYS:
        problems.append(f"network keys {sorted(network)}, expected {sorted(NETWORK_KEYS)}")
    if set(network.get("input", {})) != INPUT_KEYS:
        problems.append(f"network.input keys {sorted(network.get('input', {}))}, expected {sorted(INPUT_KEYS)}")
    for layer in network.get("layers", []):
        allowed = LAYER_KEYS.get(layer.get("type"))
        if allowed is None:
            problems.append(f"{layer.get('name')}: unknown type {layer.get('type')!r}")
        elif not set(layer) <= allowed | COMMON_KEYS | RELU_KEY:
            problems.append(f"{layer.get('name')}: unexpected keys {sorted(set(layer) - allowed - COMMON_KEYS - RELU_KEY)}")
        elif layer["type"] in REQUANTIZED and layer.get("requant") not in ({"relu": True}, {"relu": False}):
            problems.append(f"{layer.get('name')}: requant {layer.get('requant')!r}: expected {{relu: true}} or "
                            f"{{relu: false}} on every conv2d, linear and add")
        elif layer["type"] not in REQUANTIZED and "requant" in layer:
            problems.append(f"{layer.get('name')}: a {layer['type']} has no requant")
    return problems


def pair(value, key, layer_name):
    if isinstance(value, int):
        return [value, value]
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value
    raise ShapeError(f"{layer_name}.{key}: expected an int or [a, b], got {value!r}")


def required(layer, key):
    if key not in layer:
        raise ShapeError(f"{layer.get('name')}: {layer.get('type')} needs '{key}'")
    return layer[key]


def window_output(in_shape, layer, default_stride_is_kernel):
    name = layer["name"]
    if len(in_shape) != 3:
        raise ShapeError(f"{name}: expects a [C, H, W] input, got {in_shape}")
    kernel = pair(required(layer, "kernel"), "kernel", name)
    stride = pair(layer.get("stride", kernel if default_stride_is_kernel else 1), "stride", name)
    padding = pair(layer.get("padding", 0), "padding", name)
    spatial = [(in_shape[1 + axis] + 2 * padding[axis] - kernel[axis]) // stride[axis] + 1 for axis in (0, 1)]
    if min(spatial) < 1:
        raise ShapeError(f"{name}: the {kernel} window does not fit the {in_shape} input")
    return spatial, kernel


def layer_output(layer, in_shapes):
    """(output shape, MACs) of one layer from its YAML keys and its inputs' shapes."""
    name, kind = required(layer, "name"), required(layer, "type")
    needs = 2 if kind == "add" else None if kind == "concat" else 1
    if needs is not None and len(in_shapes) != needs:
        raise ShapeError(f"{name}: {kind} takes {needs} input(s), got {len(in_shapes)}")
    first = in_shapes[0]
    if kind == "conv2d":
        groups = layer.get("groups", 1)
        out_channels = required(layer, "out_channels")
        if first[0] % groups or out_channels % groups:
            raise ShapeError(f"{name}: groups {groups} must divide {first[0]} in and {out_channels} out channels")
        spatial, kernel = window_output(first, layer, False)
        shape = [out_channels] + spatial
        return shape, shape[0] * shape[1] * shape[2] * (first[0] // groups) * kernel[0] * kernel[1]
    if kind in ("maxpool", "avgpool"):
        spatial, _ = window_output(first, layer, True)
        return [first[0]] + spatial, 0
    if kind == "global_avgpool":
        if len(first) != 3:
            raise ShapeError(f"{name}: expects a [C, H, W] input, got {first}")
        return [first[0], 1, 1], 0
    if kind == "add":
        if in_shapes[0] != in_shapes[1]:
            raise ShapeError(f"{name}: adds {in_shapes[0]} and {in_shapes[1]}")
        return list(first), 0
    if kind == "concat":
        if any(len(s) != 3 or s[1:] != first[1:] for s in in_shapes):
            raise ShapeError(f"{name}: concatenates {in_shapes}: H and W differ")
        return [sum(s[0] for s in in_shapes)] + first[1:], 0
    if kind == "flatten":
        size = 1
        for extent in first:
            size *= extent
        return [size], 0
    if kind == "linear":
        size = 1
        for extent in first:
            size *= extent
        out_features = required(layer, "out_features")
        return [out_features], size * out_features
    raise ShapeError(f"{name}: unknown layer type '{kind}'")


def yaml_shapes(network):
    """{layer name: shape}, {layer name: inputs}, {layer name: MACs}, from the YAML alone."""
    shapes = {"input": list(network["input"]["shape"])}
    inputs_of, macs = {}, {}
    previous = "input"
    for layer in network["layers"]:
        name = required(layer, "name")
        if name in shapes:
            raise ShapeError(f"{name}: name used twice")
        inputs = layer.get("inputs", [previous])
        for source in inputs:
            if source not in shapes:
                raise ShapeError(f"{name}: reads '{source}', which is not an earlier layer")
        shapes[name], macs[name] = layer_output(layer, [shapes[source] for source in inputs])
        inputs_of[name] = inputs
        previous = name
    del shapes["input"]
    return shapes, inputs_of, macs


@functools.lru_cache(maxsize=None)
def torch_reference(name):
    return topology_graph.torch_reference(name)


def header_total_macs(text):
    match = re.search(r"^# ([\d,]+) MACs in all", text, re.MULTILINE)
    return int(match.group(1).replace(",", "")) if match else None


def check_topology(name, directory):
    """The differences found in NAME.yaml and NAME_random.yaml (an empty list: none)."""
    problems = []
    path = os.path.join(directory, f"{name}.yaml")
    with open(path) as source:
        text = source.read()
    document = yaml.safe_load(text)
    problems += [f"{path}: {problem}" for problem in check_keys(document)]
    network = document["network"]
    try:
        shapes, inputs_of, macs = yaml_shapes(network)
    except ShapeError as error:
        return problems + [f"{path}: {error}"], None, None
    if network.get("values") != "none":
        problems.append(f"{path}: network.values is {network.get('values')!r}, expected 'none'")
    torch_shapes, torch_inputs = torch_reference(name)
    if list(shapes) != list(torch_shapes):
        problems.append(f"{path}: layers {list(shapes)} differ from torch's {list(torch_shapes)}")
    for layer, shape in shapes.items():
        if layer not in torch_shapes:
            continue
        if shape != torch_shapes[layer]:
            problems.append(f"{path}: {layer}: YAML gives {shape}, torch {torch_shapes[layer]}")
        if inputs_of[layer] != torch_inputs[layer]:
            problems.append(f"{path}: {layer}: reads {inputs_of[layer]}, torch's graph {torch_inputs[layer]}")
    total = sum(macs.values())
    if header_total_macs(text) != total:
        problems.append(f"{path}: header says {header_total_macs(text)} MACs, the layers add up to {total}")
    problems += check_twin(name, directory, network)
    return problems, len(shapes), total


def check_twin(name, directory, network):
    path = os.path.join(directory, f"{name}_random.yaml")
    with open(path) as source:
        twin = yaml.safe_load(source)
    expected = {"include": [f"{name}.yaml"],
                "network": {"name": f"{name}_random", "values": "random", "seed": 1}}
    if twin != expected:
        return [f"{path}: expected exactly {expected}, got {twin}"]
    return []


# (file, text in it, replacement): each breaks the file in a way the check must report.
SABOTAGE = [
    ("resnet18.yaml", "    - name: layer2_0_downsample_0  # -> [128, 28, 28], 6,422,528 MACs\n      type: conv2d\n"
     "      inputs: [layer1_1_add]\n", "    - name: layer2_0_downsample_0\n      type: conv2d\n"),
    ("resnet18.yaml", "inputs: [layer1_1_conv2, layer1_0_add]", "inputs: [layer1_1_conv2, maxpool]"),
    ("resnet50.yaml", "      stride: 2\n      padding: 1\n    - name: layer1_0_conv1", "      stride: 2\n"
     "    - name: layer1_0_conv1"),
    ("mobilenet_v2.yaml", "groups: 32  # depthwise", "groups: 1"),
    ("alexnet.yaml", "stride: 4", "stride: 3"),
    ("vgg16.yaml", "      out_features: 1000", "      out_feature: 1000"),
    ("bert_base_gemms.yaml", "groups: 12  # 64 in and 128 out channels per group", "groups: 1"),
    ("vgg16_random.yaml", "seed: 1", "seed: 2"),
]


def self_test(directory):
    """Fails unless every sabotaged copy is reported and the untouched copies pass."""
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in os.listdir(directory):
            shutil.copy(os.path.join(directory, name), scratch)
        for name in topology_graph.ALL_TOPOLOGIES:
            if check_topology(name, scratch)[0]:
                failures.append(f"{name}: the untouched copy does not pass")
        for file_name, text, replacement in SABOTAGE:
            path = os.path.join(scratch, file_name)
            with open(path) as source:
                original = source.read()
            if original.count(text) != 1:
                failures.append(f"{file_name}: the text to sabotage occurs {original.count(text)} times")
                continue
            with open(path, "w") as out:
                out.write(original.replace(text, replacement))
            problems = check_topology(file_name.replace("_random", "").replace(".yaml", ""), scratch)[0]
            if not problems:
                failures.append(f"{file_name}: {text!r} -> {replacement!r} went unnoticed")
            else:
                print(f"self-test: {file_name}: {replacement.strip().splitlines()[0]!r} reported: {problems[0]}")
            with open(path, "w") as out:
                out.write(original)
    for failure in failures:
        print(f"self-test FAILED: {failure}")
    print(f"self-test: {len(SABOTAGE)} sabotaged copies, {len(SABOTAGE) - len(failures)} reported"
          if not failures else f"self-test: {len(failures)} failure(s)")
    return not failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=TOPOLOGY_DIR, help="folder of the YAML files (default configs/topologies)")
    parser.add_argument("names", nargs="*", default=topology_graph.ALL_TOPOLOGIES, help="topologies to check")
    parser.add_argument("--self-test", action="store_true", help="first check that the check notices breakage")
    args = parser.parse_args()
    failures = 0
    if args.self_test and not self_test(args.dir):
        failures += 1
    for name in args.names:
        problems, layers, total = check_topology(name, args.dir)
        for problem in problems:
            print(problem)
        failures += len(problems)
        verdict = "ok" if not problems else f"{len(problems)} difference(s)"
        if layers is None:
            print(f"{name}: the shape rules stop at a layer: FAILED")
        else:
            print(f"{name}: {layers} layers, {total:,} MACs: shapes, inputs and MACs vs torch {verdict}")
    listed = sorted(f for f in os.listdir(args.dir) if f.endswith(".yaml"))
    expected = sorted(f"{n}{suffix}.yaml" for n in topology_graph.ALL_TOPOLOGIES for suffix in ("", "_random"))
    if args.names == topology_graph.ALL_TOPOLOGIES and listed != expected:
        print(f"{args.dir}: holds {listed}, expected {expected}")
        failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
