"""Render an accelsim network config (docs/config.md) as commented YAML text.

The exporters describe the network as a `network:` map of plain values (the same map
seed_reference.run_network executes, with arrays where the file names paths); this
module turns it into text from a fixed template, so the files carry comments and
their layout never depends on a YAML library's choices.

Optional extra keys on a conv2d/linear layer, used only for comments and scales:
  requant_comments: {requant key: comment}
  scales: {input, weight, output}
"""


def yaml_float(value):
    """repr() round-trips a double exactly; YAML 1.1 readers also want a '.' in exponent form."""
    text = repr(float(value))
    if "e" in text and "." not in text:
        text = text.replace("e", ".0e")
    return text


def yaml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return yaml_float(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return str(value)


def with_comment(text, comment):
    return f"{text}  # {comment}\n" if comment else f"{text}\n"


def render_maxpool(layer):
    return (f"    - name: {layer['name']}\n"
            f"      type: maxpool\n"
            f"      kernel: {yaml_value(layer['kernel'])}\n"
            f"      stride: {yaml_value(layer['stride'])}\n")


def render_weight_layer(layer, weights_dir, weights_dtype="int8"):
    name = layer["name"]
    shape = list(layer["weights"].shape)
    weights_path = f"{weights_dir}/{name}.weights.npy"
    if layer["type"] == "conv2d":
        text = (f"      type: conv2d\n"
                f"      out_channels: {shape[0]}\n"
                f"      kernel: [{shape[2]}, {shape[3]}]\n"
                f"      stride: 1\n"
                f"      padding: 0\n" +
                with_comment(f"      weights: {weights_path}", f"{weights_dtype} {shape} OIHW"))
    else:
        text = (f"      type: linear\n"
                f"      out_features: {shape[0]}\n" +
                with_comment(f"      weights: {weights_path}", f"{weights_dtype} {shape}"))
    lines = [f"    - name: {name}\n", text,
             f"      input_zero_point: {layer['input_zero_point']}\n",
             f"      weight_zero_point: {layer['weight_zero_point']}\n",
             "      requant:\n"]
    comments = layer.get("requant_comments", {})
    for key, value in layer["requant"].items():
        lines.append(with_comment(f"        {key}: {yaml_value(value)}", comments.get(key)))
    if "scales" in layer:
        scales = layer["scales"]
        lines.append(f"      scales: {{input: {yaml_float(scales['input'])}, "
                     f"weight: {yaml_float(scales['weight'])}, "
                     f"output: {yaml_float(scales['output'])}}}\n")
    return "".join(lines)


def render_config(header, include, network, data_dir, weights_dir):
    """The whole file: header comment, include, network (paths relative to the YAML)."""
    dtype = network["activation_dtype"]
    source = network["input"]
    text = (header +
            f"include:\n  - {include}\n"
            f"network:\n"
            f"  name: {network['name']}\n"
            f"  activation_dtype: {dtype}\n"
            f"  values: file  # tensors from the files below; random or none: docs/config.md\n"
            f"  input:\n"
            f"    shape: {yaml_value(source['shape'])}\n"
            f"    images: {data_dir}/heldout_images.npy  # uint8 [2000, 28, 28]\n"
            f"    labels: {data_dir}/heldout_labels.npy  # uint8 [2000]\n"
            f"    pad: {source['pad']}\n"
            f"    pixel_table: {weights_dir}/input_table.npy  # {dtype} [256]\n"
            f"    zero_point: {source['zero_point']}\n"
            f"  layers:\n")
    for layer in network["layers"]:
        if layer["type"] == "maxpool":
            text += render_maxpool(layer)
        else:
            text += render_weight_layer(layer, weights_dir)
    return text
