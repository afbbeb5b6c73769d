#pragma once

namespace accelsim::cli {

// `accelsim sweep ...` (argv[0] is "sweep"): runs, emits or merges a design-space sweep
// (docs/sweeps.md). Exit codes: 0 every point ok, 1 a point failed or has no result,
// 2 bad input, 3 internal failure, 128 + N stopped by signal N.
int run_sweep_command(int argc, char** argv);

}  // namespace accelsim::cli
