#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/log/log.h"
#include "sim/cli/command_line.h"
#include "sim/run/simulation.h"
#include "sim/trace/trace_options.h"

namespace accelsim::cli {

// The command line of `accelsim`, parsed with Boost.Program_options.
struct Options {
  std::filesystem::path
      config;  // with --model or --topology: the hardware YAML (default configs/hardware/edge_small.yaml)
  std::filesystem::path model;            // --model: an ONNX model, imported into OUT/model/ and run
  std::filesystem::path topology;         // --topology: a SCALE-Sim topology CSV, one run per row
  std::filesystem::path scalesim_config;  // --scalesim-config: its .cfg, mapped onto the hardware
  int64_t images = 1;
  bool images_given = false;          // --images on the command line (else a stats.json config's own count)
  std::filesystem::path images_file;  // --model --images FILE.npy: the model's input tensor (every image in it)
  std::string arithmetic;  // --model --arithmetic: pytorch or onnxruntime; empty: by the model's producer_name
  std::filesystem::path out = "out";
  std::vector<std::string> overrides;
  std::vector<run::BitFlip> bit_flips;      // --flip-bit LAYER:INDEX:BIT[:IMAGE]
  std::string log_level = "warn";           // as given
  log::Level verbosity = log::Level::Warn;  // parsed from log_level
  int64_t watchdog_cycles = 100'000'000;
  bool quiet = false;
  bool help = false;
  bool version = false;
  bool list_params = false;
  std::string format = "text";  // of --list-params: text or json
  trace::TraceOptions trace;    // --trace, --trace-window, --trace-modules (vcd_file is the caller's)

  static Options parse(int argc, const char* const* argv);
  static std::string usage();
};

}  // namespace accelsim::cli
