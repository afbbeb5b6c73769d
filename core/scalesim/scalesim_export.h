#pragma once

#include <string>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/model/network.h"

namespace accelsim::scalesim {

// An accelsim network as a SCALE-Sim v2 topology CSV (convolution format), so that the same
// workload runs in both tools. conv2d: IFMAP sizes with the padding folded in (SCALE-Sim has
// no padding) and trimmed to the rows and columns the windows reach, `(out - 1) * S + F`, so
// that SCALE-Sim's ceil rule gives accelsim's output size. linear: a 1x1 input with
// in_features channels, a 1x1 filter and out_features filters (the same M=1, K, N product).
// SCALE-Sim has no groups: a depthwise conv (one input channel per group) becomes one row named
// NAME_DP, which SCALE-Sim splits into its channels; any other grouped conv one row per group
// (NAME_group0, ...). Both are named in `notes`.
// Other layers have no SCALE-Sim counterpart: each is named in `skipped` ("pool2 (maxpool)").
// A name SCALE-Sim would misread (a comma; "DP", its depthwise marker) is changed, in `notes`.
std::string export_topology_csv(const model::Network& network, std::vector<std::string>& skipped,
                                std::vector<std::string>& notes);

// The hardware as a SCALE-Sim v2 .cfg: array, dataflow, SRAM sizes in kB (weight SRAM = filter,
// activation SRAM = ifmap, accumulator = ofmap, as docs/scalesim.md maps them back), DRAM
// bandwidth as Bandwidth, CALC mode. Sizes that are not whole kB are rounded down (at least 1),
// each named in `notes`.
std::string export_scalesim_config(const hardware::HardwareConfig& hardware, const std::string& run_name,
                                   std::vector<std::string>& notes);

}  // namespace accelsim::scalesim
