#!/usr/bin/python3
"""Run each shipped CNN topology's YAML as a float network and compare it with torchvision's.

check_topologies.py compares shapes; this proves the structure: a graph edge to the wrong
tensor of the right shape, a ReLU in the wrong place, a lost stride or a folded BatchNorm
that was not there would all change the numbers.

For each torchvision topology: the model is built (weights=None; seeded random weights),
its BatchNorms given random affine parameters and running statistics measured on four
random images, so that folding them matters and activations stay near unit scale. The
YAML is then executed layer by layer, reading only the YAML for the structure (types,
inputs, kernel, stride, padding, groups; whether a ReLU or ReLU6 follows, from the
layer's `requant: {relu: BOOL}`, ReLU6 from that line's comment), and the model for the
weights: a conv2d layer named N takes the weights of the module whose fx node is N, with
the BatchNorm that reads it folded in. The output on a random image must match the model's
to a relative error of 1e-4 (float summation order differs). BERT's GEMMs have no model to
compare with and are not run here.

--self-test also runs broken copies (an add reading a same-shape wrong tensor, a ReLU or
ReLU6 dropped, an asymmetric padding) and fails unless each is reported. Exits 1 on any difference.
"""
import argparse
import os
import re
import sys

import torch
import torch.fx
import torch.nn.functional as F
import torchvision
import yaml

import topology_graph

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TOPOLOGY_DIR = os.path.join(ROOT, "configs", "topologies")
TOLERANCE = 1e-4


def pair(value):
    return list(value) if isinstance(value, list) else [value, value]


def activations(text):
    """{layer name: 'relu' | 'relu6' | None} from each layer's `requant: {relu: BOOL}` key (ReLU6:
    the key's comment, since the clamp at 6.0 is a value the timing-only file does not hold)."""
    found, name = {}, None
    for line in text.splitlines():
        match = re.match(r"\s*- name: (\w+)", line)
        if match:
            name = match.group(1)
            found[name] = None
            continue
        key = re.match(r"\s*requant: \{relu: (true|false)\}(.*)", line)
        if name and key and key.group(1) == "true":
            found[name] = "relu6" if "ReLU6" in key.group(2) else "relu"
    return found


def seeded_model(name):
    """torchvision's model, seeded random weights, BatchNorm statistics measured on random images.

    Measured statistics keep every layer's pre-activation near unit scale, as in a trained
    network, so a ReLU or ReLU6 cuts a real part of it; with made-up statistics the deep
    models saturate and the output stops depending on the structure.
    """
    builder = topology_graph.TORCHVISION_TOPOLOGIES[name][0]
    torch.manual_seed(0)
    model = getattr(torchvision.models, builder)(weights=None)
    generator = torch.Generator().manual_seed(1)
    norms = [module for module in model.modules() if isinstance(module, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for norm in norms:
            norm.reset_running_stats()
            norm.momentum = None  # a plain average over the calibration batch
            norm.weight.copy_(torch.rand(norm.num_features, generator=generator) + 0.5)
            norm.bias.copy_(torch.randn(norm.num_features, generator=generator) * 0.5)
        if norms:
            model.train()
            model(torch.randn([4] + topology_graph.IMAGE_SHAPE, generator=generator))
    return model.eval()


def folded_weights(model):
    """{fx node name: (weight, bias)} of every Conv2d and Linear, a following BatchNorm2d folded in."""
    traced = torch.fx.symbolic_trace(model)
    modules = dict(traced.named_modules())
    weights = {}
    for node in traced.graph.nodes:
        if node.op != "call_module" or not isinstance(modules[node.target], (torch.nn.Conv2d, torch.nn.Linear)):
            continue
        module = modules[node.target]
        weight = module.weight.detach().clone()
        bias = module.bias.detach().clone() if module.bias is not None else torch.zeros(weight.shape[0])
        users = list(node.users)
        if len(users) == 1 and users[0].op == "call_module" and isinstance(modules[users[0].target],
                                                                           torch.nn.BatchNorm2d):
            norm = modules[users[0].target]
            scale = norm.weight.detach() / torch.sqrt(norm.running_var + norm.eps)
            weight = weight * scale.reshape(-1, 1, 1, 1)
            bias = (bias - norm.running_mean) * scale + norm.bias.detach()
        weights[node.name] = (weight, bias)
    return weights


def run_yaml(text, weights, image):
    network = yaml.safe_load(text)["network"]
    after = activations(text)
    values = {"input": image}
    previous = "input"
    for layer in network["layers"]:
        name, kind = layer["name"], layer["type"]
        inputs = [values[source] for source in layer.get("inputs", [previous])]
        x = inputs[0]
        if kind == "conv2d":
            weight, bias = weights[name]
            if [weight.shape[0], *weight.shape[2:]] != [layer["out_channels"], *pair(layer["kernel"])]:
                raise ValueError(f"{name}: the YAML's out_channels/kernel do not match the model's weights")
            y = F.conv2d(x, weight, bias, stride=pair(layer.get("stride", 1)), padding=pair(layer.get("padding", 0)),
                         groups=layer.get("groups", 1))
        elif kind == "linear":
            weight, bias = weights[name]
            if weight.shape[0] != layer["out_features"]:
                raise ValueError(f"{name}: the YAML's out_features do not match the model's weights")
            y = F.linear(x, weight, bias)
        elif kind == "maxpool":
            kernel = pair(layer["kernel"])
            y = F.max_pool2d(x, kernel, stride=pair(layer.get("stride", kernel)), padding=pair(layer.get("padding", 0)))
        elif kind == "global_avgpool":
            y = x.mean(dim=(2, 3), keepdim=True)
        elif kind == "add":
            y = inputs[0] + inputs[1]
        elif kind == "flatten":
            y = x.reshape(x.shape[0], -1)
        else:
            raise ValueError(f"{name}: no float execution for type {kind}")
        if after.get(name) == "relu":
            y = F.relu(y)
        elif after.get(name) == "relu6":
            y = F.relu6(y)
        values[name] = y
        previous = name
    return values[previous]


def compare(name, text, weights, image, reference):
    """The relative difference between the YAML run and the model, or an error message."""
    try:
        with torch.no_grad():
            output = run_yaml(text, weights, image)
    except (KeyError, ValueError, RuntimeError) as error:
        return None, f"{name}: the YAML cannot be run: {error}"
    if output.shape != reference.shape:
        return None, f"{name}: output {list(output.shape)}, the model's {list(reference.shape)}"
    relative = ((output - reference).abs().max() / reference.abs().max()).item()
    return relative, None if relative < TOLERANCE else f"{name}: differs from the model by {relative:.3g} (relative)"


# (topology, text, replacement): each changes the computation, not the shapes.
SABOTAGE = [
    ("resnet18", "inputs: [layer1_1_conv2, layer1_0_add]", "inputs: [layer1_1_conv2, maxpool]"),
    ("resnet50", "inputs: [layer3_2_conv3, layer3_1_add]", "inputs: [layer3_1_conv3, layer3_1_add]"),
    ("mobilenet_v2", "requant: {relu: true}  # then ReLU6", "requant: {relu: false}  # was ReLU6"),
    ("mobilenet_v2", "inputs: [features_5_add, features_6_conv_2]", "inputs: [features_4_conv_2, features_6_conv_2]"),
    ("vgg16", "requant: {relu: true}  # then ReLU", "requant: {relu: false}  # was ReLU"),
    ("alexnet", "      stride: 4\n      padding: 2", "      stride: 4\n      padding: [2, 3]"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=TOPOLOGY_DIR, help="folder of the YAML files (default configs/topologies)")
    parser.add_argument("--self-test", action="store_true", help="also require that broken copies are reported")
    parser.add_argument("names", nargs="*", default=list(topology_graph.TORCHVISION_TOPOLOGIES))
    args = parser.parse_args()
    torch.set_num_threads(1)
    image = torch.randn([1] + topology_graph.IMAGE_SHAPE, generator=torch.Generator().manual_seed(2))
    failures = 0
    for name in args.names:
        with open(os.path.join(args.dir, f"{name}.yaml")) as source:
            text = source.read()
        model = seeded_model(name)
        weights = folded_weights(model)
        with torch.no_grad():
            reference = model(image)
        relative, problem = compare(name, text, weights, image, reference)
        if problem:
            print(problem)
            failures += 1
        else:
            print(f"{name}: the YAML run as a float network matches torchvision's model "
                  f"(max |difference| / max |output| = {relative:.2g})")
        for topology, old, new in SABOTAGE if args.self_test else []:
            if topology != name:
                continue
            if old not in text:
                print(f"self-test FAILED: {name}: {old!r} not found")
                failures += 1
                continue
            _, problem = compare(name, text.replace(old, new, 1), weights, image, reference)
            if problem:
                print(f"self-test: {name}: {new.strip()!r} reported: {problem}")
            else:
                print(f"self-test FAILED: {name}: {old!r} -> {new!r} went unnoticed")
                failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
