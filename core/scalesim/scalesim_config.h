#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accelsim::scalesim {

enum class Dataflow { WeightStationary, OutputStationary, InputStationary };
enum class InterfaceBandwidth { Calc, User };

// A SCALE-Sim v2 `.cfg` (scalesim/scale_config.py), every key SCALE-Sim v2 reads. Defaults are
// those of SCALE-Sim's constructor; SCALE-Sim itself requires every key in the file, accelsim
// only the ones with no sensible default (the array, the SRAMs and the dataflow).
struct ScaleSimConfig {
  std::string file;  // as given, for messages
  std::string run_name = "scale_run";
  InterfaceBandwidth interface_bandwidth = InterfaceBandwidth::Calc;
  int64_t array_height = 0;   // PE rows
  int64_t array_width = 0;    // PE columns
  int64_t ifmap_sram_kb = 0;  // kB of 1024 one-byte words
  int64_t filter_sram_kb = 0;
  int64_t ofmap_sram_kb = 0;
  int64_t ifmap_offset = 0;  // address offsets of the three operands in SCALE-Sim's traces
  int64_t filter_offset = 10000000;
  int64_t ofmap_offset = 20000000;
  Dataflow dataflow = Dataflow::WeightStationary;
  std::vector<int64_t> bandwidth;           // words per cycle; SCALE-Sim uses only the first, and only under USER
  std::optional<int64_t> memory_banks;      // in SCALE-Sim's example configs, never read by SCALE-Sim v2
  std::optional<std::string> topology_csv;  // TopologyCsvLoc, when given
  // Keys SCALE-Sim v2 does not read and values it ignores, each naming the file, line and key.
  std::vector<std::string> warnings;
};

// Reads the text as Python's configparser does with its defaults (SCALE-Sim's reader):
// `[section]` headers; `key = value` or `key : value`, split at the first = or :; keys
// case-insensitive, section names case-sensitive; whole-line comments starting with # or ;;
// no inline comments (`32 # rows` is not an integer, as in SCALE-Sim); an indented line
// continues the value above; duplicate keys or sections are errors. Bad input throws
// config::ConfigurationError naming the file, line, column and key.
ScaleSimConfig parse_scalesim_config(std::string_view text, const std::string& file);
ScaleSimConfig read_scalesim_config(const std::filesystem::path& path);

const char* name_of(Dataflow dataflow);  // "ws", "os", "is"

}  // namespace accelsim::scalesim
