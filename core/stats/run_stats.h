#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/stats/stat_group.h"

namespace accelsim::stats {

// One statistic counted per layer, registered by the component that owns it: entry l is layer
// l's scalar in RunStats::layers.
class LayerCounter {
 public:
  LayerCounter() = default;
  explicit LayerCounter(std::vector<Scalar*> per_layer) : per_layer_(std::move(per_layer)) {}
  Scalar& operator[](std::size_t layer) const { return *per_layer_.at(layer); }

 private:
  std::vector<Scalar*> per_layer_;
};

// How a formula's figure for the whole run ("total") is made from the layers'.
enum class TotalRule {
  OnTotals,     // the formula evaluated on the summed scalars (ratios, energies linear in a count)
  SumOfLayers,  // the sum of the layers' figures (a per-layer factor, e.g. a requantization mode)
};

// A derived figure: evaluated on a layer's group (layer index given) or, under
// TotalRule::OnTotals, on the total group (layer index -1).
using FormulaFunction = std::function<double(const StatGroup& group, int64_t layer)>;

// The statistics of a run, one StatGroup per layer. Nothing here knows which statistics exist:
// every component registers its own, by name, with a unit and a description (gem5's ADD_STAT),
// when it is built. Energy components are formulas whose names start with "energy_"; their sum
// is "energy_pj", in registration order.
class RunStats {
 public:
  explicit RunStats(const std::vector<std::string>& layer_names);
  RunStats(const RunStats&) = delete;
  RunStats& operator=(const RunStats&) = delete;

  LayerCounter add_counter(const std::string& name, const std::string& unit, const std::string& description);
  void add_formula(const std::string& name, const std::string& unit, const std::string& description,
                   FormulaFunction compute, TotalRule total = TotalRule::OnTotals);

  std::vector<std::unique_ptr<StatGroup>> layers;
  int64_t images = 0;
  int64_t correct = 0;             // simulated accelerator's top-1 hits
  int64_t golden_correct = 0;      // golden model's top-1 hits
  int64_t total_cycles = 0;        // simulated time from start to the last image's logits in DRAM
  int64_t latency_cycles_sum = 0;  // per image: input load start to logits stored, summed

  // The sum over layers (a fresh group each call), with every formula.
  std::unique_ptr<StatGroup> total() const;

 private:
  struct FormulaDefinition {
    std::string name, unit, description;
    FormulaFunction compute;
    TotalRule total;
  };
  void add_energy_sum(StatGroup& group) const;

  std::vector<FormulaDefinition> formulas_;
};

// The sum of a group's energy components ("energy_*" formulas other than energy_pj).
double energy_pj(const StatGroup& group);

}  // namespace accelsim::stats
