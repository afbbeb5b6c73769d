#include "core/scalesim/scalesim_export.h"

#include <fmt/format.h>

#include <algorithm>

namespace accelsim::scalesim {

namespace {

// A layer name SCALE-Sim reads back as the same layer: no comma (its field separator), no
// "DP" (its depthwise marker), no surrounding blanks (it strips them).
std::string scalesim_name(const std::string& name, std::vector<std::string>& notes) {
  std::string safe;
  for (const char c : name) safe += (c == ',' || c == '\n' || c == '\r') ? '_' : c;
  for (std::size_t at = safe.find("DP"); at != std::string::npos; at = safe.find("DP", at)) safe[at + 1] = 'p';
  if (safe.empty() || safe.front() == ' ' || safe.back() == ' ') safe = "layer_" + safe;
  if (safe != name) notes.push_back(fmt::format("layer {} written as {}", name, safe));
  return safe;
}

}  // namespace

std::string export_topology_csv(const model::Network& network, std::vector<std::string>& skipped,
                                std::vector<std::string>& notes) {
  std::string out =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  for (const model::Layer& layer : network.layers) {
    if (layer.type == model::LayerType::Conv2d) {
      // The windows reach (out - 1) * S + F rows of the padded input; SCALE-Sim's
      // ceil((H - F + S) / S) of exactly that is accelsim's output size.
      const int64_t height = (layer.output.height - 1) * layer.stride_h + layer.kernel_h;
      const int64_t width = (layer.output.width - 1) * layer.stride_w + layer.kernel_w;
      const std::string strides = layer.stride_h == layer.stride_w
                                      ? std::to_string(layer.stride_h)
                                      : fmt::format("{}, {}", layer.stride_h, layer.stride_w);
      const std::string name = scalesim_name(layer.name, notes);
      const int64_t group_in = layer.input.channels / layer.groups;
      const int64_t group_out = layer.output.channels / layer.groups;
      auto row = [&](const std::string& row_name, int64_t channels, int64_t filters) {
        out += fmt::format("{}, {}, {}, {}, {}, {}, {}, {},\n", row_name, height, width, layer.kernel_h, layer.kernel_w,
                           channels, filters, strides);
      };
      if (layer.groups == 1) {
        row(name, layer.input.channels, layer.output.channels);
      } else if (group_in == 1) {
        // Depthwise (one input channel per group): SCALE-Sim's own convention, a name holding
        // "DP", which it splits into `Channels` one-channel layers of `Num Filter` filters each:
        // exactly the groups, each with its out / groups filters.
        row(name + "_DP", layer.input.channels, group_out);
        notes.push_back(fmt::format(
            "layer {} (depthwise, {} groups) written as {}_DP: SCALE-Sim splits a DP row into {} one-channel "
            "layers of {} filter(s) each",
            layer.name, layer.groups, name, layer.input.channels, group_out));
      } else {
        // SCALE-Sim has no groups: one row per group, each an ordinary convolution over the
        // group's in / groups channels with its out / groups filters.
        for (int64_t g = 0; g < layer.groups; ++g) row(fmt::format("{}_group{}", name, g), group_in, group_out);
        notes.push_back(fmt::format(
            "layer {} ({} groups) written as {} rows {}_group0..{}: SCALE-Sim has no grouped convolution; each "
            "row is one group ({} channels, {} filters)",
            layer.name, layer.groups, layer.groups, name, layer.groups - 1, group_in, group_out));
      }
    } else if (layer.type == model::LayerType::Linear) {
      out += fmt::format("{}, 1, 1, 1, 1, {}, {}, 1,\n", scalesim_name(layer.name, notes), layer.input.elements(),
                         layer.output.channels);
    } else {
      skipped.push_back(fmt::format("{} ({})", layer.name, model::name_of(layer.type)));
    }
  }
  return out;
}

std::string export_scalesim_config(const hardware::HardwareConfig& hardware, const std::string& run_name,
                                   std::vector<std::string>& notes) {
  auto kilobytes = [&](int64_t bytes, const char* key, const char* from) {
    const int64_t kb = std::max<int64_t>(1, bytes / 1024);
    if (kb * 1024 != bytes)
      notes.push_back(fmt::format("{} = {} kB: {} is {} bytes, not a whole number of kB", key, kb, from, bytes));
    return kb;
  };
  std::string out = fmt::format(
      "# SCALE-Sim v2 configuration exported by accelsim from hardware '{}' ({}x{} {}).\n"
      "# Filter SRAM = weight SRAM, Ifmap SRAM = activation SRAM, Ofmap SRAM = accumulator (docs/scalesim.md).\n"
      "[general]\nrun_name = {}\n\n[architecture_presets]\n",
      hardware.name, hardware.pe_array.rows, hardware.pe_array.cols, hardware::name_of(hardware.pe_array.dataflow),
      run_name);
  out += fmt::format("ArrayHeight:    {}\nArrayWidth:     {}\n", hardware.pe_array.rows, hardware.pe_array.cols);
  out += fmt::format("IfmapSramSzkB:  {}\n", kilobytes(hardware.activation_sram.capacity_bytes, "IfmapSramSzkB",
                                                       "activation_sram.capacity_bytes"));
  out += fmt::format("FilterSramSzkB: {}\n",
                     kilobytes(hardware.weight_sram.capacity_bytes, "FilterSramSzkB", "weight_sram.capacity_bytes"));
  out += fmt::format("OfmapSramSzkB:  {}\n",
                     kilobytes(hardware.accumulator.capacity_bytes, "OfmapSramSzkB", "accumulator.capacity_bytes"));
  out += "IfmapOffset:    0\nFilterOffset:   10000000\nOfmapOffset:    20000000\n";
  out += fmt::format("Bandwidth : {}\nDataflow : {}\n\n[run_presets]\nInterfaceBandwidth: CALC\n",
                     hardware.dram.bandwidth_bytes_per_cycle, hardware::name_of(hardware.pe_array.dataflow));
  return out;
}

}  // namespace accelsim::scalesim
