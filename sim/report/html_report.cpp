#include "sim/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "sim/report/number_text.h"
#include "sim/report/svg_chart.h"
#include "sim/report/timeline_chart.h"
#include "sim/version.h"

namespace accelsim::report {

// traces/report_template.html, compiled in by cmake/EmbedText.cmake.
extern const char kReportTemplate[];

namespace {

using nlohmann::json;
using svg::escape;
using svg::grouped_number;

constexpr const char* kLayerCyclesColor = "#9aa5b1";
constexpr const char* kBusyColor = "#4e79a7";
constexpr const char* kStalledColor = "#e15759";
constexpr const char* kDmaColor = "#f28e2b";
constexpr const char* kUtilizationColor = "#59a14f";
constexpr const char* kComputeUtilizationColor = "#76b7b2";

struct Memory {
  const char* label;
  const char* read_key;
  const char* write_key;
  const char* color;
};
const Memory kMemories[] = {{"DRAM", "dram_read_bytes", "dram_write_bytes", "#f28e2b"},
                            {"weight SRAM", "weight_sram_read_bytes", "weight_sram_write_bytes", "#b07aa1"},
                            {"activation SRAM", "activation_sram_read_bytes", "activation_sram_write_bytes", "#4e79a7"},
                            {"accumulator", "accumulator_read_bytes", "accumulator_write_bytes", "#edc948"}};

struct EnergyComponent {
  const char* label;
  const char* key;
  const char* color;
};
const EnergyComponent kEnergy[] = {{"PE array", "energy_pe_array_pj", "#4e79a7"},
                                   {"weight SRAM", "energy_weight_sram_pj", "#b07aa1"},
                                   {"activation SRAM", "energy_activation_sram_pj", "#76b7b2"},
                                   {"accumulator", "energy_accumulator_pj", "#edc948"},
                                   {"DRAM", "energy_dram_pj", "#f28e2b"},
                                   {"requantization unit", "energy_requant_unit_pj", "#59a14f"},
                                   {"pooling unit", "energy_pooling_unit_pj", "#9c755f"}};

// A string_view key is compared without strlen at every step of the map's search (the objects
// have about seventy members; the report looks up about a thousand figures).
double number(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// `color` lightened towards white by `amount` (0..1): the write half of a traffic bar.
std::string lighter(const std::string& color, double amount) {
  const auto channel = [&](int offset) {
    const int value = std::stoi(color.substr(static_cast<std::size_t>(1 + offset), 2), nullptr, 16);
    return static_cast<int>(std::lround(value + (255 - value) * amount));
  };
  return fmt::format("#{:02x}{:02x}{:02x}", channel(0), channel(2), channel(4));
}

// `value` with `decimals` digits after the point ("{:.Nf}"), without a format string: the
// sections write a few hundred figures per run.
std::string fixed(double value, int decimals) { return std::string(FixedText(value, decimals).view()); }

std::string bytes_text(double bytes) {
  if (bytes >= 1e6) return fixed(bytes / 1e6, 2) + " MB";
  if (bytes >= 1e3) return fixed(bytes / 1e3, 1) + " kB";
  return fixed(bytes, 0) + " B";
}

class Page {
 public:
  // Appended in place: the body is copied once, into the page.
  void add(const std::string& id, const std::string& title, const std::string& body) {
    nav_ += "<a href=\"#";
    svg::append_escaped(nav_, id);
    nav_ += "\">";
    svg::append_escaped(nav_, title);
    nav_ += "</a>";
    sections_ += "<section id=\"";
    svg::append_escaped(sections_, id);
    sections_ += "\">\n<h2>";
    svg::append_escaped(sections_, title);
    sections_ += "</h2>\n";
    sections_ += body;
    sections_ += "</section>\n";
  }
  const std::string& nav() const { return nav_; }
  const std::string& sections() const { return sections_; }

 private:
  std::string nav_;
  std::string sections_;
};

std::string note(const std::string& text) { return "<p class=\"note\">" + escape(text) + "</p>\n"; }

std::string card(const std::string& label, const std::string& value, const std::string& tone = "") {
  return fmt::format("<div class=\"card\"><div class=\"label\">{}</div><div class=\"value{}\">{}</div></div>\n",
                     escape(label), tone.empty() ? "" : " " + tone, escape(value));
}

// A layer's (or the total's) bit_exact in the per-layer table: null when nothing was checked.
std::string layer_check_word(const json& group) {
  const auto it = group.find("bit_exact");
  if (it == group.end() || !it->is_boolean()) return "not run";
  return it->get<bool>() ? "yes" : "NO";
}

std::string summary_section(const json& stats) {
  const json& total = stats.at("total");
  const double images = std::max(1.0, number(stats, "images"));
  const auto exact_it = stats.find("bit_exact");
  const bool checked = exact_it != stats.end() && exact_it->is_boolean();
  const bool exact = checked && exact_it->get<bool>();
  std::string body = "<div class=\"cards\">\n";
  if (checked)
    body += card("bit-exact against the golden model",
                 exact ? "yes" : fmt::format("NO: {} elements differ", text_of(stats, "mismatches")),
                 exact ? "good" : "bad");
  else  // a timing-only run (values: none)
    body += card("check against the golden model", text_of(stats, "check"));
  body += card("images", grouped_number(number(stats, "images")));
  const auto accuracy_it = stats.find("accuracy");
  if (accuracy_it != stats.end() && accuracy_it->is_number())
    body += card("top-1 accuracy", fmt::format("{:.2f}% (golden {:.2f}%)", 100 * number(stats, "accuracy"),
                                               100 * number(stats, "golden_accuracy")));
  else
    body += card("top-1 accuracy", "not reported (no labels)");
  body += card("cycles per image", grouped_number(number(total, "cycles_per_image")));
  body += card("latency per image", fmt::format("{:.2f} us", number(total, "latency_us_per_image")));
  body += card("throughput", grouped_number(number(total, "throughput_images_per_s")) + " images/s");
  body += card("energy per image", fmt::format("{:.2f} uJ", number(total, "energy_pj_per_image") / 1e6));
  body += card("PE array utilization", fmt::format("{:.1f}%", 100 * number(total, "utilization")));
  body += card("DRAM traffic per image",
               bytes_text((number(total, "dram_read_bytes") + number(total, "dram_write_bytes")) / images));
  body += "</div>\n";
  if (stats.contains("first_mismatch") && stats["first_mismatch"].is_object()) {
    const json& m = stats["first_mismatch"];
    body += note(fmt::format("First mismatch: image {}, layer {}, output index {}: expected {}, got {}.",
                             text_of(m, "image"), text_of(m, "layer"), text_of(m, "index"), text_of(m, "expected"),
                             text_of(m, "actual")));
  }
  return body;
}

// A per-layer chart of a network with many layers (ResNet-50: 73) is taller than a screen: it
// scrolls in a box of its own (its tick labels repeated above the plot), so that the sections
// after it stay within reach and the page's navigation keeps its place.
std::string per_layer_chart(const svg::BarChart& chart) {
  const std::string drawn = svg::horizontal_bar_chart(chart);
  if (!svg::is_tall(chart)) return drawn;
  return note("The chart scrolls in its box; its axis is repeated above the plot.") + "<div class=\"tall\">\n" + drawn +
         "</div>\n";
}

bool is_pooling(const json& layer) { return number(layer, "macs") == 0 && number(layer, "pool_busy_cycles") > 0; }

std::string cycles_section(const json& stats) {
  svg::BarChart chart;
  chart.aria_label = "cycles per layer: attributed, busy and stalled";
  chart.value_label = "cycles";
  for (const auto& layer : stats.at("layers")) {
    const std::string name = layer.value("name", "?");
    const double cycles = number(layer, "cycles");
    svg::BarGroup group{name, {}};
    group.bars.push_back(
        {grouped_number(cycles),
         {{cycles, kLayerCyclesColor, name + ": " + grouped_number(cycles) + " cycles attributed to the layer"}}});
    if (is_pooling(layer)) {
      const double busy = number(layer, "pool_busy_cycles");
      group.bars.push_back({"pooling unit: " + grouped_number(busy) + " busy",
                            {{busy, kBusyColor, name + ": pooling unit busy " + grouped_number(busy) + " cycles"}}});
    } else if (layer.value("type", "") == "add") {  // executed by the requantization unit, not the array
      const double busy = number(layer, "requant_busy_cycles");
      group.bars.push_back(
          {"requantization unit: " + grouped_number(busy) + " busy",
           {{busy, kBusyColor, name + ": requantization unit busy " + grouped_number(busy) + " cycles"}}});
    } else {
      const double busy = number(layer, "compute_cycles"), stalled = number(layer, "pe_stall_cycles");
      group.bars.push_back(
          {"PE array: " + grouped_number(busy) + " busy + " + grouped_number(stalled) + " stalled",
           {{busy, kBusyColor, name + ": PE array computing " + grouped_number(busy) + " cycles"},
            {stalled, kStalledColor, name + ": PE array stalled " + grouped_number(stalled) + " cycles"}}});
    }
    const double dma = number(layer, "dma_busy_cycles");
    if (dma > 0)
      group.bars.push_back({"DMA: " + grouped_number(dma) + " busy",
                            {{dma, kDmaColor, name + ": DMA busy " + grouped_number(dma) + " cycles"}}});
    chart.groups.push_back(std::move(group));
  }
  return note(
             "Per layer: the cycles attributed to it (from the previous layer's completion to its own, so that the "
             "layers add up to "
             "the run); its main unit busy (the PE array computing; the pooling unit for pooling layers, the "
             "requantization unit for add layers) and stalled "
             "(the PE array "
             "waiting with the layer's work queued: operands not loaded yet, no free accumulator buffer, SRAM "
             "bandwidth); and the "
             "DMA's busy cycles. Units overlap across layer boundaries, so busy and stalled cycles can exceed the "
             "attributed ones.") +
         svg::legend({{"attributed to the layer", kLayerCyclesColor},
                      {"busy", kBusyColor},
                      {"stalled", kStalledColor},
                      {"DMA busy", kDmaColor}}) +
         per_layer_chart(chart);
}

std::string utilization_section(const json& stats) {
  svg::BarChart chart;
  chart.aria_label = "PE array utilization per layer";
  chart.value_label = "% of the PE array's peak (rows x cols MACs per cycle)";
  chart.fixed_max = 100;
  auto add = [&](const std::string& name, const json& group) {
    const double overall = 100 * number(group, "utilization"), computing = 100 * number(group, "compute_utilization");
    chart.groups.push_back(
        {name,
         {{fixed(overall, 1) + "%",
           {{overall, kUtilizationColor, name + ": " + fixed(overall, 1) + "% over its cycles"}}},
          {fixed(computing, 1) + "%",
           {{computing, kComputeUtilizationColor, name + ": " + fixed(computing, 1) + "% while computing"}}}}});
  };
  for (const auto& layer : stats.at("layers"))
    if (number(layer, "macs") > 0) add(layer.value("name", "?"), layer);
  add("total", stats.at("total"));
  return note(
             "MACs done against the PE array's peak: over the layer's attributed cycles, and over the cycles the array "
             "was computing "
             "the layer's tiles.") +
         svg::legend({{"over the layer's cycles", kUtilizationColor}, {"while computing", kComputeUtilizationColor}}) +
         per_layer_chart(chart);
}

std::string traffic_section(const json& stats) {
  svg::BarChart chart;
  chart.aria_label = "bytes moved per memory level and layer";
  chart.value_label = "bytes (reads, then writes in the lighter shade)";
  std::string write_colors[std::size(kMemories)];  // the same for every layer: worked out once
  for (std::size_t m = 0; m < std::size(kMemories); ++m) write_colors[m] = lighter(kMemories[m].color, 0.55);
  auto add = [&](const std::string& name, const json& group) {
    svg::BarGroup bars{name, {}};
    for (std::size_t m = 0; m < std::size(kMemories); ++m) {
      const Memory& memory = kMemories[m];
      const double read = number(group, memory.read_key), write = number(group, memory.write_key);
      bars.bars.push_back(
          {bytes_text(read + write),
           {{read, memory.color, name + ": " + memory.label + " read " + grouped_number(read) + " bytes"},
            {write, write_colors[m], name + ": " + memory.label + " written " + grouped_number(write) + " bytes"}}});
    }
    chart.groups.push_back(std::move(bars));
  };
  for (const auto& layer : stats.at("layers")) add(layer.value("name", "?"), layer);

  std::string table =
      "<div class=\"scroll\"><table>\n<tr><th>memory level</th><th>read bytes</th><th>written bytes</th><th>per "
      "image</th></tr>\n";
  const json& total = stats.at("total");
  const double images = std::max(1.0, number(stats, "images"));
  for (const auto& memory : kMemories) {
    const double read = number(total, memory.read_key), write = number(total, memory.write_key);
    table += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", memory.label, grouped_number(read),
                         grouped_number(write), bytes_text((read + write) / images));
  }
  table += "</table></div>\n";
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& memory : kMemories) entries.emplace_back(memory.label, memory.color);
  return note("Bytes each layer moved at each memory level over the batch: per bar the reads, then the writes.") +
         svg::legend(entries) + per_layer_chart(chart) + table;
}

std::string energy_section(const json& stats) {
  svg::BarChart chart;
  chart.aria_label = "energy per layer by component";
  chart.value_label = "nJ";
  for (const auto& layer : stats.at("layers")) {
    const std::string name = layer.value("name", "?");
    svg::Bar bar{fixed(number(layer, "energy_pj") / 1000, 1) + " nJ", {}};
    for (const auto& component : kEnergy) {
      const double nj = number(layer, component.key) / 1000;
      bar.segments.push_back({nj, component.color, name + ": " + component.label + " " + fixed(nj, 2) + " nJ"});
    }
    chart.groups.push_back({name, {bar}});
  }
  const json& total = stats.at("total");
  const double sum = number(total, "energy_pj");
  std::string table = "<div class=\"scroll\"><table>\n<tr><th>component</th><th>energy (nJ)</th><th>share</th></tr>\n";
  for (const auto& component : kEnergy) {
    const double pj = number(total, component.key);
    table += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.1f}%</td></tr>\n", component.label,
                         grouped_number(pj / 1000, 2), sum > 0 ? 100 * pj / sum : 0.0);
  }
  table += fmt::format("<tr class=\"total\"><td>total</td><td>{}</td><td>100%</td></tr>\n</table></div>\n",
                       grouped_number(sum / 1000, 2));
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& component : kEnergy) entries.emplace_back(component.label, component.color);
  return note(
             "The energy estimate per layer over the batch, by component (the hardware config's per-access and "
             "per-operation figures).") +
         svg::legend(entries) + per_layer_chart(chart) + table;
}

std::string roofline_section(const json& stats, double dram_bytes_per_cycle, const std::string& roof_source) {
  const json& pe = stats.at("hardware").at("pe_array");
  const double peak = number(pe, "rows") * number(pe, "cols");
  svg::ScatterChart chart;
  chart.aria_label = "roofline: MACs per DRAM byte against MACs per cycle";
  chart.x_label = "operational intensity: MACs per byte of DRAM traffic";
  chart.y_label = "MACs per cycle";
  chart.log_x = chart.log_y = true;
  std::vector<double> intensities;
  double lowest = peak;
  int index = 0;
  std::string rows;
  for (const auto& layer : stats.at("layers")) {
    const int layer_index = index++;
    const double macs = number(layer, "macs"), cycles = number(layer, "cycles");
    if (macs <= 0 || cycles <= 0) continue;
    const double dram = number(layer, "dram_read_bytes") + number(layer, "dram_write_bytes");
    const double achieved = macs / cycles;
    const std::string name = layer.value("name", "?");
    // A layer without DRAM traffic has unbounded intensity: it is drawn at the right edge.
    const double intensity = dram > 0 ? macs / dram : std::numeric_limits<double>::infinity();
    const double roof =
        dram_bytes_per_cycle > 0 && std::isfinite(intensity) ? std::min(peak, intensity * dram_bytes_per_cycle) : peak;
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2f}</td><td>{:.2f}</td><td>{:.0f}%</td><td>{}</td></"
        "tr>\n",
        escape(name), grouped_number(macs), grouped_number(dram),
        std::isfinite(intensity) ? fmt::format("{:.2f}", intensity) : "unbounded", achieved, roof,
        100 * achieved / roof,
        dram_bytes_per_cycle > 0 && intensity * dram_bytes_per_cycle < peak ? "memory" : "compute");
    if (std::isfinite(intensity)) intensities.push_back(intensity);
    lowest = std::min(lowest, achieved);
    chart.points.push_back({intensity, achieved, layer_color(layer_index), name,
                            fmt::format("{}: {:.2f} MACs per DRAM byte, {:.2f} MACs per cycle (roof {:.2f})", name,
                                        intensity, achieved, roof)});
  }
  if (chart.points.empty()) return note("No layer did any MACs.");
  double x_low = intensities.empty() ? 1 : *std::min_element(intensities.begin(), intensities.end());
  double x_high = intensities.empty() ? 10 : *std::max_element(intensities.begin(), intensities.end());
  const double ridge = dram_bytes_per_cycle > 0 ? peak / dram_bytes_per_cycle : x_low;
  // The roof spans whole decades, as the log axes do.
  x_low = std::pow(10.0, std::floor(std::log10(std::min(x_low, ridge) / 2)));
  x_high = std::pow(10.0, std::ceil(std::log10(std::max(x_high, ridge) * 2)));
  for (auto& point : chart.points)
    if (!std::isfinite(point.x)) {
      point.x = x_high;
      point.label += " (no DRAM traffic)";
    }
  svg::Line roof{
      {},
      "#2b2f36",
      fmt::format("roof: min({:g} MACs/cycle, intensity x {:g} DRAM bytes/cycle)", peak, dram_bytes_per_cycle),
      fmt::format("peak {:g}", peak)};
  if (dram_bytes_per_cycle > 0) {
    const double y_floor = std::min(lowest, x_low * dram_bytes_per_cycle) / 2;
    const double start = std::max(x_low, y_floor / dram_bytes_per_cycle);
    roof.points = {{start, start * dram_bytes_per_cycle}, {ridge, peak}, {x_high, peak}};
  } else {
    roof.points = {{x_low, peak}, {x_high, peak}};
  }
  chart.lines.push_back(roof);
  chart.extent.emplace_back(x_low, lowest / 2);  // keeps the lowest point off the frame
  std::string table =
      "<div class=\"scroll\"><table>\n<tr><th>layer</th><th>MACs</th><th>DRAM bytes</th><th>MACs per DRAM "
      "byte</th><th>MACs per cycle</th>"
      "<th>roof</th><th>of roof</th><th>bound by</th></tr>\n" +
      rows + "</table></div>\n";
  return note(fmt::format("Each layer's MACs per byte of DRAM traffic against the MACs per cycle it achieved over its "
                          "attributed cycles. "
                          "The roof is the PE array's peak ({:g} MACs per cycle) and, left of the ridge at {:g} MACs "
                          "per byte, the DRAM's "
                          "{:g} bytes per cycle times the intensity: a layer under the slanted roof is memory-bound, "
                          "under the flat one "
                          "compute-bound. A label that would overlap another is left out (points at the same place "
                          "share one, \"name (+N)\"): every layer is in each point's tooltip and in the table.{}",
                          peak, ridge, dram_bytes_per_cycle, roof_source.empty() ? "" : " " + roof_source)) +
         svg::scatter_chart(chart) + table;
}

std::string layers_section(const json& stats) {
  std::string table =
      "<div "
      "class=\"scroll\"><table>\n<tr><th>layer</th><th>type</th><th>MACs</th><th>cycles</th><th>compute</"
      "th><th>stalled</th>"
      "<th>util %</th><th>DRAM read B</th><th>DRAM written B</th><th>SRAM read B</th><th>SRAM written B</th><th>energy "
      "nJ</th><th>bit-exact</th></tr>\n";
  auto row = [&](const json& group, const std::string& name, const std::string& type, bool total) {
    // The weight and activation SRAMs, as the terminal and layers.csv's SRAM columns count them.
    const double sram_read = number(group, "weight_sram_read_bytes") + number(group, "activation_sram_read_bytes");
    const double sram_write = number(group, "weight_sram_write_bytes") + number(group, "activation_sram_write_bytes");
    table += fmt::format(
        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{}</td><td>{}</"
        "td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        total ? " class=\"total\"" : "", escape(name), escape(type), grouped_number(number(group, "macs")),
        grouped_number(number(group, "cycles")), grouped_number(number(group, "compute_cycles")),
        grouped_number(number(group, "pe_stall_cycles")), 100 * number(group, "utilization"),
        grouped_number(number(group, "dram_read_bytes")), grouped_number(number(group, "dram_write_bytes")),
        grouped_number(sram_read), grouped_number(sram_write), grouped_number(number(group, "energy_pj") / 1000, 2),
        layer_check_word(group));
  };
  for (const auto& layer : stats.at("layers")) row(layer, layer.value("name", "?"), layer.value("type", ""), false);
  row(stats.at("total"), "total", "", true);
  return note(
             "SRAM bytes: the weight and activation SRAMs (the accumulator's traffic is in the traffic section "
             "and in layers.csv). Compute and stalled are PE-array cycles; the array overlaps neighbouring layers, so "
             "they can add up to more than the layer's cycles.") +
         table + "</table></div>\n";
}

// The detailed DRAM model's figures per layer (stats.json has them only under
// hardware.dram.model: detailed): what the transfers took and what the DRAM's energy went to.
std::string dram_section(const json& stats) {
  std::string table =
      "<div class=\"scroll\"><table>\n<tr><th>layer</th><th>DRAM bytes</th><th>activates</th><th>row-hit "
      "rate</th><th>GB/s</th><th>DRAM energy nJ</th><th>pJ/byte</th><th>background and refresh</th></tr>\n";
  auto row = [&](const json& group, const std::string& name, bool total) {
    const double bytes = number(group, "dram_read_bytes") + number(group, "dram_write_bytes");
    const double energy = number(group, "energy_dram_pj");
    const double idle = number(group, "dram_energy_background_pj") + number(group, "dram_energy_refresh_pj");
    table += fmt::format(
        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0f}%</td></tr>\n",
        total ? " class=\"total\"" : "", escape(name), grouped_number(bytes),
        grouped_number(number(group, "dram_activates")),
        bytes > 0 ? fmt::format("{:.3f}", number(group, "dram_row_hit_rate")) : std::string("-"),
        bytes > 0 ? fmt::format("{:.2f}", number(group, "dram_bandwidth_gb_per_s")) : std::string("-"),
        grouped_number(energy / 1000, 2), bytes > 0 ? fmt::format("{:.1f}", energy / bytes) : std::string("-"),
        energy > 0 ? 100 * idle / energy : 0.0);
  };
  for (const auto& layer : stats.at("layers")) row(layer, layer.value("name", "?"), false);
  row(stats.at("total"), "total", true);
  return note(
             "The detailed DRAM model (hardware.dram.model: detailed): the activates the layer's transfers took, "
             "the share of their accesses that found their row open, the bandwidth over the DMA's busy time, and "
             "the DRAM's energy from its commands, refresh and standby over the layer's cycles (the last two do not "
             "depend on the bytes moved).") +
         table + "</table></div>\n";
}

// How the mapper cut each layer with weights: stats.json's per-layer "mapping".
std::string mapping_section(const json& stats) {
  std::string table =
      "<div class=\"scroll\"><table>\n<tr><th>layer</th><th>weights</th><th>tile m &times; k &times; n</th>"
      "<th>tiles m &times; k &times; n</th><th>tiles</th></tr>\n";
  bool any = false;
  for (const auto& layer : stats.at("layers")) {
    if (!layer.contains("mapping")) continue;
    any = true;
    const json& m = layer["mapping"];
    const bool resident = m.value("weights_resident", false);
    table += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{} &times; {} &times; {}</td><td>{} &times; {} &times; "
        "{}</td><td>{}</td></tr>\n",
        escape(layer.value("name", "?")), resident ? "resident in the weight SRAM" : "streamed from DRAM every image",
        text_of(m, "tile_m"), text_of(m, "tile_k"), text_of(m, "tile_n"), text_of(m, "m_tiles"), text_of(m, "k_tiles"),
        text_of(m, "n_tiles"), grouped_number(number(m, "m_tiles") * number(m, "k_tiles") * number(m, "n_tiles")));
  }
  if (!any) return note("No layer with weights.");
  return note(
             "Each layer with weights is a matrix product of M output positions, K inputs per output and N output "
             "channels, cut into tiles that fit the PE array and the SRAMs. Resident weights are loaded once for "
             "the whole batch; streamed ones are fetched from DRAM for every image.") +
         table + "</table></div>\n";
}

// A member of an effective_config entry that is text ("key", "source"): "" when absent; a
// json::type_error when it is not text, as json::value() threw.
std::string_view text_member(const json& entry, std::string_view name) {
  const auto it = entry.find(name);
  if (it == entry.end()) return {};
  return it->get_ref<const std::string&>();
}

// A configured value as the config table shows it, escaped: text as it is, anything else as
// json::dump() writes it (integers and booleans written here, the rest by dump()).
void append_value_text(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return svg::append_escaped(out, value.get_ref<const std::string&>());
    case json::value_t::number_integer:
      return append_integer(out, value.get<json::number_integer_t>());
    case json::value_t::number_unsigned:
      return append(out, fmt::format_int(value.get<json::number_unsigned_t>()).str());
    case json::value_t::boolean:
      return append(out, value.get<bool>() ? "true" : "false");
    default:
      return svg::append_escaped(out, value.dump());
  }
}

// The table of the effective configuration: `for_each_entry(add)` calls add(key, value, source)
// for each key, in order.
template <typename ForEachEntry>
std::string config_table(const json& stats, std::size_t keys, const ForEachEntry& for_each_entry) {
  const auto layers = stats.find("layers");
  // One row per key, appended straight onto the table (a run has a few hundred keys).
  std::string table =
      "<div class=\"scroll\"><table class=\"config\">\n<tr><th>key</th><th>value</th><th>from</th></tr>\n";
  table.reserve(table.size() + 128 * keys);
  int overridden = 0, defaulted = 0;
  const std::string_view prefix = "network.layers[";
  std::string renamed;
  for_each_entry([&](std::string_view key, const json& value, std::string_view source) {
    const bool set = source.substr(0, 6) == "--set ";
    overridden += set ? 1 : 0;
    defaulted += source == "default" ? 1 : 0;
    // network.layers[2].requant.divisor -> network.layers[conv3].requant.divisor, as --set takes it.
    if (key.substr(0, prefix.size()) == prefix && layers != stats.end()) {
      const std::size_t close = key.find(']', prefix.size());
      const std::string_view index = key.substr(prefix.size(), close - prefix.size());
      std::size_t layer = 0;
      const auto [end, error] = std::from_chars(index.data(), index.data() + index.size(), layer);
      // from_chars reads an unsigned number whole only from digits: no sign, no space.
      if (close != std::string_view::npos && error == std::errc() && end == index.data() + index.size() &&
          layer < layers->size()) {
        renamed.assign(prefix);
        renamed += (*layers)[layer].value("name", std::string(index));
        renamed += key.substr(close);
        key = renamed;
      }
    }
    table += set ? "<tr class=\"total\"><td>" : "<tr><td>";
    svg::append_escaped(table, key);
    table += "</td><td>";
    append_value_text(table, value);
    table += "</td><td>";
    svg::append_escaped(table, source);
    table += "</td></tr>\n";
  });
  table += "</table></div>\n";
  return note(fmt::format("{} keys: {} from --set (bold), {} defaults, the rest from the config files. "
                          "effective.yaml beside stats.json holds them all: accelsim --config effective.yaml "
                          "repeats this run.",
                          keys, overridden, defaulted)) +
         table;
}

// Every key the run read, defaults included, and where its value came from: the run's
// `effective_config` when given, else stats.json's "effective_config" (effective.yaml in the
// output folder repeats the run).
std::string config_section(const json& stats, const std::vector<EffectiveEntry>* effective_config) {
  if (effective_config)
    return config_table(stats, effective_config->size(), [&](const auto& add) {
      for (const EffectiveEntry& entry : *effective_config) add(entry.doc->path, entry.value, entry.doc->source);
    });
  const auto entries = stats.find("effective_config");
  if (entries == stats.end() || !entries->is_array()) return note("Not recorded.");
  return config_table(stats, entries->size(), [&](const auto& add) {
    for (const auto& entry : *entries) {
      const std::string_view source = text_member(entry, "source");
      const json& value = entry["value"];
      add(text_member(entry, "key"), value, source);
    }
  });
}

std::string timeline_section(const trace::Timeline* timeline) {
  if (!timeline)
    return note(
        "No timeline was recorded for this run. Run with --trace timeline (or --trace vcd,timeline) to see here when "
        "each unit "
        "worked, waited, and moved data.");
  std::string window = fmt::format("cycles {} to {}", timeline->window_begin, timeline->window_end);
  // A long batch drawn whole is solid bars: show its first image; the sections above sum all.
  std::optional<std::pair<uint64_t, uint64_t>> range;
  std::string one_image;
  if (const int64_t images = traced_images(*timeline); images > 1) {
    range = image_cycles(*timeline, 0);
    if (range) {
      window = fmt::format("cycles {} to {}", range->first, range->second);
      one_image = note(fmt::format(
          "The trace holds {} images; this chart shows the first (cycles {} to {}), where every slice is visible. The "
          "per-layer sections above cover the whole batch; timeline.json in Perfetto has every image.",
          images, range->first, range->second));
    }
  }
  return note(
             "When each traced module was busy (units: coloured by layer; grey: holding an instruction whose "
             "dependencies are not met; "
             "memories: port transfers) and the counters below, over " +
             window +
             ". Hover for details; neighbouring slices narrower than a pixel are merged. Open timeline.json in "
             "ui.perfetto.dev or "
             "chrome://tracing to zoom into every slice, and trace.vcd in GTKWave.") +
         one_image + svg::legend(timeline_legend(*timeline)) + timeline_chart(*timeline, svg::kDefaultWidth, range);
}

}  // namespace

std::string render_report(const ReportInputs& inputs) {
  Page page;
  if (inputs.stats) {
    const json& stats = *inputs.stats;
    page.add("summary", "Summary", summary_section(stats));
    page.add("cycles", "Cycles per layer: busy and stalled", cycles_section(stats));
    page.add("utilization", "PE array utilization", utilization_section(stats));
    page.add("traffic", "Traffic per memory level", traffic_section(stats));
    page.add("energy", "Energy breakdown", energy_section(stats));
    if (stats.at("total").contains("dram_row_hit_rate")) page.add("dram", "DRAM", dram_section(stats));
    page.add("roofline", "Roofline", roofline_section(stats, inputs.dram_bytes_per_cycle, inputs.dram_roof_source));
    page.add("timeline", "Timeline", timeline_section(inputs.timeline));
    page.add("layers", "Per layer", layers_section(stats));
    page.add("mapping", "Mapping: tiles per layer", mapping_section(stats));
    page.add("config", "Effective configuration", config_section(stats, inputs.effective_config));
  } else if (inputs.timeline) {
    page.add("timeline", "Timeline", timeline_section(inputs.timeline));
  }
  for (const auto& section : inputs.sections) page.add(section.id, section.title, section.html);

  // The values are views: the sections (most of the page) are copied once, into the page.
  const std::string title = escape(inputs.title);
  const std::string subtitle = escape(inputs.subtitle);
  const std::string footer = escape(
      fmt::format("Generated by accelsim {}. Self-contained: no scripts, nothing loaded from elsewhere.", kVersion));
  return fill_placeholders(kReportTemplate, {{"title", title},
                                             {"heading", title},
                                             {"subtitle", subtitle},
                                             {"nav", page.nav()},
                                             {"sections", page.sections()},
                                             {"footer", footer}});
}

std::string fill_placeholders(std::string_view page,
                              const std::vector<std::pair<std::string_view, std::string_view>>& values) {
  std::size_t size = page.size();
  for (const auto& [name, value] : values) size += value.size();
  std::string out;
  out.reserve(size);
  std::vector<int> uses(values.size(), 0);
  std::size_t copied = 0;  // page[0, copied) is in `out`
  for (auto open = page.find("{{"); open != std::string_view::npos; open = page.find("{{", copied)) {
    const auto close = page.find("}}", open + 2);
    const std::string_view name =
        close == std::string_view::npos ? std::string_view() : page.substr(open + 2, close - open - 2);
    const auto value =
        std::find_if(values.begin(), values.end(), [&](const auto& entry) { return entry.first == name; });
    if (value == values.end())
      throw std::logic_error("report template: unknown placeholder at \"" + std::string(page.substr(open, 40)) + "\"");
    if (++uses[static_cast<std::size_t>(value - values.begin())] > 1)
      throw std::logic_error("report template: {{" + std::string(name) + "}} must appear exactly once");
    out.append(page, copied, open - copied);
    out += value->second;
    copied = close + 2;
  }
  out.append(page, copied, std::string_view::npos);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (uses[i] != 1)
      throw std::logic_error("report template: {{" + std::string(values[i].first) + "}} must appear exactly once");
  return out;
}

ReportInputs run_report_inputs(const run::Workload& workload, const nlohmann::json& stats,
                               const trace::Timeline* timeline) {
  const auto& hw = workload.hardware;
  ReportInputs inputs;
  inputs.title = fmt::format("accelsim report: {} on {}", workload.network.name, hw.name);
  const int64_t images = stats.value("images", int64_t{0});
  inputs.subtitle = fmt::format("{}x{} {} PE array, {} timing, {} MHz; {} image{}; config {}", hw.pe_array.rows,
                                hw.pe_array.cols, hardware::name_of(hw.pe_array.dataflow), hw.pe_array.timing,
                                hw.clock_mhz, images, images == 1 ? "" : "s", workload.config_file.string());
  inputs.stats = &stats;
  inputs.dram_bytes_per_cycle = static_cast<double>(hw.dram.bandwidth_bytes_per_cycle);
  if (hw.dram.model == hardware::DramModel::Detailed) {
    // The device's peak (every channel's data bus busy every cycle) in bytes per accelerator
    // cycle; the flat model's bandwidth_bytes_per_cycle plays no part under this model.
    const double cycle_ns = 1000.0 / hw.clock_mhz;
    inputs.dram_bytes_per_cycle = hw.dram.device.bytes_per_ns_peak() * cycle_ns;
    const json& total = stats.at("total");
    const double achieved_gb_per_s = total.value("dram_bandwidth_gb_per_s", 0.0);
    inputs.dram_roof_source = fmt::format(
        "Under the detailed DRAM model ({}) the memory roof is the device peak, {:.2f} GB/s = {:.3g} bytes per cycle "
        "at {:g} MHz; the run's transfers achieved {:.2f} GB/s over the DMA's busy time ({:.0f}% of the peak), the "
        "roof a layer that keeps the DRAM busy in this access pattern would meet.",
        hw.dram.preset, hw.dram.device.bytes_per_ns_peak(), inputs.dram_bytes_per_cycle, hw.clock_mhz,
        achieved_gb_per_s, 100.0 * achieved_gb_per_s / hw.dram.device.bytes_per_ns_peak());
  }
  inputs.timeline = timeline;
  return inputs;
}

}  // namespace accelsim::report
