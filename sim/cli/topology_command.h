#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/cli/options.h"

namespace accelsim::cli {

// Runs one accelsim command line (argv[0] included) in the current process and returns its
// exit code: how a topology run simulates each layer, in a child process of its own (a SystemC
// kernel elaborates once per process).
using RunCommand = std::function<int(const std::vector<std::string>& arguments)>;

// `accelsim --topology FILE.csv [--scalesim-config FILE.cfg] [--config HARDWARE.yaml]`: every
// row of a SCALE-Sim topology run on its own as a one-layer timing-only network, as SCALE-Sim
// simulates layers independently; each layer's usual outputs go to OUT/layers/NN_NAME/, and
// OUT/ gets stats.json (all layers, accelsim's figures beside SCALE-Sim's equations) and
// SCALE-Sim's COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv
// (docs/scalesim.md). Returns the exit code: 0, 2 for bad input, 3 when a run failed.
int run_topology_command(const Options& options, const RunCommand& run_layer);

}  // namespace accelsim::cli
