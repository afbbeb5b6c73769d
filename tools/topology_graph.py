"""Lower a model to the layer graph of an accelsim network (the format of issue 12).

Shared by export_topologies.py (which renders the layers as YAML) and check_topologies.py
(which compares the YAML's shapes with the shapes torch reports here).

A torchvision model (built with weights=None: only its structure is used) is traced with
torch.fx.symbolic_trace and its shapes propagated on a zero image, so the graph edges and
shapes are torch's own. Lowering rules, applied node by node:
  Conv2d                  -> conv2d (groups kept: depthwise stays depthwise)
  BatchNorm2d             -> folded into the conv2d it follows (a per-channel bias)
  ReLU / ReLU6            -> fused into the requantization of the layer it follows
                             (ReLU6 = ReLU with the clamp's upper end at 6.0)
  MaxPool2d               -> maxpool (with its padding)
  AdaptiveAvgPool2d(1) / F.adaptive_avg_pool2d(x, 1) -> global_avgpool
  AdaptiveAvgPool2d(s) whose input is already s x s -> dropped (an identity)
  torch.flatten(x, 1)     -> flatten
  Linear                  -> linear
  Dropout                 -> dropped (an identity at inference)
  x + y                   -> add (the residual connection)
Anything else stops the export with the node named, rather than being guessed at.

The BERT-base encoder layer has no torchvision model: bert_gemm_layers() builds its GEMMs
from the stated dimensions, and bert_torch_shapes() computes the same products with
torch.matmul so the check has torch's shapes to compare with.
"""
import operator

import torch
import torch.fx
import torchvision
from torch.fx.passes.shape_prop import ShapeProp

IMAGE_SHAPE = [3, 224, 224]

# name -> (torchvision builder, title for headers and docs)
TORCHVISION_TOPOLOGIES = {
    "resnet18": ("resnet18", "ResNet-18"),
    "resnet50": ("resnet50", "ResNet-50"),
    "mobilenet_v2": ("mobilenet_v2", "MobileNetV2"),
    "vgg16": ("vgg16", "VGG-16"),
    "alexnet": ("alexnet", "AlexNet"),
}

BERT = {"hidden": 768, "heads": 12, "head_dim": 64, "ffn": 3072, "tokens": 128}


class LoweringError(Exception):
    pass


def pair(value):
    return [int(value[0]), int(value[1])] if isinstance(value, (tuple, list)) else [int(value), int(value)]


def square_or_pair(values):
    """The YAML writes 2 for [2, 2] (either form is valid, docs/config.md)."""
    return values[0] if values[0] == values[1] else list(values)


def shape_of(node):
    """torch's shape of the node's output without the batch dimension."""
    return list(node.meta["tensor_meta"].shape)[1:]


def conv_macs(out_shape, in_channels, groups, kernel):
    return out_shape[0] * out_shape[1] * out_shape[2] * (in_channels // groups) * kernel[0] * kernel[1]


class Lowering:
    """Walks an fx graph in its (topological) order and builds the layer list."""

    def __init__(self, traced):
        self.modules = dict(traced.named_modules())
        self.layers = []
        self.by_name = {}
        self.produced_by = {}  # fx node name -> name of the layer whose output it is
        self.notes = []  # what was dropped or folded, for the header
        self.traced = traced

    def add_layer(self, layer, node):
        if layer["name"] in self.by_name or layer["name"] == "input":
            raise LoweringError(f"{node.name}: layer name '{layer['name']}' is taken")
        layer["shape"] = shape_of(node)
        layer["torch_nodes"] = [node.name]
        layer.setdefault("relu", None)
        layer.setdefault("folded", [])
        layer.setdefault("dropped_before", [])
        self.layers.append(layer)
        self.by_name[layer["name"]] = layer
        self.produced_by[node.name] = layer["name"]

    def source(self, node, argument):
        if not isinstance(argument, torch.fx.Node):
            raise LoweringError(f"{node.name}: expected a tensor argument, got {argument!r}")
        return self.produced_by[argument.name]

    def alias(self, node, argument):
        """The node computes nothing the accelerator sees: its output is its input's."""
        self.produced_by[node.name] = self.source(node, argument)
        layer = self.by_name.get(self.produced_by[node.name])
        if layer is not None:
            layer["torch_nodes"].append(node.name)
            layer["shape"] = shape_of(node)

    def fusable_layer(self, node, what, types):
        """The layer a BatchNorm/ReLU node folds into: its input must feed nothing else."""
        argument = node.args[0]
        if len(argument.users) != 1:
            raise LoweringError(f"{node.name}: {what} after {argument.name}, whose output is also read "
                                f"elsewhere; it cannot be folded into it")
        layer = self.by_name.get(self.produced_by[argument.name])
        if layer is None or layer["type"] not in types:
            raise LoweringError(f"{node.name}: {what} must follow one of {types}")
        return layer

    def lower_module(self, node):
        module = self.modules[node.target]
        inputs = [self.source(node, node.args[0])]
        if isinstance(module, torch.nn.Conv2d):
            if pair(module.dilation) != [1, 1] or module.padding_mode != "zeros" or isinstance(module.padding, str):
                raise LoweringError(f"{node.name}: only dilation 1 and explicit zero padding are lowered")
            kernel = pair(module.kernel_size)
            params = module.weight.numel() + (module.out_channels if module.bias is not None else 0)
            self.add_layer({"name": node.name, "type": "conv2d", "inputs": inputs,
                            "out_channels": module.out_channels, "kernel": kernel,
                            "stride": pair(module.stride), "padding": pair(module.padding),
                            "groups": module.groups, "in_channels": module.in_channels,
                            "has_bias": module.bias is not None, "params": params}, node)
            layer = self.layers[-1]
            layer["macs"] = conv_macs(layer["shape"], module.in_channels, module.groups, kernel)
        elif isinstance(module, torch.nn.BatchNorm2d):
            layer = self.fusable_layer(node, "BatchNorm2d", ["conv2d"])
            if layer["folded"]:
                raise LoweringError(f"{node.name}: a second BatchNorm2d on {layer['name']}")
            if not layer["has_bias"]:  # folding gives each output channel a bias
                layer["params"] += layer["out_channels"]
            layer["has_bias"] = True
            layer["folded"].append("BatchNorm2d")
            self.alias(node, node.args[0])
        elif isinstance(module, (torch.nn.ReLU, torch.nn.ReLU6)):
            self.fuse_relu(node, "relu6" if isinstance(module, torch.nn.ReLU6) else "relu")
        elif isinstance(module, torch.nn.MaxPool2d):
            if pair(module.dilation) != [1, 1] or module.ceil_mode:
                raise LoweringError(f"{node.name}: only dilation 1 and floor mode are lowered")
            kernel = pair(module.kernel_size)
            stride = pair(module.stride if module.stride is not None else module.kernel_size)
            self.add_layer({"name": node.name, "type": "maxpool", "inputs": inputs, "kernel": kernel,
                            "stride": stride, "padding": pair(module.padding), "macs": 0, "params": 0}, node)
        elif isinstance(module, torch.nn.AdaptiveAvgPool2d):
            self.adaptive_avgpool(node, pair(module.output_size), f"AdaptiveAvgPool2d({module.output_size})")
        elif isinstance(module, torch.nn.Dropout):
            self.drop(node, f"Dropout {node.name} (an identity at inference)")
        elif isinstance(module, torch.nn.Linear):
            params = module.weight.numel() + (module.out_features if module.bias is not None else 0)
            self.add_layer({"name": node.name, "type": "linear", "inputs": inputs,
                            "out_features": module.out_features, "in_features": module.in_features,
                            "has_bias": module.bias is not None, "params": params,
                            "macs": module.in_features * module.out_features}, node)
        else:
            raise LoweringError(f"{node.name}: no lowering for module {type(module).__name__}")

    def fuse_relu(self, node, kind):
        layer = self.fusable_layer(node, kind, ["conv2d", "linear", "add"])
        if layer["relu"]:
            raise LoweringError(f"{node.name}: a second activation on {layer['name']}")
        layer["relu"] = kind
        self.alias(node, node.args[0])

    def drop(self, node, description):
        self.alias(node, node.args[0])
        self.pending_drops.append(description)

    def adaptive_avgpool(self, node, output_size, description):
        in_shape = shape_of(node.args[0])
        if output_size == [1, 1]:
            self.add_layer({"name": node.name, "type": "global_avgpool",
                            "inputs": [self.source(node, node.args[0])], "macs": 0, "params": 0}, node)
        elif output_size == in_shape[1:]:
            self.drop(node, f"{description} {node.name} (an identity here: its input is already "
                      f"{in_shape[1]}x{in_shape[2]})")
        else:
            raise LoweringError(f"{node.name}: {description} on a {in_shape[1]}x{in_shape[2]} input is "
                                f"neither global nor an identity")

    def add_name(self, node):
        """x + y is named after the block of its newest input: layer1_0_add, features_3_add."""
        newest = max(node.args, key=lambda a: self.order[a.name])
        if newest.op == "call_module":
            path = newest.target.split(".")[:-1]
            while path and path[-1] in ("conv", "downsample"):
                path.pop()
            name = "_".join(path + ["add"])
            if path and name not in self.by_name:
                return name
        return node.name

    def lower_function(self, node):
        target = node.target
        if target in (operator.add, operator.iadd, torch.add) and len(node.args) == 2 and not node.kwargs:
            inputs = [self.source(node, a) for a in node.args]
            self.add_layer({"name": self.add_name(node), "type": "add", "inputs": inputs, "macs": 0,
                            "params": 0}, node)
        elif target is torch.flatten:
            start = node.args[1] if len(node.args) > 1 else node.kwargs.get("start_dim", 0)
            if start != 1 or len(node.args) > 2 or "end_dim" in node.kwargs:
                raise LoweringError(f"{node.name}: only torch.flatten(x, 1) is lowered")
            self.add_layer({"name": node.name, "type": "flatten", "inputs": [self.source(node, node.args[0])],
                            "macs": 0, "params": 0}, node)
        elif target is torch.nn.functional.adaptive_avg_pool2d:
            size = node.args[1] if len(node.args) > 1 else node.kwargs["output_size"]
            self.adaptive_avgpool(node, pair(size), f"adaptive_avg_pool2d({size})")
        elif target is torch.nn.functional.relu:
            self.fuse_relu(node, "relu")
        else:
            raise LoweringError(f"{node.name}: no lowering for function {target}")

    def run(self):
        graph = self.traced.graph
        self.order = {node.name: index for index, node in enumerate(graph.nodes)}
        self.pending_drops = []
        for node in graph.nodes:
            count = len(self.layers)
            if node.op == "placeholder":
                self.produced_by[node.name] = "input"
                self.input_shape = shape_of(node)
            elif node.op == "call_module":
                self.lower_module(node)
            elif node.op == "call_function":
                self.lower_function(node)
            elif node.op == "output":
                self.output = self.source(node, node.args[0])
            else:
                raise LoweringError(f"{node.name}: no lowering for {node.op}")
            if len(self.layers) > count and self.pending_drops:
                self.layers[-1]["dropped_before"] = self.pending_drops
                self.notes.extend(self.pending_drops)
                self.pending_drops = []
        if self.output != self.layers[-1]["name"]:
            raise LoweringError(f"the model's output is {self.output}, not the last layer")
        return self


def lower_torchvision(name):
    """The layers of torchvision's model `name` at IMAGE_SHAPE, and the model's own parameter count."""
    builder, title = TORCHVISION_TOPOLOGIES[name]
    torch.manual_seed(0)  # weights are never used; the seed only makes the build repeatable
    model = getattr(torchvision.models, builder)(weights=None).eval()
    traced = torch.fx.symbolic_trace(model)
    with torch.no_grad():
        ShapeProp(traced).propagate(torch.zeros([1] + IMAGE_SHAPE))
    lowering = Lowering(traced).run()
    return {"name": name, "title": title, "input_shape": lowering.input_shape, "input_label": "224x224x3",
            "layers": lowering.layers,
            "notes": lowering.notes, "torch_params": sum(p.numel() for p in model.parameters()),
            "source": f"torchvision.models.{builder}(weights=None), torchvision {torchvision.__version__}"}


def bert_gemm_layers():
    """One BERT-base encoder layer's GEMMs as 1x1 convs over [hidden, tokens, 1].

    A GEMM out[M, N] = a[M, K] @ b[K, N] is a 1x1 conv whose output pixels are the M rows,
    in_channels = K and out_channels = N. Per head, the attention products are such GEMMs
    side by side: a grouped 1x1 conv with groups = heads.
    """
    hidden, heads, head_dim, ffn, tokens = (BERT[k] for k in ("hidden", "heads", "head_dim", "ffn", "tokens"))
    assert hidden == heads * head_dim  # head h is channel block h of Q, K and V
    shape = lambda channels: [channels, tokens, 1]

    def gemm(name, inputs, in_channels, out_channels, groups=1, note=None):
        # a grouped GEMM's "weights" are the other activation operand: no parameters of the model
        return {"name": name, "type": "conv2d", "inputs": inputs, "out_channels": out_channels, "kernel": [1, 1],
                "stride": [1, 1], "padding": [0, 0], "groups": groups, "in_channels": in_channels,
                "shape": shape(out_channels), "relu": None, "folded": [], "dropped_before": [],
                "macs": tokens * (in_channels // groups) * out_channels, "has_bias": False,
                "params": in_channels // groups * out_channels if groups == 1 else 0, "note": note}

    stand_in = "its weights stand in for the second activation operand ({}): the timing is right, the values are not"
    layers = [
        gemm("q_proj", ["input"], hidden, hidden, note="Q = X Wq: M=128 tokens, K=768, N=768"),
        gemm("k_proj", ["input"], hidden, hidden, note="K = X Wk; its output is not read by a later layer here"),
        gemm("v_proj", ["input"], hidden, hidden, note="V = X Wv; its output is not read by a later layer here"),
        gemm("attention_scores", ["q_proj"], hidden, heads * tokens, heads,
             "Q K^T per head: M=128, K=64, N=128, 12 heads; " + stand_in.format("K^T")),
        gemm("attention_context", ["attention_scores"], heads * tokens, hidden, heads,
             "P V per head: M=128, K=128, N=64, 12 heads; softmax(scores) not modelled; " + stand_in.format("V")),
        gemm("attention_output", ["attention_context"], hidden, hidden, note="output projection: M=128, K=768, N=768"),
        gemm("ffn_up", ["attention_output"], hidden, ffn,
             note="FFN 1: M=128, K=768, N=3072 (GELU after it not modelled)"),
        gemm("ffn_down", ["ffn_up"], ffn, hidden, note="FFN 2: M=128, K=3072, N=768"),
    ]
    return {"name": "bert_base_gemms", "title": "BERT-base encoder layer's GEMMs", "input_shape": shape(hidden),
            "input_label": f"sequence length {tokens} (input [{hidden}, {tokens}, 1])",
            "layers": layers, "notes": [], "torch_params": None,
            "source": "the stated BERT-base dimensions (hidden 768, 12 heads of 64, FFN 3072, 128 tokens)"}


def bert_torch_shapes():
    """torch.matmul on the BERT GEMMs, each output [M, N] (per head [heads, M, N]) written as the
    conv output [heads * N, M, 1] it stands for: what the check compares the YAML's shapes with."""
    hidden, heads, head_dim, ffn, tokens = (BERT[k] for k in ("hidden", "heads", "head_dim", "ffn", "tokens"))
    x = torch.zeros(tokens, hidden)
    as_conv = lambda out: [out.shape[0] * out.shape[2], out.shape[1], 1] if out.dim() == 3 else \
        [out.shape[1], out.shape[0], 1]
    q = x @ torch.zeros(hidden, hidden)
    k = x @ torch.zeros(hidden, hidden)
    v = x @ torch.zeros(hidden, hidden)
    split = lambda t: t.reshape(tokens, heads, head_dim).transpose(0, 1)  # [heads, tokens, head_dim]
    scores = split(q) @ split(k).transpose(1, 2)  # [heads, tokens, tokens]
    context = scores @ split(v)  # [heads, tokens, head_dim]
    merged = context.transpose(0, 1).reshape(tokens, hidden)
    output = merged @ torch.zeros(hidden, hidden)
    up = output @ torch.zeros(hidden, ffn)
    down = up @ torch.zeros(ffn, hidden)
    products = {"q_proj": q, "k_proj": k, "v_proj": v, "attention_scores": scores, "attention_context": context,
                "attention_output": output, "ffn_up": up, "ffn_down": down}
    return {name: as_conv(value) for name, value in products.items()}


def torch_reference(name):
    """{layer name: torch's output shape} and {layer name: its inputs} for the check."""
    if name == "bert_base_gemms":
        return bert_torch_shapes(), {layer["name"]: layer["inputs"] for layer in bert_gemm_layers()["layers"]}
    topology = lower_torchvision(name)
    return ({layer["name"]: layer["shape"] for layer in topology["layers"]},
            {layer["name"]: layer["inputs"] for layer in topology["layers"]})


ALL_TOPOLOGIES = list(TORCHVISION_TOPOLOGIES) + ["bert_base_gemms"]


def lower(name):
    return bert_gemm_layers() if name == "bert_base_gemms" else lower_torchvision(name)
