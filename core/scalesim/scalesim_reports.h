#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace accelsim::scalesim {

// One layer's row of SCALE-Sim's three report files, values already chosen (docs/scalesim.md
// says which come from SCALE-Sim's equations and which are accelsim's own).
struct ReportRow {
  // COMPUTE_REPORT.csv
  int64_t total_cycles = 0;
  int64_t stall_cycles = 0;
  double overall_util = 0;        // percent
  double mapping_efficiency = 0;  // percent
  double compute_util = 0;        // percent
  // DETAILED_ACCESS_REPORT.csv: start and stop cycles print as Python floats, counts as ints.
  struct Access {
    int64_t start = 0, stop = 0, count = 0;
  };
  Access sram_ifmap, sram_filter, sram_ofmap, dram_ifmap, dram_filter, dram_ofmap;
};

// The files' text exactly as SCALE-Sim v2 writes them (scalesim/simulator.py): its header
// line, then one line per layer numbered from 0, fields separated by ", ", a trailing ","
// before each "\n", floats in Python's str() form. BANDWIDTH_REPORT's averages are SCALE-Sim's:
// SRAM accesses / Total Cycles, DRAM accesses / (stop - start + 1).
std::string compute_report(const std::vector<ReportRow>& rows);
std::string bandwidth_report(const std::vector<ReportRow>& rows);
std::string detailed_access_report(const std::vector<ReportRow>& rows);

}  // namespace accelsim::scalesim
