#include "core/scalesim/scalesim_reports.h"

#include "core/scalesim/python_text.h"

namespace accelsim::scalesim {

namespace {

// `LayerID, a, b, ...,\n` from the already formatted fields.
std::string line(std::size_t layer, const std::vector<std::string>& fields) {
  std::string out = std::to_string(layer);
  for (const auto& field : fields) out += ", " + field;
  return out + ",\n";
}

std::string floating(double value) { return python_float_text(value); }
std::string cycle(int64_t value) { return python_float_text(static_cast<double>(value)); }

double per_cycle(int64_t accesses, int64_t cycles) {
  return static_cast<double>(accesses) / static_cast<double>(cycles);
}

}  // namespace

std::string compute_report(const std::vector<ReportRow>& rows) {
  std::string out = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
  for (std::size_t l = 0; l < rows.size(); ++l) {
    const ReportRow& r = rows[l];
    out += line(l, {std::to_string(r.total_cycles), std::to_string(r.stall_cycles), floating(r.overall_util),
                    floating(r.mapping_efficiency), floating(r.compute_util)});
  }
  return out;
}

std::string bandwidth_report(const std::vector<ReportRow>& rows) {
  std::string out =
      "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg "
      "OFMAP DRAM BW,\n";
  for (std::size_t l = 0; l < rows.size(); ++l) {
    const ReportRow& r = rows[l];
    auto dram = [](const ReportRow::Access& a) { return floating(per_cycle(a.count, a.stop - a.start + 1)); };
    out += line(l, {floating(per_cycle(r.sram_ifmap.count, r.total_cycles)),
                    floating(per_cycle(r.sram_filter.count, r.total_cycles)),
                    floating(per_cycle(r.sram_ofmap.count, r.total_cycles)), dram(r.dram_ifmap), dram(r.dram_filter),
                    dram(r.dram_ofmap)});
  }
  return out;
}

std::string detailed_access_report(const std::vector<ReportRow>& rows) {
  std::string out =
      "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, SRAM Filter "
      "Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, DRAM IFMAP "
      "Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM "
      "Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n";
  for (std::size_t l = 0; l < rows.size(); ++l) {
    const ReportRow& r = rows[l];
    std::vector<std::string> fields;
    for (const ReportRow::Access* a :
         {&r.sram_ifmap, &r.sram_filter, &r.sram_ofmap, &r.dram_ifmap, &r.dram_filter, &r.dram_ofmap}) {
      fields.push_back(cycle(a->start));
      fields.push_back(cycle(a->stop));
      fields.push_back(std::to_string(a->count));
    }
    out += line(l, fields);
  }
  return out;
}

}  // namespace accelsim::scalesim
