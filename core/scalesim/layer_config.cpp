#include "core/scalesim/layer_config.h"

#include <fmt/format.h>

namespace accelsim::scalesim {

std::vector<TopologyLayer> expand_depthwise(const std::vector<TopologyLayer>& layers) {
  std::vector<TopologyLayer> out;
  for (const auto& layer : layers) {
    if (!layer.depthwise_by_name) {
      out.push_back(layer);
      continue;
    }
    for (int64_t c = 0; c < layer.channels; ++c) {
      TopologyLayer channel = layer;
      channel.name = layer.name + "Channel_" + std::to_string(c);
      channel.channels = 1;
      channel.depthwise_by_name = false;
      out.push_back(channel);
    }
  }
  return out;
}

int64_t scalesim_padding(int64_t input, int64_t filter, int64_t stride) {
  const int64_t span = input - filter;
  const int64_t short_by = stride * ((span + stride - 1) / stride) - span;
  return (short_by + 1) / 2;
}

int64_t apply_scalesim_config(const ScaleSimConfig& config, config::YamlNode& hardware,
                              std::vector<std::string>& warnings) {
  using config::YamlNode;
  warnings.insert(warnings.end(), config.warnings.begin(), config.warnings.end());
  auto set = [&](const std::string& section, const std::string& key, const std::string& value) {
    hardware.child_map(section).set(key, YamlNode::scalar(value));
  };
  set("pe_array", "rows", std::to_string(config.array_height));
  set("pe_array", "cols", std::to_string(config.array_width));
  set("pe_array", "dataflow", std::string(name_of(config.dataflow)));
  set("pe_array", "timing", "scalesim");
  set("weight_sram", "capacity_bytes", std::to_string(config.filter_sram_kb * 1024));
  // SCALE-Sim's ofmap SRAM takes what leaves the array, partial sums included: accelsim's
  // accumulator (whose words are int32: the same bytes hold a quarter of the words).
  set("accumulator", "capacity_bytes", std::to_string(config.ofmap_sram_kb * 1024));
  const std::string& file = config.file;
  if (config.interface_bandwidth == InterfaceBandwidth::User) {
    if (!config.bandwidth.empty()) set("dram", "bandwidth_bytes_per_cycle", std::to_string(config.bandwidth.front()));
    if (config.bandwidth.size() > 1)
      warnings.push_back(fmt::format("{}: Bandwidth: only the first of {} values is used (as in SCALE-Sim)", file,
                                     config.bandwidth.size()));
  }  // under CALC the reader has already warned that Bandwidth is ignored; the base's DRAM stays
  warnings.push_back(
      fmt::format("{}: IfmapOffset, FilterOffset, OfmapOffset: no counterpart (accelsim lays out DRAM "
                  "itself; SCALE-Sim uses them only in its traces' addresses)",
                  file));
  // MemoryBanks: the reader has already warned (SCALE-Sim v2 never reads it).
  warnings.push_back(fmt::format("{}: run_name '{}': not used (accelsim writes into --out)", file, config.run_name));
  if (config.topology_csv)
    warnings.push_back(fmt::format("{}: TopologyCsvLoc: not used (give the topology with --topology)", file));
  return config.ifmap_sram_kb * 1024;
}

int64_t activation_sram_needed(const TopologyLayer& layer, bool double_buffered) {
  auto align = [](int64_t bytes) { return (bytes + 63) / 64 * 64; };
  const int64_t input = layer.channels * layer.ifmap_height * layer.ifmap_width;
  const int64_t output = layer.num_filters * layer.ofmap_height() * layer.ofmap_width();
  // The mapper's rule for this one-layer network: its input buffers, then the feature maps live
  // at the peak, which for a conv followed by a flatten is the conv's output alone.
  return (double_buffered ? 2 : 1) * align(input) + align(output);
}

std::string layer_config_yaml(const TopologyLayer& layer, const config::YamlNode& hardware, const std::string& origin) {
  using config::YamlNode;
  auto number = [](int64_t value) { return YamlNode::scalar(std::to_string(value)); };
  auto flow_list = [&](std::initializer_list<int64_t> values) {
    YamlNode node = YamlNode::sequence();
    for (const int64_t value : values) node.push_back(number(value));
    node.set_flow(true);
    return node;
  };
  const int64_t pad_height = scalesim_padding(layer.ifmap_height, layer.filter_height, layer.stride_height);
  const int64_t pad_width = scalesim_padding(layer.ifmap_width, layer.filter_width, layer.stride_width);
  YamlNode conv = YamlNode::map();
  conv.set("name", YamlNode::scalar(layer.name));
  conv.set("type", YamlNode::scalar("conv2d"));
  conv.set("out_channels", number(layer.num_filters));
  conv.set("kernel", flow_list({layer.filter_height, layer.filter_width}));
  conv.set("stride", flow_list({layer.stride_height, layer.stride_width}));
  conv.set("padding", flow_list({pad_height, pad_width}));
  YamlNode flatten = YamlNode::map();
  flatten.set("name", YamlNode::scalar(layer.name + "_flatten"));
  flatten.set("type", YamlNode::scalar("flatten"));

  YamlNode network = YamlNode::map();
  network.set("name", YamlNode::scalar(layer.name));
  network.set("activation_dtype", YamlNode::scalar("int8"));
  network.set("values", YamlNode::scalar("none"));
  network.child_map("input").set("shape",
                                 flow_list({layer.channels, layer.ifmap_height, layer.ifmap_width}));  // [C, H, W]
  YamlNode layers = YamlNode::sequence();
  layers.push_back(conv);
  layers.push_back(flatten);
  network.set("layers", layers);

  YamlNode root = YamlNode::map();
  root.set("hardware", hardware);
  root.set("network", network);
  return fmt::format("# {}\n# SCALE-Sim's output size ceil((H-F+S)/S) = {}x{} via padding [{}, {}]; timing only.\n",
                     origin, layer.ofmap_height(), layer.ofmap_width(), pad_height, pad_width) +
         config::block_yaml(root) + "\n";
}

}  // namespace accelsim::scalesim
