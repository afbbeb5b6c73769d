#include "sim/run/workload.h"

namespace accelsim::run {

std::unique_ptr<Workload> load_workload(const std::filesystem::path& config_file,
                                        const std::vector<std::string>& overrides) {
  auto workload =
      std::make_unique<Workload>(Workload{config_file, config::ConfigTree::load(config_file), {}, {}, {}, {}});
  for (const auto& assignment : overrides) workload->tree.apply_override(assignment);

  config::Section root(workload->tree, workload->tree.root(), "");
  workload->network = model::load_network(root.section("network"));
  workload->hardware = hardware::load_hardware(root.section("hardware"));
  root.finish();

  config::Section input(workload->tree, workload->tree.root()["network"]["input"], "network.input");
  workload->dataset = model::load_dataset(workload->network.input, input);
  const int64_t classes = workload->network.layers.back().output.elements();
  for (int64_t i = 0; i < workload->dataset.count; ++i)
    if (workload->dataset.labels[static_cast<std::size_t>(i)] >= classes)
      input.fail("labels", workload->network.input.labels.string() + ": label " +
                               std::to_string(workload->dataset.labels[i]) + " of image " + std::to_string(i) +
                               " is not below the " + std::to_string(classes) + " outputs of the last layer");
  workload->params = root.docs();
  return workload;
}

}  // namespace accelsim::run
