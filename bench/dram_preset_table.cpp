// Generates docs/dram_presets.md: LeNet (configs/lenet.yaml) on the default edge-small hardware
// under the flat DRAM model and under the detailed model with each preset, per layer: cycles,
// DRAM bytes, DRAM energy per byte, row-buffer hit rate and achieved bandwidth; then the same for
// each shipped topology (configs/topologies/, timing-only, one image). Run after a build:
//   build/bench/dram_preset_table [IMAGES] [OUTPUT]   (default: 4 images, docs/dram_presets.md in the source tree)
#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "core/dram/dram_spec.h"
#include "core/io/atomic_file.h"

namespace {

using nlohmann::json;

json run_accelsim(const std::vector<std::string>& sets, int images, const std::filesystem::path& out,
                  const std::string& config = "configs/lenet.yaml") {
  std::vector<std::string> command = {ACCELSIM_BINARY, "--config",  std::string(ACCELSIM_SOURCE_DIR) + "/" + config,
                                      "--quiet",       "--images",  std::to_string(images),
                                      "--out",         out.string()};
  for (const auto& set : sets) {
    command.push_back("--set");
    command.push_back(set);
  }
  const auto result = accelsim::bench::run_child(command);
  if (result.exit_code != 0) throw std::runtime_error("accelsim failed for " + out.string());
  std::ifstream in(out / "stats.json");
  return json::parse(in);
}

double number(const json& group, const char* key) { return group.contains(key) ? group[key].get<double>() : 0.0; }

std::string percent_or_dash(bool known, double part, double whole) {
  return known && whole > 0 ? fmt::format("{:.0f}%", 100.0 * part / whole) : std::string("-");
}

// Every shipped topology (timing-only, its shipped input size, one image) under the flat model and
// each preset with the default controller: a totals table, then each run's layers folded away.
std::string topology_sections(const std::filesystem::path& scratch) {
  const std::vector<std::string> topologies = {"alexnet",  "vgg16",        "resnet18",
                                               "resnet50", "mobilenet_v2", "bert_base_gemms"};
  std::vector<std::pair<std::string, std::vector<std::string>>> variants = {{"simple", {"hardware.dram.model=simple"}}};
  for (const auto& spec : accelsim::dram::dram_presets())
    variants.push_back({spec.name, {"hardware.dram.model=detailed", "hardware.dram.preset=" + spec.name}});

  std::string totals =
      "# The shipped topologies with each DRAM model\n\n"
      "Each topology of configs/topologies/ (timing-only, its shipped input size, one image: `accelsim --config\n"
      "configs/topologies/NAME.yaml --set hardware.dram.model=... --set hardware.dram.preset=...`) on the same\n"
      "edge-small hardware, its feature maps streamed through DRAM in row bands where they do not fit the 16 KiB\n"
      "activation SRAM (docs/timing.md). Under the detailed model every preset uses the default controller\n"
      "(`power_down: precharge`). A topology the hardware cannot map is listed as such (the run says why).\n\n"
      "| topology | DRAM | cycles | cycles / simple | DRAM bytes | DRAM energy (uJ) | DRAM pJ/byte | of it background "
      "and refresh | row-hit rate | DRAM share of energy |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::string layers;
  for (const auto& topology : topologies) {
    double simple_cycles = 0;
    for (std::size_t v = 0; v < variants.size(); ++v) {
      const auto& [dram, sets] = variants[v];
      json stats;
      try {
        stats = run_accelsim(sets, 1, scratch / (topology + "-" + std::to_string(v)),
                             "configs/topologies/" + topology + ".yaml");
      } catch (const std::runtime_error&) {
        totals += fmt::format(
            "| {} | {} | not mapped on edge-small (see `accelsim --config "
            "configs/topologies/{}.yaml`) | | | | | | | |\n",
            topology, dram, topology);
        continue;
      }
      const json& t = stats["total"];
      const double bytes = number(t, "dram_read_bytes") + number(t, "dram_write_bytes");
      const double energy = number(t, "energy_dram_pj");
      const bool detailed = t.contains("dram_row_hit_rate");
      if (v == 0) simple_cycles = number(t, "cycles");
      totals += fmt::format(
          "| {} | {} | {:.0f} | {:.3f} | {:.0f} | {:.1f} | {:.1f} | {} | {} | {} |\n", topology, dram,
          number(t, "cycles"), simple_cycles > 0 ? number(t, "cycles") / simple_cycles : 0.0, bytes, energy / 1e6,
          bytes > 0 ? energy / bytes : 0.0,
          percent_or_dash(detailed, number(t, "dram_energy_background_pj") + number(t, "dram_energy_refresh_pj"),
                          energy),
          detailed ? fmt::format("{:.3f}", number(t, "dram_row_hit_rate")) : std::string("-"),
          percent_or_dash(true, energy, number(t, "energy_pj")));
      if (!detailed) continue;
      layers += fmt::format(
          "<details><summary>{}, {}: per layer</summary>\n\n| layer | cycles | DRAM bytes | DRAM pJ/byte | row-hit "
          "rate |\n|---|---:|---:|---:|---:|\n",
          topology, dram);
      for (const json& layer : stats["layers"]) {
        const double layer_bytes = number(layer, "dram_read_bytes") + number(layer, "dram_write_bytes");
        layers += fmt::format(
            "| {} | {:.0f} | {:.0f} | {} | {} |\n", layer["name"].get<std::string>(), number(layer, "cycles"),
            layer_bytes,
            layer_bytes > 0 ? fmt::format("{:.1f}", number(layer, "energy_dram_pj") / layer_bytes) : std::string("-"),
            layer_bytes > 0 ? fmt::format("{:.3f}", number(layer, "dram_row_hit_rate")) : std::string("-"));
      }
      layers += "\n</details>\n\n";
    }
  }
  return totals + "\n" + layers;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc > 3 || (argc > 1 && argv[1][0] == '-')) {
    std::fprintf(
        stderr,
        "usage: dram_preset_table [IMAGES] [OUTPUT.md]   (default: 4, docs/dram_presets.md of the source tree)\n");
    return 2;
  }
  const int images = argc > 1 ? std::stoi(argv[1]) : 4;
  const std::filesystem::path output =
      argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::path(ACCELSIM_SOURCE_DIR) / "docs/dram_presets.md";
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("accelsim-dram-presets-" + std::to_string(getpid()));

  struct Variant {
    std::string name;
    std::vector<std::string> sets;
  };
  std::vector<Variant> variants = {{"simple (flat 8 B/cycle, 100 cycles, 162.5 pJ/B)", {"hardware.dram.model=simple"}}};
  for (const auto& spec : accelsim::dram::dram_presets())
    variants.push_back({spec.name, {"hardware.dram.model=detailed", "hardware.dram.preset=" + spec.name}});
  for (const auto& spec : accelsim::dram::dram_presets())
    variants.push_back(
        {spec.name + ", power_down: none",
         {"hardware.dram.model=detailed", "hardware.dram.preset=" + spec.name, "hardware.dram.power_down=none"}});

  std::string md = fmt::format(
      "# LeNet with each DRAM model\n\n"
      "Generated by `build/bench/dram_preset_table` (bench/dram_preset_table.cpp) from `accelsim --config "
      "configs/lenet.yaml\n"
      "--images {0} --set hardware.dram.model=... --set hardware.dram.preset=...` on the default edge-small hardware "
      "(500 MHz,\n"
      "8x8 weight-stationary array, 256-byte DMA bursts); do not edit by hand. The presets and the model are described "
      "in\n"
      "[config.md](config.md#hardwaredram) and [architecture.md](architecture.md#dram).\n\n"
      "Per layer, over {0} images: `cycles` (accelerator cycles), the DRAM bytes the layer moved, `energy_dram_pj` "
      "per\n"
      "byte (commands, refresh and background; the flat model's constant), the row-buffer hit rate of its DRAM\n"
      "accesses and the bandwidth its transfers achieved (`dram_bandwidth_gb_per_s`). pool2 and pool4 move no DRAM "
      "data:\n"
      "their DRAM energy is background and refresh only.\n\n"
      "Under the detailed model a layer's DRAM energy includes the background power of the DRAM for the layer's\n"
      "whole duration, from the time its ranks actually spent in each state, and the refreshes issued during it. "
      "The\n"
      "default controller (`power_down: precharge`, 64 idle DRAM cycles) closes an idle rank's rows and powers it\n"
      "down (IDD2P), waking it for the next request (tXP) or refresh; the `power_down: none` rows keep idle ranks "
      "in\n"
      "standby (IDD3N with a row open, IDD2N without), as DRAMsim3's and Ramulator2's default controllers do. "
      "Layers that\n"
      "compute long on few bytes (conv1, conv3) still pay most per byte moved. Cycles barely move: LeNet on this "
      "array\n"
      "is compute-bound once its weights are on chip, and every preset streams faster than the flat model's 4 "
      "GB/s.\n"
      "The last column estimates the DDR4 parts' VPP rail (`dram_vpp_estimate_pj`, docs/architecture.md#dram), "
      "which the\n"
      "energies here, like DRAMsim3's, leave out; no IPP figures are used for LPDDR4 and HBM2.\n\n",
      images);

  std::vector<std::pair<std::string, json>> runs;
  for (std::size_t v = 0; v < variants.size(); ++v)
    runs.push_back({variants[v].name, run_accelsim(variants[v].sets, images, scratch / std::to_string(v))});

  md +=
      "## Totals\n\n| DRAM | cycles | cycles / simple | DRAM bytes | DRAM energy (nJ) | DRAM pJ/byte | of it "
      "background and refresh | row-hit rate | total energy (nJ) | DRAM share of energy | VPP estimate (nJ, not "
      "included) |\n";
  md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  const double simple_cycles = number(runs[0].second["total"], "cycles");
  for (const auto& [name, stats] : runs) {
    const json& t = stats["total"];
    const double bytes = number(t, "dram_read_bytes") + number(t, "dram_write_bytes");
    const double dram = number(t, "energy_dram_pj"), total = number(t, "energy_pj");
    const double idle = number(t, "dram_energy_background_pj") + number(t, "dram_energy_refresh_pj");
    md += fmt::format(
        "| {} | {:.0f} | {:.3f} | {:.0f} | {:.1f} | {:.1f} | {} | {} | {:.1f} | {:.1f}% | {} |\n", name,
        number(t, "cycles"), number(t, "cycles") / simple_cycles, bytes, dram / 1000.0, bytes > 0 ? dram / bytes : 0.0,
        t.contains("dram_energy_background_pj") ? fmt::format("{:.0f}%", dram > 0 ? 100.0 * idle / dram : 0.0)
                                                : std::string("-"),
        t.contains("dram_row_hit_rate") ? fmt::format("{:.3f}", number(t, "dram_row_hit_rate")) : std::string("-"),
        total / 1000.0, total > 0 ? 100.0 * dram / total : 0.0,
        t.contains("dram_vpp_estimate_pj") ? fmt::format("{:.1f}", number(t, "dram_vpp_estimate_pj") / 1000.0)
                                           : std::string("-"));
  }
  md += "\n";

  for (const auto& [name, stats] : runs) {
    md += fmt::format(
        "## {}\n\n| layer | cycles | DRAM bytes | DRAM pJ/byte | of it background and refresh | row-hit rate | DRAM "
        "GB/s |\n|---|---:|---:|---:|---:|---:|---:|\n",
        name);
    for (const json& layer : stats["layers"]) {
      const double bytes = number(layer, "dram_read_bytes") + number(layer, "dram_write_bytes");
      const bool detailed = layer.contains("dram_row_hit_rate");
      const double dram = number(layer, "energy_dram_pj");
      const double idle = number(layer, "dram_energy_background_pj") + number(layer, "dram_energy_refresh_pj");
      md += fmt::format(
          "| {} | {:.0f} | {:.0f} | {} | {} | {} | {} |\n", layer["name"].get<std::string>(), number(layer, "cycles"),
          bytes, bytes > 0 ? fmt::format("{:.1f}", dram / bytes) : std::string("-"),
          detailed && dram > 0 ? fmt::format("{:.0f}%", 100.0 * idle / dram) : std::string("-"),
          detailed && bytes > 0 ? fmt::format("{:.3f}", number(layer, "dram_row_hit_rate")) : std::string("-"),
          detailed && bytes > 0 ? fmt::format("{:.2f}", number(layer, "dram_bandwidth_gb_per_s")) : std::string("-"));
    }
    md += "\n";
  }
  md += topology_sections(scratch / "topologies");
  std::filesystem::remove_all(scratch);
  accelsim::report::write_file_atomically(output, md);
  fmt::print("wrote {}\n", output.string());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "dram_preset_table: %s\n", e.what());
  return 2;
}
