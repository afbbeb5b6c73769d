#include "core/stats/run_stats.h"

namespace accelsim::stats {

namespace {
bool is_energy_component(const std::string& name) { return name.rfind("energy_", 0) == 0 && name != "energy_pj"; }
}  // namespace

double energy_pj(const StatGroup& group) {
  double sum = 0;
  for (const auto& formula : group.formulas())
    if (is_energy_component(formula.name())) sum += formula.value();
  return sum;
}

RunStats::RunStats(const std::vector<std::string>& layer_names) {
  for (const auto& name : layer_names) {
    layers.push_back(std::make_unique<StatGroup>(name));
    add_energy_sum(*layers.back());  // evaluated at dump time, over every component registered by then
  }
}

LayerCounter RunStats::add_counter(const std::string& name, const std::string& unit, const std::string& description) {
  std::vector<Scalar*> per_layer;
  for (auto& layer : layers) per_layer.push_back(&layer->add_scalar(name, unit, description));
  return LayerCounter(std::move(per_layer));
}

void RunStats::add_formula(const std::string& name, const std::string& unit, const std::string& description,
                           FormulaFunction compute, TotalRule total) {
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const StatGroup* group = layers[l].get();
    const auto layer = static_cast<int64_t>(l);
    layers[l]->add_formula(name, unit, description, [compute, group, layer] { return compute(*group, layer); });
  }
  formulas_.push_back({name, unit, description, std::move(compute), total});
}

std::unique_ptr<StatGroup> RunStats::total() const {
  auto sum = std::make_unique<StatGroup>("total");
  if (layers.empty()) return sum;
  for (const auto& scalar : layers.front()->scalars())
    sum->add_scalar(scalar.name(), scalar.unit(), scalar.description());
  for (const auto& layer : layers) {
    auto mine = sum->scalars().begin();
    for (const auto& theirs : layer->scalars()) *mine++ += theirs.value();
  }
  const StatGroup* group = sum.get();
  for (const auto& definition : formulas_) {
    if (definition.total == TotalRule::OnTotals) {
      const FormulaFunction compute = definition.compute;
      sum->add_formula(definition.name, definition.unit, definition.description,
                       [compute, group] { return compute(*group, -1); });
    } else {
      double value = 0;
      for (const auto& layer : layers) value += layer->formula(definition.name);
      sum->add_formula(definition.name, definition.unit, definition.description, [value] { return value; });
    }
  }
  add_energy_sum(*sum);
  return sum;
}

void RunStats::add_energy_sum(StatGroup& group) const {
  const StatGroup* target = &group;
  group.add_formula("energy_pj", "pJ", "sum of the energy_*_pj components", [target] { return energy_pj(*target); });
}

}  // namespace accelsim::stats
