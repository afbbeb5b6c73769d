#include "sim/report/topology_report.h"

#include <fmt/format.h>

#include "sim/report/svg_chart.h"

namespace accelsim::report {

namespace {

using svg::escape;

std::string cell(int64_t value) { return fmt::format("<td class=\"n\">{}</td>", value); }

}  // namespace

std::string render_topology_report(const nlohmann::json& stats) {
  const auto& pe = stats.at("hardware").at("pe_array");
  std::string rows;
  for (const auto& layer : stats.at("layers")) {
    const auto& own = layer.at("own_timing");
    const int64_t scalesim = layer.at("scalesim").at("total_cycles").get<int64_t>();
    const int64_t compute = own.at("compute_cycles").get<int64_t>();
    rows += "<tr><td>" + escape(layer.at("name").get<std::string>()) + "</td>" +
            cell(layer.at("accelsim").at("macs").get<int64_t>()) + cell(scalesim) + cell(compute) +
            fmt::format("<td class=\"n\">{:.3f}</td>", scalesim ? static_cast<double>(compute) / scalesim : 0.0) +
            cell(own.at("pe_stall_cycles").get<int64_t>()) + cell(own.at("requant_busy_cycles").get<int64_t>()) +
            cell(own.at("cycles").get<int64_t>()) + "<td>" + escape(layer.at("difference").get<std::string>()) +
            "</td></tr>\n";
  }
  const std::string timing = stats.at("layers").at(0).at("own_timing").at("timing").get<std::string>();
  const auto& total = stats.at("total");
  return fmt::format(
      R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>accelsim: {topology}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:80em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:0.3em 0.6em;vertical-align:top}}td.n{{text-align:right;font-variant-numeric:tabular-nums}}
th{{background:#eee}}</style></head><body>
<h1>SCALE-Sim topology {topology}</h1>
<p>{layers} layers, each run on its own from cycle 0 as SCALE-Sim runs them, timing only, on a {rows}x{cols}
{dataflow} array. SCALE-Sim's figures are its v2 equations in CALC mode (the COMPUTE_REPORT.csv beside this
file has them under <code>timing: scalesim</code>); accelsim's are its own array model (<code>{timing}</code>)
and its whole one-layer run.</p>
<p>What SCALE-Sim leaves out, and the columns that show it: <b>stalls</b> (the PE array waiting for its
operands: DRAM loads, SRAM bandwidth, a free accumulator buffer), <b>requantization</b> (the requantization
unit's cycles, overlapped with the array), <b>loading the input and storing the output</b> (the whole run), and
the <b>overlap</b> of folds that accelsim's array has (the reason column). Pooling layers have no SCALE-Sim row
(a topology holds convolutions and GEMMs only).</p>
<table><tr><th>layer</th><th>MACs</th><th>SCALE-Sim cycles</th><th>accelsim array cycles ({timing})</th>
<th>accelsim / SCALE-Sim</th><th>array stalls</th><th>requantization cycles</th><th>whole run cycles</th>
<th>why the array figures differ</th></tr>
{rows_html}<tr><th>total</th><td></td>{scalesim_total}<td></td><td></td><td></td><td></td>{run_total}<td></td></tr>
</table>
<p>Each layer's own outputs (stats.json, report.html, config.yaml) are in <code>layers/</code>;
docs/scalesim.md describes every figure.</p>
</body></html>
)",
      fmt::arg("topology", escape(stats.at("topology").get<std::string>())),
      fmt::arg("layers", stats.at("layers").size()), fmt::arg("rows", pe.at("rows").get<int64_t>()),
      fmt::arg("cols", pe.at("cols").get<int64_t>()), fmt::arg("dataflow", pe.at("dataflow").get<std::string>()),
      fmt::arg("timing", escape(timing)), fmt::arg("rows_html", rows),
      fmt::arg("scalesim_total", cell(total.at("scalesim_total_cycles").get<int64_t>())),
      fmt::arg("run_total", cell(total.at("own_timing_cycles").get<int64_t>())));
}

}  // namespace accelsim::report
