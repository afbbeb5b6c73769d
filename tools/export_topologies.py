#!/usr/bin/python3
"""Write the shipped topologies as accelsim network YAML (configs/topologies/) and their table.

From torchvision's own model definitions (weights=None: structure only, nothing downloaded)
at 224x224x3: resnet18, resnet50, mobilenet_v2, vgg16, alexnet; and bert_base_gemms, the
GEMMs of one BERT-base encoder layer at 128 tokens, from its stated dimensions. Each is
written timing-only (`values: none`, NAME.yaml) and as a `values: random` twin
(NAME_random.yaml: an include of NAME.yaml that overrides network.values). How a torch
graph becomes layers: topology_graph.py. Prints a table (layers, MACs, parameters) and
writes it, with the modelling choices, to docs/topologies.md.

ReLU is fused into the requantization of the layer before it: every conv2d, linear and add
carries `requant: {relu: true}` or `{relu: false}`, the partial block the loader reads with
`values: none` and `random` (docs/config.md), so the random twin computes the network's ReLUs.

Check the written files: tools/check_topologies.py. Regenerate both: tools/make_topologies.sh.
"""
import argparse
import collections
import os

import topology_graph

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT_DIR = os.path.join(ROOT, "configs", "topologies")
DOC = os.path.join(ROOT, "docs", "topologies.md")
HARDWARE_INCLUDE = "../hardware/edge_small.yaml"
COMMAND = "/usr/bin/python3 tools/export_topologies.py"
REGENERATE = f"tools/make_topologies.sh (or {COMMAND})"


def grouped(number):
    return f"{number:,}"


def yaml_list(values):
    return "[" + ", ".join(str(v) for v in values) + "]"


def count_types(layers):
    counts = collections.Counter(layer["type"] for layer in layers)
    depthwise = sum(1 for layer in layers if layer["type"] == "conv2d" and layer["groups"] > 1)
    return counts, depthwise


def type_summary(layers):
    counts, depthwise = count_types(layers)
    parts = []
    for kind in ("conv2d", "linear", "add", "maxpool", "avgpool", "global_avgpool", "concat", "flatten"):
        if counts[kind]:
            extra = f" ({depthwise} grouped)" if kind == "conv2d" and depthwise else ""
            parts.append(f"{counts[kind]} {kind}{extra}")
    return ", ".join(parts)


def relu_line(layer):
    """The layer's fused ReLU as the key the loader reads (`requant: {relu: BOOL}`), on every layer
    with a requantization (conv2d, linear, add), so that the random twin computes the network's
    own ReLUs; ReLU6's clamp at a quantized 6.0 is a value, said in the comment only."""
    if layer["relu"] == "relu":
        return "      requant: {relu: true}  # then ReLU, fused into this layer's requantization"
    if layer["relu"] == "relu6":
        return ("      requant: {relu: true}  # then ReLU6: the clamp's top at a quantized 6.0 "
                "is a value, not written")
    return "      requant: {relu: false}"


def render_layer(layer, previous):
    macs = f"{grouped(layer['macs'])} MACs" if layer["macs"] else "no MACs"
    lines = [f"    # dropped: {dropped}" for dropped in layer["dropped_before"]]
    lines.append(f"    - name: {layer['name']}  # -> {yaml_list(layer['shape'])}, {macs}")
    lines.append(f"      type: {layer['type']}")
    if layer["type"] == "add" or layer["inputs"] != [previous]:
        lines.append(f"      inputs: {yaml_list(layer['inputs'])}")
    kind = layer["type"]
    if kind == "conv2d":
        lines.append(f"      out_channels: {layer['out_channels']}")
        lines.append(f"      kernel: {yaml_list(layer['kernel'])}")
        lines.append(f"      stride: {topology_graph.square_or_pair(layer['stride'])}")
        lines.append(f"      padding: {topology_graph.square_or_pair(layer['padding'])}")
        groups_comment = ""
        if layer["groups"] > 1 and layer["groups"] == layer["in_channels"] == layer["out_channels"]:
            groups_comment = "  # depthwise"
        elif layer["groups"] > 1:
            groups_comment = (f"  # {layer['in_channels'] // layer['groups']} in and "
                              f"{layer['out_channels'] // layer['groups']} out channels per group")
        lines.append(f"      groups: {layer['groups']}{groups_comment}")
    elif kind == "maxpool":
        lines.append(f"      kernel: {yaml_list(layer['kernel'])}")
        lines.append(f"      stride: {topology_graph.square_or_pair(layer['stride'])}")
        if layer["padding"] != [0, 0]:
            lines.append(f"      padding: {topology_graph.square_or_pair(layer['padding'])}")
    elif kind == "linear":
        lines.append(f"      out_features: {layer['out_features']}")
    if layer.get("folded"):
        lines.append(f"      # {' and '.join(layer['folded'])} folded in (a per-channel bias)")
    if layer.get("note"):
        lines.append(f"      # {layer['note']}")
    if kind in ("conv2d", "linear", "add"):
        lines.append(relu_line(layer))
    return "\n".join(lines) + "\n"


def header(topology):
    layers = topology["layers"]
    total_macs = sum(layer["macs"] for layer in layers)
    params = sum(layer["params"] for layer in layers)
    lines = [f"{topology['title']} at {topology['input_label']}, timing-only (values: none): shapes and",
             "graph edges, no tensors.",
             f"From {topology['source']}.",
             f"{len(layers)} layers: {type_summary(layers)}.",
             f"{grouped(total_macs)} MACs in all (each layer's count is on its name line: output",
             "shape, then MACs = output elements x input channels per group x kernel area).",
             ]
    if topology["torch_params"] is not None:
        lines += [f"{grouped(params)} parameters with BatchNorm folded (torchvision counts "
                  f"{grouped(topology['torch_params'])}:",
                  "a BatchNorm's weight and bias per channel fold into one bias of the conv before it)."]
        lines += ["Lowered from torch.fx's graph: BatchNorm2d folded into its conv2d, ReLU fused into",
                  "the requantization of the layer before it, Dropout dropped (inference), x + y ->",
                  "add (residual connection), AdaptiveAvgPool2d(1) -> global_avgpool."]
        lines += [f"Dropped: {note}." for note in topology["notes"]]
    else:
        lines += [f"{grouped(params)} weights in the projections and the FFN (no biases; the attention",
                  "products' stand-in weights are activations, not counted).",
                  "Each GEMM out[M, N] = a[M, K] @ b[K, N] is a 1x1 conv2d over [channels, 128 tokens, 1]:",
                  "M = 128 tokens = output pixels, K = in_channels, N = out_channels. The two attention",
                  "products (Q K^T and P V, per head) are grouped 1x1 convs with groups = 12 heads whose",
                  "weights stand in for the second activation operand: the timing is right, the values",
                  "are not the model's. Channel block h of Q, of the scores and of the context is head h,",
                  "so the grouped convs split and merge the heads as the model does. Softmax,",
                  "LayerNorm, GELU, the residual adds and the biases are not modelled; K and V are",
                  "computed but, as their consumers here are weights, no later layer reads them."]
    lines += ["", f"Generated by {COMMAND}; do not edit by hand.",
              f"Regenerate: {REGENERATE}.",
              "Checked by tools/check_topologies.py: every layer's shape recomputed from this file",
              "alone and compared with torch's.",
              f"Twin computed and checked bit-exactly on seeded random values: {topology['name']}_random.yaml."]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def render_topology(topology):
    text = header(topology)
    text += (f"include:\n  - {HARDWARE_INCLUDE}\n"
             f"network:\n"
             f"  name: {topology['name']}\n"
             f"  activation_dtype: int8\n"
             f"  values: none\n"
             f"  input:\n"
             f"    shape: {yaml_list(topology['input_shape'])}\n"
             f"  layers:\n")
    previous = "input"
    for layer in topology["layers"]:
        text += render_layer(layer, previous)
        previous = layer["name"]
    return text


def render_twin(topology):
    name = topology["name"]
    return (f"# {topology['title']} as {name}.yaml, with seeded random int8 weights, inputs and\n"
            f"# requantization parameters (values: random): computed and checked bit-exactly like any run.\n"
            f"# The structure is {name}.yaml's; only network.name, values and seed differ.\n"
            f"#\n"
            f"# Generated by {COMMAND}; do not edit by hand.\n"
            f"# Regenerate: {REGENERATE}.\n"
            f"include:\n  - {name}.yaml\n"
            f"network:\n"
            f"  name: {name}_random\n"
            f"  values: random\n"
            f"  seed: 1\n")


def table_rows(topologies):
    rows = []
    for topology in topologies:
        layers = topology["layers"]
        counts, depthwise = count_types(layers)
        rows.append({
            "name": topology["name"], "title": topology["title"],
            "input": yaml_list(topology["input_shape"]), "layers": len(layers),
            "conv2d": counts["conv2d"], "grouped": depthwise, "linear": counts["linear"], "add": counts["add"],
            "macs": sum(layer["macs"] for layer in layers), "params": sum(layer["params"] for layer in layers),
            "torch_params": topology["torch_params"]})
    return rows


def print_table(rows):
    print(f"{'topology':<16} {'layers':>6} {'conv2d':>6} {'grouped':>7} {'linear':>6} {'add':>4} "
          f"{'MACs':>15} {'params (BN folded)':>18} {'params (torch)':>14}")
    for row in rows:
        torch_params = grouped(row["torch_params"]) if row["torch_params"] is not None else "-"
        print(f"{row['name']:<16} {row['layers']:>6} {row['conv2d']:>6} {row['grouped']:>7} {row['linear']:>6} "
              f"{row['add']:>4} {grouped(row['macs']):>15} {grouped(row['params']):>18} {torch_params:>14}")


def render_doc(rows):
    lines = [
        "# Shipped topologies",
        "",
        "<!-- Generated by tools/export_topologies.py; do not edit by hand. -->",
        "",
        "`configs/topologies/` holds real networks in the network format of",
        "[config.md](config.md), generated by `tools/export_topologies.py` from torchvision's",
        "own model definitions (Debian's python3-torchvision, built with `weights=None`: the",
        "structure only) traced with `torch.fx`, so the graph edges and shapes are torch's. Each",
        "`NAME.yaml` is timing-only (`values: none`); `NAME_random.yaml` includes it and sets",
        "`values: random` (seeded int8 values, computed and checked bit-exactly). Every file",
        "includes `../hardware/edge_small.yaml`; choose other hardware with another include or",
        "`--set`.",
        "",
        "| file | network | input `[C, H, W]` | layers | conv2d (grouped) | linear | add | MACs | "
        "parameters, BN folded | parameters, torchvision |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        torch_params = grouped(row["torch_params"]) if row["torch_params"] is not None else "-"
        lines.append(f"| `{row['name']}.yaml` | {row['title']} | `{row['input']}` | {row['layers']} | "
                     f"{row['conv2d']} ({row['grouped']}) | {row['linear']} | {row['add']} | {grouped(row['macs'])} | "
                     f"{grouped(row['params'])} | {torch_params} |")
    lines += [
        "",
        "MACs count multiply-accumulates of conv2d and linear layers only (output elements x input",
        "channels per group x kernel area); pooling and `add` do none. Published figures for",
        "comparison: ResNet-50 4.1 G MACs and 25.6 M parameters, ResNet-18 1.8 G, MobileNetV2",
        "0.30 G, VGG-16 15.5 G, AlexNet 0.71 G. Folding a BatchNorm turns its two parameters",
        "per channel (weight, bias) into one bias of the conv before it, hence the smaller",
        "folded count.",
        "",
        "Each one's cycles, DRAM traffic and PE utilization on 16x16 and 32x32 arrays in all",
        "three dataflows: [topology_table.md](topology_table.md) (generated by",
        "`build/bench/topology_table`); the host time each takes to simulate:",
        "[performance.md](performance.md#shipped-topologies-host-time-per-tile).",
        "",
        "## How a torch model becomes layers",
        "",
        "- `Conv2d` -> `conv2d`, with its stride, padding and `groups` (MobileNetV2's depthwise",
        "  convs stay depthwise); `BatchNorm2d` is folded into it.",
        "- `ReLU` is fused into the requantization of the layer before it (`requant.relu`), as",
        "  accelsim executes it; a residual `add` followed by ReLU carries it too. `ReLU6`",
        "  (MobileNetV2) is that ReLU with the clamp's upper end at the quantized 6.0. Every",
        "  conv2d, linear and add says it as `requant: {relu: true}` or `{relu: false}`, which",
        "  the loader reads with `values: none` and `random` (the rest of the arithmetic is",
        "  generated): the random twin computes the network's own ReLUs, on its residual adds",
        "  too. ReLU6's upper clamp is a value: only its comment says it.",
        "- `x + y` -> `add` with `inputs:` naming both operands; a layer whose input is not the",
        "  layer before it (a ResNet downsample conv, the layer after a residual) names it in",
        "  `inputs:`.",
        "- `MaxPool2d` -> `maxpool` (ResNet's has `padding: 1`); `AdaptiveAvgPool2d(1)` ->",
        "  `global_avgpool`; `torch.flatten(x, 1)` -> `flatten`; `Linear` -> `linear`.",
        "- Dropped, and said so in the file: `Dropout` (an identity at inference), and VGG-16's",
        "  `AdaptiveAvgPool2d((7, 7))` and AlexNet's `AdaptiveAvgPool2d((6, 6))`, identities at",
        "  224x224 because their inputs are already 7x7 and 6x6.",
        "",
        "`bert_base_gemms.yaml` has no torchvision model: it is the GEMMs of one BERT-base encoder",
        "layer at 128 tokens (hidden 768, 12 heads of 64, FFN 3072) over an input `[768, 128, 1]`.",
        "A GEMM `out[M, N] = a[M, K] @ b[K, N]` is a 1x1 conv2d with M = 128 tokens as output",
        "pixels, K input and N output channels: the Q, K, V and output projections and the two",
        "FFN GEMMs. The attention products per head (Q K^T: M=128, K=64, N=128; P V: M=128,",
        "K=128, N=64) are 1x1 convs with `groups: 12` whose weights stand in for the second",
        "activation operand: the timing is right, the values are not the model's. Softmax,",
        "LayerNorm, GELU and the residual adds are not modelled.",
        "",
        "## Regenerate and check",
        "",
        "<!-- not run: needs Debian's python3-torch and python3-torchvision, and tools/ -->",
        "```sh",
        "tools/make_topologies.sh   # export_topologies.py, check_topologies.py, check_topology_numerics.py",
        "```",
        "",
        "`tools/check_topologies.py` re-reads every file with python3-yaml, recomputes each",
        "layer's output shape from the YAML alone with the loader's rules (conv and pooling:",
        "`floor((H + 2p - k) / s) + 1`; `global_avgpool`: `[C, 1, 1]`; `add`: both inputs the same",
        "shape; `flatten`: `[C*H*W]`; `linear`: `[out_features]`), compares it and each layer's",
        "`inputs` with torch's, recomputes the MACs, refuses keys the format does not give a",
        "timing-only layer, and exits 1 on any difference. `--self-test` (run by",
        "`make_topologies.sh`) first breaks copies of the files (a same-shape wrong edge, a",
        "stride, a lost padding, `groups`, a misspelt key, the twin's seed) and fails unless",
        "each is reported.",
        "",
        "`tools/check_topology_numerics.py` proves the structure, not only the shapes: it runs",
        "each CNN's YAML as a float network (the YAML's layers, edges and ReLUs; the weights of",
        "torchvision's seeded model with each BatchNorm, given measured statistics, folded in)",
        "and requires torchvision's output on a random image to a relative 1e-4. Its",
        "`--self-test` requires a same-shape wrong `add` input, a dropped ReLU or ReLU6 and an",
        "asymmetric padding to be reported.",
        "",
    ]
    return "\n".join(lines)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=OUT_DIR, help="folder for the YAML files (default configs/topologies)")
    parser.add_argument("--doc", default=DOC, help="the generated table's page (default docs/topologies.md)")
    args = parser.parse_args()

    topologies = [topology_graph.lower(name) for name in topology_graph.ALL_TOPOLOGIES]
    for topology in topologies:
        write(os.path.join(args.out, f"{topology['name']}.yaml"), render_topology(topology))
        write(os.path.join(args.out, f"{topology['name']}_random.yaml"), render_twin(topology))
    rows = table_rows(topologies)
    write(args.doc, render_doc(rows))
    print_table(rows)
    shown = lambda path: os.path.relpath(path, ROOT) if os.path.abspath(path).startswith(ROOT + os.sep) else path
    print(f"wrote {2 * len(topologies)} files to {shown(args.out)}/ and {shown(args.doc)}")


if __name__ == "__main__":
    main()
