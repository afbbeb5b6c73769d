#pragma once

namespace accelsim::cli {

// `accelsim export-scalesim --config FILE [--set key=value ...] [--out DIR]`: the network as a
// SCALE-Sim topology CSV and the hardware as a SCALE-Sim .cfg (DIR/NETWORK.csv, DIR/NETWORK.cfg),
// so that the same workload runs in both tools (docs/scalesim.md). Returns the exit code: 0, or
// 2 for bad input. `argv[0]` is "export-scalesim".
int run_export_scalesim_command(int argc, char** argv);

}  // namespace accelsim::cli
