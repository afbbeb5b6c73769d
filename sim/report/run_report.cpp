#include "sim/report/run_report.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>

#include "sim/report/effective_config.h"
#include "sim/report/json_text.h"
#include "sim/version.h"

namespace accelsim::report {

using nlohmann::json;

namespace {

double ratio(double numerator, double denominator) { return denominator != 0 ? numerator / denominator : 0.0; }

// A group's figures, added to `out`.
void add_group(const stats::StatGroup& group, json& out) {
  for (const auto& scalar : group.scalars()) out[scalar.name()] = scalar.value();
  for (const auto& formula : group.formulas()) out[formula.name()] = formula.value();
}

// Each figure's "unit: description". Written from the total alone: RunStats registers every
// statistic for every layer and the total alike, with one unit and description.
void add_units(const stats::StatGroup& total, json& units) {
  for (const auto& scalar : total.scalars()) units[scalar.name()] = scalar.unit() + ": " + scalar.description();
  for (const auto& formula : total.formulas()) units[formula.name()] = formula.unit() + ": " + formula.description();
}

struct BatchFigures {
  double cycles_per_image;
  double latency_cycles;
  double latency_us;
  double throughput;
  double energy_per_image_pj;
};

BatchFigures batch_figures(const run::Workload& workload, const run::RunResult& result, const stats::StatGroup& total) {
  const auto& s = *result.stats;
  const double images = static_cast<double>(s.images);
  BatchFigures f{};
  f.cycles_per_image = ratio(static_cast<double>(s.total_cycles), images);
  f.latency_cycles = ratio(static_cast<double>(s.latency_cycles_sum), images);
  f.latency_us = f.latency_cycles * workload.hardware.cycle_ns() / 1000.0;
  f.throughput = ratio(images, static_cast<double>(s.total_cycles) * workload.hardware.cycle_ns() * 1e-9);
  f.energy_per_image_pj = ratio(stats::energy_pj(total), images);
  return f;
}

// Whether the outputs were compared with the golden model, in words for stats.json and reports.
std::string check_text(const run::RunResult& result) {
  if (!result.checked) return "not run (values: none)";
  return result.bit_exact() ? "passed" : "failed";
}

// A layer's or the total's bit_exact: null when nothing was checked.
json exact_json(const run::RunResult& result, bool exact) { return result.checked ? json(exact) : json(nullptr); }

// The console's and layers.csv's word for a layer's check.
std::string exact_word(const run::RunResult& result, bool exact, const char* yes, const char* no) {
  if (!result.checked) return "not run";
  return exact ? yes : no;
}

}  // namespace

json stats_json(const run::Workload& workload, const run::RunResult& result,
                const std::vector<const config::ParamDoc*>& effective) {
  const auto& s = *result.stats;
  const auto& hw = workload.hardware;
  json units = json::object();
  json out;
  out["tool"] = {{"name", "accelsim"}, {"version", kVersion}};
  out["config"] = workload.config_file.string();
  out["network"] = workload.network.name;
  out["hardware"] = {{"name", hw.name},
                     {"clock_mhz", hw.clock_mhz},
                     {"pe_array",
                      {{"rows", hw.pe_array.rows},
                       {"cols", hw.pe_array.cols},
                       {"dataflow", hardware::name_of(hw.pe_array.dataflow)},
                       {"timing", hw.pe_array.timing}}}};
  // Only under the detailed model, so that the simple model's stats.json stays as it was.
  if (hw.dram.model == hardware::DramModel::Detailed)
    out["hardware"]["dram"] = {{"model", hardware::name_of(hw.dram.model)},
                               {"preset", hw.dram.preset},
                               {"address_mapping", hw.dram.address_mapping},
                               {"queue_depth", hw.dram.queue_depth},
                               {"page_policy", hardware::name_of(hw.dram.page_policy)},
                               {"power_down", hardware::name_of(hw.dram.power_down)},
                               {"power_down_idle_cycles", hw.dram.power_down_idle_cycles},
                               {"self_refresh_idle_cycles", hw.dram.self_refresh_idle_cycles},
                               {"write_queue_depth", hw.dram.write_queue_depth}};
  out["images"] = s.images;
  out["values"] = model::name_of(workload.network.values);
  out["seed"] = workload.network.values == model::ValueSource::Random ? json(workload.network.seed) : json(nullptr);
  // Without labels (values: random, none) there is no accuracy: null, never a made-up 0.
  const bool labelled = result.labelled && result.checked;
  out["correct"] = labelled ? json(s.correct) : json(nullptr);
  out["accuracy"] =
      labelled ? json(ratio(static_cast<double>(s.correct), static_cast<double>(s.images))) : json(nullptr);
  out["golden_correct"] = labelled ? json(s.golden_correct) : json(nullptr);
  out["golden_accuracy"] =
      labelled ? json(ratio(static_cast<double>(s.golden_correct), static_cast<double>(s.images))) : json(nullptr);
  out["check"] = check_text(result);
  out["bit_exact"] = exact_json(result, result.bit_exact());
  out["mismatches"] = result.checked ? json(result.mismatches) : json(nullptr);
  if (result.first_mismatch) {
    const auto& m = *result.first_mismatch;
    out["first_mismatch"] = {
        {"image", m.image}, {"layer", m.layer}, {"index", m.index}, {"expected", m.expected}, {"actual", m.actual}};
  } else {
    out["first_mismatch"] = nullptr;
  }

  // The PE array's Compute instructions (GEMM tiles) per layer for one image: what the host's
  // simulation time grows with (bench/topology_cost).
  std::vector<int64_t> compute_tiles(s.layers.size(), 0);
  for (const isa::Instruction& instruction : result.program.program_for_image(0))
    if (instruction.op == isa::Opcode::Compute) ++compute_tiles[static_cast<std::size_t>(instruction.layer)];
  int64_t total_compute_tiles = 0;
  for (int64_t tiles : compute_tiles) total_compute_tiles += tiles;

  json layers = json::array();
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const auto& layer = workload.network.layers[l];
    const auto& mapping = result.program.layers[l];
    json entry = {{"name", layer.name}, {"type", model::name_of(layer.type)}};
    add_group(*s.layers[l], entry);
    entry["bit_exact"] = exact_json(result, s.layers[l]->value("mismatches") == 0);
    if (layer.has_weights()) {
      entry["mapping"] = {{"weights_resident", mapping.resident},
                          {"tile_m", mapping.tile_m},
                          {"tile_k", mapping.tile_k},
                          {"tile_n", mapping.tile_n},
                          {"m_tiles", mapping.m_tiles},
                          {"k_tiles", mapping.k_tiles},
                          {"n_tiles", mapping.n_tiles},
                          {"instructions_per_image", mapping.instructions_per_image},
                          {"compute_tiles_per_image", compute_tiles[l]}};
    }
    if (mapping.streamed) {
      entry["activation_streaming"] = {{"band_size", mapping.band_size},
                                       {"bands", mapping.bands},
                                       {"channels_per_buffer", mapping.channel_group},
                                       {"double_buffered", mapping.double_buffered_bands},
                                       {"loop_order", mapping.weights_outer ? "weights_outer" : "bands_outer"},
                                       {"activation_dram_bytes_per_image", mapping.activation_dram_bytes_per_image},
                                       {"halo_refetch_bytes_per_image", mapping.halo_refetch_bytes_per_image}};
      if (mapping.input_channel_group > 0)
        entry["activation_streaming"]["input_channels_per_load"] = mapping.input_channel_group;
    }
    layers.push_back(std::move(entry));
  }
  out["layers"] = std::move(layers);

  const auto total = s.total();
  const BatchFigures batch = batch_figures(workload, result, *total);
  json total_json = json::object();
  add_group(*total, total_json);
  add_units(*total, units);
  total_json["bit_exact"] = exact_json(result, result.bit_exact());
  total_json["cycles_per_image"] = batch.cycles_per_image;
  total_json["latency_cycles_per_image"] = batch.latency_cycles;
  total_json["latency_us_per_image"] = batch.latency_us;
  total_json["throughput_images_per_s"] = batch.throughput;
  total_json["energy_pj_per_image"] = batch.energy_per_image_pj;
  total_json["compute_tiles_per_image"] = total_compute_tiles;
  out["total"] = std::move(total_json);
  units["cycles_per_image"] = "cycles: total cycles / images (the batch's steady rate)";
  units["latency_cycles_per_image"] = "cycles: mean time from an image's first instruction issue to its logits in DRAM";
  units["latency_us_per_image"] = "microseconds: latency_cycles_per_image at clock_mhz";
  units["throughput_images_per_s"] = "images/s: images / simulated time at clock_mhz";
  units["energy_pj_per_image"] = "pJ: total energy / images";
  units["compute_tiles_per_image"] = "instructions: the PE array's Compute instructions (GEMM tiles) for one image";
  units["accuracy"] = "fraction: top-1 of the accelerator's logits against the labels (null without labels)";
  units["golden_accuracy"] = "fraction: top-1 of the golden model against the labels (null without labels)";
  units["check"] = "text: the comparison with the golden model: passed, failed, or not run (values: none)";
  units["values"] = "text: where the network's values came from: file, random (seeded) or none (timing only)";
  out["units"] = std::move(units);
  out["overrides"] = overridden_keys(effective);
  return out;
}

std::string stats_text(const json& stats, const std::vector<EffectiveEntry>& effective_config) {
  std::string text = json_text(stats, "effective_config", [&](std::string& out, unsigned indent) {
    append_effective_config_json(out, effective_config, indent);
  });
  text += '\n';
  return text;
}

nlohmann::json host_json(double wall_seconds, int64_t images, const run::HostEventCounts& events) {
  nlohmann::json host;
  host["wall_seconds"] = wall_seconds;
  host["images_per_host_second"] = wall_seconds > 0 ? static_cast<double>(images) / wall_seconds : 0.0;
  const std::pair<const char*, uint64_t> counts[] = {{"thread_resumptions", events.thread_resumptions},
                                                     {"tlm_transactions", events.tlm_transactions},
                                                     {"delta_cycles", events.delta_cycles},
                                                     {"instructions", events.instructions},
                                                     {"compute_tiles", events.compute_tiles}};
  nlohmann::json& total = host["events"]["total"];
  nlohmann::json& per_image = host["events"]["per_image"];
  nlohmann::json& per_tile = host["events"]["per_compute_tile"];
  for (const auto& [name, count] : counts) {
    total[name] = count;
    per_image[name] = images > 0 ? static_cast<double>(count) / static_cast<double>(images) : 0.0;
    if (std::string(name) != "compute_tiles")
      per_tile[name] =
          events.compute_tiles > 0 ? static_cast<double>(count) / static_cast<double>(events.compute_tiles) : 0.0;
  }
  return host;
}

std::string layers_csv(const run::Workload& workload, const run::RunResult& result) {
  const auto& s = *result.stats;
  std::string out =
      "LayerID,Layer,Type,MACs,Total Cycles,Compute Cycles,Stall Cycles,Overall Util %,Compute Util %,"
      "SRAM IFMAP Reads,SRAM Filter Reads,SRAM OFMAP Writes,Accumulator Reads,Accumulator Writes,"
      "DRAM IFMAP Reads,DRAM Filter Reads,DRAM OFMAP Writes,Requant Ops,Energy (pJ),Bit Exact";
  // Under the detailed DRAM model only, after the others, so that the flat model's file stays as it was.
  const bool detailed_dram = workload.hardware.dram.model == hardware::DramModel::Detailed;
  if (detailed_dram) out += ",DRAM Row Hit Rate,DRAM Energy (pJ),DRAM Energy per Byte (pJ),DRAM Bandwidth (GB/s)";
  out += '\n';
  auto row = [&](const std::string& id, const std::string& name, const std::string& type, const stats::StatGroup& g,
                 bool exact) {
    const double util = g.formula("utilization") * 100.0, compute_util = g.formula("compute_utilization") * 100.0;
    fmt::format_to(
        std::back_inserter(out), FMT_COMPILE("{},{},{},{},{},{},{},{:.4f},{:.4f},{},{},{},{},{},{},{},{},{},{:.3f},{}"),
        id, name, type, g.value("macs"), g.value("cycles"), g.value("compute_cycles"), g.value("pe_stall_cycles"), util,
        compute_util, g.value("activation_sram_read_bytes"), g.value("weight_sram_read_bytes"),
        g.value("activation_sram_write_bytes"), g.value("accumulator_read_bytes"), g.value("accumulator_write_bytes"),
        g.value("dram_input_read_bytes"), g.value("dram_weight_read_bytes"), g.value("dram_write_bytes"),
        g.value("requant_ops"), stats::energy_pj(g), exact_word(result, exact, "true", "false"));
    if (detailed_dram)
      fmt::format_to(std::back_inserter(out), FMT_COMPILE(",{:.4f},{:.3f},{:.3f},{:.3f}"),
                     g.formula("dram_row_hit_rate"), g.formula("energy_dram_pj"), g.formula("dram_energy_pj_per_byte"),
                     g.formula("dram_bandwidth_gb_per_s"));
    out += '\n';
  };
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const auto& layer = workload.network.layers[l];
    row(std::to_string(l), layer.name, model::name_of(layer.type), *s.layers[l], s.layers[l]->value("mismatches") == 0);
  }
  row("total", "total", "", *s.total(), result.bit_exact());
  return out;
}

std::string console_summary(const run::Workload& workload, const run::RunResult& result) {
  const auto& s = *result.stats;
  const auto& hw = workload.hardware;
  std::string out = fmt::format("accelsim {}: {} on {} ({}x{} {}, {} timing, {} MHz), {} image{}\n\n", kVersion,
                                workload.network.name, hw.name, hw.pe_array.rows, hw.pe_array.cols,
                                hardware::name_of(hw.pe_array.dataflow), hw.pe_array.timing, hw.clock_mhz, s.images,
                                s.images == 1 ? "" : "s");
  // Columns as wide as their widest figure, so that a batch of 2,000 images lines up too.
  std::vector<std::vector<std::string>> rows = {{"layer", "MACs", "cycles", "compute", "stall", "util%", "DRAM rd B",
                                                 "DRAM wr B", "SRAM rd B", "SRAM wr B", "energy nJ", "bit-exact"}};
  auto row = [&](const std::string& name, const stats::StatGroup& g, bool exact) {
    // The weight and activation SRAMs, as layers.csv's "SRAM ... Reads/Writes" columns; the
    // accumulator has its own columns there.
    const int64_t sram_read = g.value("weight_sram_read_bytes") + g.value("activation_sram_read_bytes");
    const int64_t sram_write = g.value("weight_sram_write_bytes") + g.value("activation_sram_write_bytes");
    rows.push_back({name, std::to_string(g.value("macs")), std::to_string(g.value("cycles")),
                    std::to_string(g.value("compute_cycles")), std::to_string(g.value("pe_stall_cycles")),
                    fmt::format("{:.1f}", g.formula("utilization") * 100.0), std::to_string(g.value("dram_read_bytes")),
                    std::to_string(g.value("dram_write_bytes")), std::to_string(sram_read), std::to_string(sram_write),
                    fmt::format("{:.2f}", stats::energy_pj(g) / 1000.0), exact_word(result, exact, "yes", "NO")});
  };
  for (std::size_t l = 0; l < s.layers.size(); ++l)
    row(workload.network.layers[l].name, *s.layers[l], s.layers[l]->value("mismatches") == 0);
  const auto total = s.total();
  row("total", *total, result.bit_exact());
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) widths[c] = std::max(widths[c], r[c].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string text;
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (c == 0)
        text += fmt::format("{:<{}}", r[c], widths[c]);
      else if (c + 1 == r.size())
        text += "  " + r[c];
      else
        text += fmt::format(" {:>{}}", r[c], widths[c]);
    }
    return text + "\n";
  };
  const std::string header = line(rows.front());
  const std::string rule = std::string(header.size() - 1, '-') + "\n";
  out += header + rule;
  for (std::size_t r = 1; r + 1 < rows.size(); ++r) out += line(rows[r]);
  out += rule + line(rows.back());
  out +=
      "\ncompute, stall: PE-array cycles computing and waiting with the layer's work queued; the array overlaps "
      "the\nneighbouring layers, so compute + stall can exceed the cycles attributed to a layer. SRAM rd B: "
      "layers.csv's SRAM\nIFMAP + Filter Reads; SRAM wr B: its SRAM OFMAP Writes + the weights written into the "
      "weight SRAM;\nthe accumulator's bytes are layers.csv's Accumulator columns.\n";
  const BatchFigures batch = batch_figures(workload, result, *total);
  out += fmt::format(
      "\nlatency     {:.0f} cycles = {:.2f} us per image;  throughput {:.0f} images/s;  energy {:.2f} uJ per image\n",
      batch.latency_cycles, batch.latency_us, batch.throughput, batch.energy_per_image_pj / 1e6);
  if (result.labelled && result.checked)
    out += fmt::format("accuracy    {}/{} = {:.2f}% (golden model {}/{} = {:.2f}%)\n", s.correct, s.images,
                       100.0 * ratio(static_cast<double>(s.correct), static_cast<double>(s.images)), s.golden_correct,
                       s.images, 100.0 * ratio(static_cast<double>(s.golden_correct), static_cast<double>(s.images)));
  else if (result.checked)
    out += fmt::format("accuracy    not reported: the images have no labels (values: {})\n",
                       model::name_of(workload.network.values));
  else
    out += "accuracy    not reported: nothing was computed (values: none)\n";
  if (!result.checked) {
    out +=
        "check       not run (values: none): a timing-only run computes nothing, so nothing was compared with "
        "the golden model\n";
  } else if (result.bit_exact()) {
    out += fmt::format("bit-exact   every layer of every image matches the golden model\n");
  } else {
    const auto& m = *result.first_mismatch;
    out += fmt::format("MISMATCH    {} elements differ; first: image {}, layer {}, index {}: expected {}, got {}\n",
                       result.mismatches, m.image, m.layer, m.index, m.expected, m.actual);
  }
  return out;
}

}  // namespace accelsim::report
