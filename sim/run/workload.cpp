#include "sim/run/workload.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>
#include <sstream>

#include "core/model/random_values.h"
#include "modules/pe_array/timing/array_timing.h"
#include "sim/report/effective_config.h"

namespace accelsim::run {

hardware::HardwareChoices hardware_choices() {
  hardware::HardwareChoices choices;
  for (const auto& model : modules::array_timing_models())
    choices.timing_models.emplace_back(model.name, model.description);
  return choices;
}

namespace {

// A YAML config, or a run's stats.json: its effective configuration, laid out as effective.yaml
// (so that an error's line and column are those of the effective.yaml written beside it).
config::ConfigTree read_config_tree(const std::filesystem::path& config_file, std::optional<int64_t>& recorded_images) {
  if (config_file.extension() != ".json") return config::ConfigTree::load(config_file);
  std::ifstream in(config_file, std::ios::binary);
  if (!in) return config::ConfigTree::load(config_file);  // its message: not found, a directory, unreadable
  std::ostringstream text;
  text << in.rdbuf();
  const nlohmann::json stats = nlohmann::json::parse(text.str(), nullptr, false);
  if (stats.is_discarded())
    throw config::ConfigurationError({config_file.string()}, "",
                                     "not valid JSON (a .json config is a run's stats.json)");
  const std::string yaml = report::effective_yaml_from_stats(stats, config_file.string());
  if (stats.contains("images") && stats["images"].is_number_integer()) recorded_images = stats["images"].get<int64_t>();
  return config::ConfigTree::parse(yaml, config_file);
}

}  // namespace

LoadedConfig load_config(const std::filesystem::path& config_file, const std::vector<std::string>& overrides,
                         npy::TensorSource& tensors) {
  std::optional<int64_t> recorded_images;
  config::ConfigTree tree = read_config_tree(config_file, recorded_images);
  LoadedConfig loaded{config_file, std::move(tree), {}, {}, {}, recorded_images};
  for (const auto& assignment : overrides) loaded.tree.apply_override(assignment);
  config::Section root(loaded.tree, loaded.tree.root(), "");
  loaded.network = model::load_network(root.section("network"), tensors);
  loaded.hardware = hardware::load_hardware(root.section("hardware"), hardware_choices());
  root.finish();
  loaded.params = root.take_docs();
  return loaded;
}

std::unique_ptr<Workload> load_workload(const std::filesystem::path& config_file,
                                        const std::vector<std::string>& overrides, int64_t max_images,
                                        npy::TensorSource& tensors) {
  auto workload = std::make_unique<Workload>();
  static_cast<LoadedConfig&>(*workload) = load_config(config_file, overrides, tensors);

  if (workload->network.values != model::ValueSource::File) {
    workload->dataset.count = std::numeric_limits<int64_t>::max();  // generated (random) or none at all
    return workload;
  }
  config::Section input(workload->tree, workload->tree.root()["network"]["input"], "network.input");
  if (workload->recorded_images) max_images = std::numeric_limits<int64_t>::max();
  workload->dataset = model::load_dataset(workload->network.input, input, max_images, tensors);
  const int64_t classes = workload->network.layers.back().output.elements();
  for (int64_t i = 0; i < static_cast<int64_t>(workload->dataset.labels.size()); ++i)
    if (workload->dataset.labels[static_cast<std::size_t>(i)] >= classes)
      input.fail("labels", workload->network.input.labels.string() + ": label " +
                               std::to_string(workload->dataset.labels[i]) + " of image " + std::to_string(i) +
                               " is not below the " + std::to_string(classes) + " outputs of the last layer");
  return workload;
}

std::vector<int32_t> Workload::input(int64_t image) const {
  if (network.values == model::ValueSource::Random) return model::random_input(network, image);
  return model::input_activations(network.input, dataset, image);
}

}  // namespace accelsim::run
