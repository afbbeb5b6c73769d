#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/yaml_tree.h"
#include "core/scalesim/scalesim_config.h"
#include "core/scalesim/topology_csv.h"

namespace accelsim::scalesim {

// The rows of a topology as SCALE-Sim simulates them: a row whose name contains "DP" becomes
// one single-channel layer per channel, named <name>Channel_<i> (topology_utils.py:98-102).
std::vector<TopologyLayer> expand_depthwise(const std::vector<TopologyLayer>& layers);

// The symmetric padding that makes accelsim's floor((H + 2p - F) / S) + 1 equal SCALE-Sim's
// ceil((H - F + S) / S): p = ceil(r / 2), r = S * ceil((H - F) / S) - (H - F) < S. The values
// the extra zeros meet do not matter in a timing-only run; the MAC count is the same.
int64_t scalesim_padding(int64_t input, int64_t filter, int64_t stride);

// Puts a SCALE-Sim .cfg's keys into an accelsim `hardware:` map (docs/scalesim.md has the
// table): the array and dataflow, the filter SRAM as the weight SRAM, the ofmap SRAM as the
// accumulator, Bandwidth (under InterfaceBandwidth USER) as the DRAM's bytes per cycle, and
// `timing: scalesim`. Every key without a counterpart is named in `warnings`, as are the
// reader's own warnings. Returns the ifmap SRAM's bytes: the activation SRAM's size wherever
// the layer fits in it (accelsim keeps the whole input and output there; the caller raises it
// where not).
int64_t apply_scalesim_config(const ScaleSimConfig& config, config::YamlNode& hardware,
                              std::vector<std::string>& warnings);

// The activation SRAM bytes accelsim's mapper needs for a one-layer run of `layer` (its input
// and output feature maps whole, mapper/mapper.cpp plan_activation_sram).
int64_t activation_sram_needed(const TopologyLayer& layer, bool double_buffered);

// A whole accelsim config for one topology row: `hardware` as given and a timing-only
// (`values: none`) network of one conv2d with SCALE-Sim's output size, followed by a flatten
// (accelsim's last layer must give a flat output; it moves no data).
std::string layer_config_yaml(const TopologyLayer& layer, const config::YamlNode& hardware, const std::string& origin);

}  // namespace accelsim::scalesim
