#include "golden/reference_model.h"

#include <gtest/gtest.h>

#include "core/config/config_tree.h"
#include "core/model/network_loader.h"
#include "core/npy/npy_array.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_network.h"

namespace accelsim::golden {
namespace {

using config::ConfigTree;
using config::Section;
using model::Dataset;
using model::Network;

struct Loaded {
  Network network;
  Dataset dataset;
};

Loaded load(const std::filesystem::path& file) {
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  Loaded loaded{model::load_network(root.section("network")), {}};
  Section input(tree, tree.root()["network"]["input"], "network.input");
  loaded.dataset = model::load_dataset(loaded.network.input, input);
  return loaded;
}

TEST(ReferenceModel, HandWorkedConvolutionPoolAndLinear) {
  testing::TempDir dir;
  testing::TinyNetwork tiny(dir);
  const Loaded loaded = load(tiny.write_config(testing::TinyNetwork::yaml()));
  const Network& network = loaded.network;
  // A constant input of 2 everywhere: conv output = floor(2 * sum(w) / 64), ReLU'd.
  const std::vector<int32_t> input(64, 2);
  const auto outputs = ReferenceModel(network).run(input);
  ASSERT_EQ(outputs.size(), 3u);
  for (int o = 0; o < 3; ++o) {
    int64_t sum = 0;
    for (int i = 0; i < 9; ++i) sum += network.layers[0].weights[o * 9 + i];
    const int64_t q = 2 * sum >= 0 ? (2 * sum) / 64 : -((-2 * sum + 63) / 64);
    const int32_t expected = static_cast<int32_t>(std::max<int64_t>(0, std::min<int64_t>(127, q)));
    for (int p = 0; p < 36; ++p) EXPECT_EQ(outputs[0].values[o * 36 + p], expected);
    for (int p = 0; p < 9; ++p) EXPECT_EQ(outputs[1].values[o * 9 + p], expected);
  }
  for (int f = 0; f < 4; ++f) {
    int64_t acc = 0;
    for (int i = 0; i < 27; ++i) acc += int64_t{outputs[1].values[i]} * network.layers[2].weights[f * 27 + i];
    const int64_t floor_q = acc >= 0 ? acc / 256 : -((-acc + 255) / 256);
    EXPECT_EQ(outputs[2].values[f], std::max<int64_t>(-127, std::min<int64_t>(127, floor_q)));
  }
}

TEST(ReferenceModel, ArgmaxTiesGoToTheLowestIndex) {
  Tensor scores{model::Shape{4, 1, 1, true}, {3, 7, 7, -1}};
  EXPECT_EQ(ReferenceModel::argmax(scores), 1);
  scores.values = {5, 5, 5, 5};
  EXPECT_EQ(ReferenceModel::argmax(scores), 0);
}

TEST(ReferenceModel, OverflowingAccumulatorIsAnErrorNamingLayerAndIndex) {
  testing::TempDir dir;
  testing::TinyNetwork tiny(dir);
  // Zero points far from the data make |(a - za) * (w - zw)| ~ 2^16 per MAC; a 3x3 window
  // cannot overflow, so stretch the check with a 1-wide linear layer of huge fan-in instead.
  Loaded loaded = load(tiny.write_config(testing::TinyNetwork::yaml()));
  model::Layer& fc = loaded.network.layers[2];
  fc.input_zero_point = 0;
  fc.bias.assign(4, 2147483000);
  fc.weights.assign(fc.weights.size(), 127);
  const std::vector<int32_t> input(64, 100);
  try {
    ReferenceModel(loaded.network).run(input);
    FAIL() << "expected an overflow";
  } catch (const AccumulatorOverflow& e) {
    EXPECT_EQ(e.layer, "fc");
    EXPECT_EQ(e.index, 0);
    EXPECT_GT(e.value, 2147483647);
  }
  loaded.network.overflow = model::OverflowPolicy::Saturate;
  const auto outputs = ReferenceModel(loaded.network).run(input);
  EXPECT_EQ(outputs[2].values[0], 127);  // saturated accumulator / 256 clamps high
}

// --- The committed LeNet models against the engines that produced their expected outputs.

struct Expected {
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

Expected read_expected(const std::filesystem::path& file) {
  const npy::NpyArray array = npy::read_npy(file);
  return {array.shape, array.bytes};
}

int32_t value_of(const Expected& expected, std::size_t index, model::DType dtype) {
  const uint8_t byte = expected.bytes[index];
  return dtype == model::DType::Int8 ? static_cast<int8_t>(byte) : byte;
}

// Every layer of the first 16 images, element by element.
void expect_first16_match(const std::string& config, const std::string& reference_dir) {
  const auto root = testing::source_dir();
  const Loaded loaded = load(root / config);
  const ReferenceModel golden(loaded.network);
  std::vector<Expected> expected;
  for (const auto& layer : loaded.network.layers)
    expected.push_back(read_expected(root / reference_dir / "first16" / (layer.name + ".npy")));
  int64_t mismatches = 0, compared = 0;
  for (int64_t image = 0; image < 16; ++image) {
    const auto outputs = golden.run(model::input_activations(loaded.network.input, loaded.dataset, image));
    for (std::size_t l = 0; l < outputs.size(); ++l) {
      const auto& values = outputs[l].values;
      ASSERT_EQ(expected[l].shape[0], 16);
      ASSERT_EQ(expected[l].bytes.size(), 16 * values.size()) << loaded.network.layers[l].name;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const int32_t want = value_of(expected[l], image * values.size() + i, loaded.network.activation_dtype);
        ++compared;
        if (values[i] != want && mismatches++ < 5)
          ADD_FAILURE() << "image " << image << " layer " << loaded.network.layers[l].name << " index " << i
                        << ": expected " << want << ", golden " << values[i];
      }
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << compared << " elements";
}

// fc7 of all 2,000 held-out images.
void expect_logits_match(const std::string& config, const std::string& reference_dir) {
  const auto root = testing::source_dir();
  const Loaded loaded = load(root / config);
  const ReferenceModel golden(loaded.network);
  const Expected logits = read_expected(root / reference_dir / "logits_heldout.npy");
  ASSERT_EQ(logits.shape, (std::vector<int64_t>{loaded.dataset.count, 10}));
  int64_t mismatches = 0, correct = 0;
  for (int64_t image = 0; image < loaded.dataset.count; ++image) {
    const auto outputs = golden.run(model::input_activations(loaded.network.input, loaded.dataset, image));
    const auto& scores = outputs.back();
    for (int i = 0; i < 10; ++i) {
      const int32_t want = value_of(logits, image * 10 + i, loaded.network.activation_dtype);
      if (scores.values[i] != want && mismatches++ < 5)
        ADD_FAILURE() << "image " << image << " logit " << i << ": expected " << want << ", golden "
                      << scores.values[i];
    }
    correct += ReferenceModel::argmax(scores) == loaded.dataset.labels[image];
  }
  EXPECT_EQ(mismatches, 0);
  ::testing::Test::RecordProperty("top1_correct", std::to_string(correct));
  std::cout << config << ": golden top-1 " << correct << "/" << loaded.dataset.count << "\n";
}

TEST(ReferenceModelLeNet, SeedSchemeMatchesTheExportToolsNumpyOnEveryLayerOfTheFirst16) {
  expect_first16_match("configs/lenet.yaml", "configs/lenet/reference");
}

TEST(ReferenceModelLeNet, SeedSchemeMatchesTheExportToolsNumpyOnAllHeldOutLogits) {
  expect_logits_match("configs/lenet.yaml", "configs/lenet/reference");
}

TEST(ReferenceModelLeNet, TorchSchemeMatchesPyTorchOnEveryLayerOfTheFirst16) {
  expect_first16_match("configs/lenet_torch.yaml", "configs/lenet_torch/reference");
}

TEST(ReferenceModelLeNet, TorchSchemeMatchesPyTorchOnAllHeldOutLogits) {
  expect_logits_match("configs/lenet_torch.yaml", "configs/lenet_torch/reference");
}

}  // namespace
}  // namespace accelsim::golden
