#include "core/model/network_loader.h"

#include <gtest/gtest.h>

#include "core/config/config_tree.h"
#include "core/npy/npy_array.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_network.h"

namespace accelsim::model {
namespace {

using config::ConfigTree;
using config::ConfigurationError;
using config::Section;
using testing::replace_once;
using testing::TempDir;
using testing::TinyNetwork;

Network load(const std::filesystem::path& file) {
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  return load_network(root.section("network"));
}

class NetworkLoader : public ::testing::Test {
 protected:
  // Loads the tiny network with `from` replaced by `to` and returns the error message.
  std::string error_after(const std::string& from, const std::string& to) {
    const auto file = tiny_.write_config(replace_once(TinyNetwork::yaml(), from, to));
    try {
      load(file);
    } catch (const ConfigurationError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error after replacing '" << from << "' by '" << to << "'";
    return "";
  }
  std::string config_file() const { return (dir_.path() / "tiny.yaml").string(); }

  TempDir dir_;
  TinyNetwork tiny_{dir_};
};

TEST_F(NetworkLoader, LoadsTheValidNetworkWithDerivedShapes) {
  const Network network = load(tiny_.write_config(TinyNetwork::yaml()));
  ASSERT_EQ(network.layers.size(), 3u);
  EXPECT_EQ(network.layers[0].output, (Shape{3, 6, 6, false}));
  EXPECT_EQ(network.layers[1].output, (Shape{3, 3, 3, false}));
  EXPECT_EQ(network.layers[2].output, (Shape{4, 1, 1, true}));
  EXPECT_EQ(network.layers[0].macs(), 36 * 9 * 3);
  EXPECT_EQ(network.layers[2].macs(), 27 * 4);
  EXPECT_EQ(network.layers[0].requant.divisor, 64);
  EXPECT_EQ(network.input.pixel_table[255], 63);
}

TEST_F(NetworkLoader, MissingKey) {
  const std::string message = error_after("      out_channels: 3\n", "");
  EXPECT_NE(message.find(config_file() + ":12:7: network.layers[0].out_channels: missing required key"),
            std::string::npos)
      << message;
}

TEST_F(NetworkLoader, WrongType) {
  const std::string message = error_after("out_channels: 3", "out_channels: three");
  EXPECT_NE(message.find(":14:21: network.layers[0].out_channels: expected an integer, got 'three'"), std::string::npos)
      << message;
}

TEST_F(NetworkLoader, UnknownKeyWithSuggestion) {
  const std::string message = error_after("        divisor: 64", "        divisor: 64\n        divisr: 3");
  EXPECT_NE(message.find(":22:9: network.layers[0].requant.divisr: unknown key (did you mean 'divisor'?)"),
            std::string::npos)
      << message;
}

TEST_F(NetworkLoader, ShapeMismatchBetweenConsecutiveLayers) {
  // The linear layer's weights are [4, 27]; after a 3x3 pool of a 2-channel conv it would need [4, 18].
  npy::write_npy(dir_.path() / "tiny/conv2.npy", npy::Dtype::Int8, {2, 1, 3, 3}, std::vector<int8_t>(18).data());
  std::string text = replace_once(TinyNetwork::yaml(), "out_channels: 3", "out_channels: 2");
  text = replace_once(text, "tiny/conv.weights.npy", "tiny/conv2.npy");
  const auto file = tiny_.write_config(text);
  try {
    load(file);
    FAIL() << "expected an error";
  } catch (const ConfigurationError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("network.layers[2].weights"), std::string::npos) << message;
    EXPECT_NE(message.find("expected shape [4, 18], got [4, 27]"), std::string::npos) << message;
  }
}

TEST_F(NetworkLoader, InputZeroPointMustMatchTheProducer) {
  const std::string message = error_after(
      "      input_zero_point: 0\n      weight_zero_point: 0\n      requant:\n        mode: divide\n        divisor: "
      "256",
      "      input_zero_point: 3\n      weight_zero_point: 0\n      requant:\n        mode: divide\n        divisor: "
      "256");
  EXPECT_NE(message.find("network.layers[2].input_zero_point: is 3 but the producing layer's output zero point is 0"),
            std::string::npos)
      << message;
}

TEST_F(NetworkLoader, TensorFileMissing) {
  const std::string message = error_after("tiny/conv.weights.npy", "tiny/absent.npy");
  EXPECT_NE(message.find(":16:16: network.layers[0].weights: "), std::string::npos) << message;
  EXPECT_NE(message.find("absent.npy: file not found"), std::string::npos) << message;
}

TEST_F(NetworkLoader, TensorOfTheWrongShape) {
  npy::write_npy(dir_.path() / "tiny/wrong.npy", npy::Dtype::Int8, {3, 1, 5, 5}, std::vector<int8_t>(75).data());
  const std::string message = error_after("tiny/conv.weights.npy", "tiny/wrong.npy");
  EXPECT_NE(message.find("expected shape [3, 1, 3, 3], got [3, 1, 5, 5]"), std::string::npos) << message;
}

TEST_F(NetworkLoader, TensorOfTheWrongDtype) {
  npy::write_npy(dir_.path() / "tiny/float.npy", npy::Dtype::Float32, {3, 1, 3, 3}, std::vector<float>(27).data());
  const std::string message = error_after("tiny/conv.weights.npy", "tiny/float.npy");
  EXPECT_NE(message.find("expected int8 data, got float32"), std::string::npos) << message;
}

TEST_F(NetworkLoader, TruncatedTensorFile) {
  dir_.write("tiny/truncated.npy", std::string("\x93NUMPY\x01\x00", 8));
  const std::string message = error_after("tiny/conv.weights.npy", "tiny/truncated.npy");
  EXPECT_NE(message.find("network.layers[0].weights"), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST_F(NetworkLoader, UnknownLayerType) {
  const std::string message = error_after("type: maxpool", "type: maxpol");
  EXPECT_NE(message.find("network.layers[1].type: expected one of conv2d, linear, maxpool, avgpool, global_avgpool, "
                         "add, flatten, got 'maxpol' (did you mean 'maxpool'?)"),
            std::string::npos)
      << message;
}

TEST_F(NetworkLoader, UnknownRequantMode) {
  const std::string message = error_after("mode: divide", "mode: dividing");
  EXPECT_NE(message.find("network.layers[0].requant.mode: expected one of divide, multiply, fixed_point, shift"),
            std::string::npos)
      << message;
}

TEST_F(NetworkLoader, RequantParametersOutOfRange) {
  EXPECT_NE(
      error_after("divisor: 64", "divisor: 0").find("requant.divisor: expected integer in [1, 2.14748e+09], got '0'"),
      std::string::npos);
  EXPECT_NE(error_after("clamp: [-127, 127]", "clamp: [100, 50]").find("expected [lo, hi] with lo <= hi"),
            std::string::npos);
  EXPECT_NE(error_after("clamp: [-127, 127]", "clamp: [-300, 127]")
                .find("requant.clamp: expected list of integers in [-128, 127]"),
            std::string::npos);
  EXPECT_NE(error_after("output_zero_point: 0", "output_zero_point: 200")
                .find("output_zero_point: expected integer in [-128, 127]"),
            std::string::npos);
  const std::string shift = "mode: shift\n        shift: 40";
  EXPECT_NE(error_after("mode: divide\n        divisor: 64", shift)
                .find("requant.shift: expected integer in [0, 31], got '40'"),
            std::string::npos);
  const std::string fixed = "mode: fixed_point\n        multiplier: 5\n        shift: 1";
  EXPECT_NE(error_after("mode: divide\n        divisor: 64", fixed)
                .find("requant.multiplier: expected integer in [1.07374e+09"),
            std::string::npos);
  const std::string gemmlowp_on_divide = "rounding: gemmlowp";
  EXPECT_NE(error_after("rounding: floor", gemmlowp_on_divide).find("requant.rounding: expected one of"),
            std::string::npos);
}

TEST_F(NetworkLoader, ScaleThatIsZeroNegativeOrNaN) {
  const std::string multiply = "mode: multiply\n        precision: float32\n        multiplier: ";
  for (const char* bad : {"0", "-0.5", ".nan", ".inf"}) {
    const std::string message = error_after("mode: divide\n        divisor: 64", multiply + bad);
    EXPECT_NE(message.find("network.layers[0].requant.multiplier: expected a"), std::string::npos)
        << bad << ": " << message;
  }
  const std::string scales = "      scales: {input: 0.1, weight: 0, output: 0.2}\n      requant:";
  EXPECT_NE(error_after("      requant:", scales).find("network.layers[0].scales.weight: expected a scale > 0"),
            std::string::npos);
}

TEST_F(NetworkLoader, SyntaxErrorNamesFileAndLine) {
  const std::string message = error_after("kernel: 3", "kernel: [3");
  EXPECT_NE(message.find(config_file() + ":"), std::string::npos) << message;
  EXPECT_NE(message.find("YAML syntax error"), std::string::npos) << message;
}

TEST_F(NetworkLoader, ImagesThatDoNotPadToTheInputShape) {
  const auto file = tiny_.write_config(replace_once(TinyNetwork::yaml(), "pad: 1", "pad: 2"));
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  const Network network = load_network(root.section("network"));
  Section input(tree, tree.root()["network"]["input"], "network.input");
  try {
    load_dataset(network.input, input);
    FAIL() << "expected an error";
  } catch (const ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find(":6:13: network.input.images: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("images of 6x6 padded by 2 do not give the input shape [1, 8, 8]"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(NetworkLoader, DatasetLoadsAndPadsThroughThePixelTable) {
  const auto file = tiny_.write_config(TinyNetwork::yaml());
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  const Network network = load_network(root.section("network"));
  Section input(tree, tree.root()["network"]["input"], "network.input");
  const Dataset dataset = load_dataset(network.input, input);
  EXPECT_EQ(dataset.count, 5);
  const auto activations = input_activations(network.input, dataset, 2);
  ASSERT_EQ(activations.size(), 64u);
  EXPECT_EQ(activations[0], -64);  // padding is pixel 0 through the table
  EXPECT_EQ(activations[1 * 8 + 1], dataset.image(2)[0] / 2 - 64);
  EXPECT_EQ(activations[6 * 8 + 6], dataset.image(2)[35] / 2 - 64);
}

TEST_F(NetworkLoader, DatasetReadsOnlyTheImagesAskedFor) {
  const auto file = tiny_.write_config(TinyNetwork::yaml());
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  const Network network = load_network(root.section("network"));
  Section input(tree, tree.root()["network"]["input"], "network.input");
  const Dataset all = load_dataset(network.input, input);
  const Dataset two = load_dataset(network.input, input, 2);
  EXPECT_EQ(two.count, 5);  // the file's images, though 2 were read
  EXPECT_EQ(two.loaded, 2);
  EXPECT_EQ(two.labels, all.labels);  // every label, for the label check
  EXPECT_EQ(input_activations(network.input, two, 1), input_activations(network.input, all, 1));
  EXPECT_THROW(two.image(2), std::out_of_range);  // never another image's pixels
}

// The tensors come from the source the loading is given: here the conv's weights and the images
// from memory (other values than their files'), every other tensor from its file.
TEST_F(NetworkLoader, TensorsAreReadFromTheSourceGiven) {
  const auto file = tiny_.write_config(TinyNetwork::yaml());
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  const Network from_files = load_network(root.section("network"));
  npy::TensorsInMemory tensors;
  npy::NpyArray weights;
  weights.dtype = npy::Dtype::Int8;
  weights.shape = {3, 1, 3, 3};
  weights.bytes.assign(27, 0);
  weights.bytes[5] = 0xf9;  // -7
  tensors.add(dir_.path() / "tiny/conv.weights.npy", weights);
  npy::NpyArray images;
  images.dtype = npy::Dtype::UInt8;
  images.shape = {5, 6, 6};
  images.bytes.assign(5 * 36, 200);
  tensors.add(dir_.path() / "tiny/images.npy", images);
  Section root_again(tree, tree.root(), "");
  const Network network = load_network(root_again.section("network"), tensors);
  std::vector<int8_t> expected(27, 0);
  expected[5] = -7;
  EXPECT_EQ(network.layers[0].weights, expected);
  EXPECT_EQ(network.layers[2].weights, from_files.layers[2].weights);  // not added: the file's
  Section input(tree, tree.root()["network"]["input"], "network.input");
  const Dataset dataset = load_dataset(network.input, input, 2, tensors);
  EXPECT_EQ(dataset.count, 5);
  EXPECT_EQ(dataset.loaded, 2);
  EXPECT_EQ(dataset.pixels, std::vector<uint8_t>(2 * 36, 200));
  EXPECT_EQ(dataset.labels, load_dataset(from_files.input, input).labels);
}

TEST_F(NetworkLoader, PerChannelMultipliersOnePerOutputChannel) {
  const std::string per_channel =
      "        mode: multiply\n        precision: float32\n"
      "        multipliers: [0.5, 0.25, 0.1]\n        rounding: half_even\n";
  const Network network = load(tiny_.write_config(replace_once(
      TinyNetwork::yaml(), "        mode: divide\n        divisor: 64\n        rounding: floor\n", per_channel)));
  ASSERT_EQ(network.layers[0].requant.channel_multipliers.size(), 3u);
  EXPECT_EQ(network.layers[0].requant.channel_multipliers[2], static_cast<double>(0.1f));  // held as float32
  EXPECT_TRUE(network.layers[0].requant.per_channel());
  EXPECT_FALSE(network.layers[2].requant.per_channel());
}

TEST_F(NetworkLoader, PerChannelMultipliersOfTheWrongCount) {
  const std::string message =
      error_after("        mode: divide\n        divisor: 64\n        rounding: floor\n",
                  "        mode: multiply\n        precision: float32\n        multipliers: [0.5, 0.25]\n"
                  "        rounding: half_even\n");
  EXPECT_NE(message.find("network.layers[0].requant.multipliers: holds 2 multipliers; expected 3, one per output "
                         "channel"),
            std::string::npos)
      << message;
}

TEST_F(NetworkLoader, MultiplierAndMultipliersTogetherAreRefused) {
  const std::string message =
      error_after("        mode: divide\n        divisor: 64\n        rounding: floor\n",
                  "        mode: multiply\n        precision: float32\n        multiplier: 0.5\n"
                  "        multipliers: [0.5, 0.25, 1]\n        rounding: half_even\n");
  EXPECT_NE(message.find("requant.multipliers: give either multiplier"), std::string::npos) << message;
}

}  // namespace
}  // namespace accelsim::model
