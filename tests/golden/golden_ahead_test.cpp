// The golden model on a second thread (golden/golden_ahead) gives each image exactly what the
// sequential model gives, in whatever order the consumer asks, with windows smaller than the
// consumer's reach, and with failing images among good ones. Built under ThreadSanitizer by
// scripts/test.sh.
#include "golden/golden_ahead.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "golden/reference_model.h"

namespace accelsim::golden {
namespace {

// linear 16 -> 4 with a bias near INT32_MAX on channel 0: an image whose inputs are large
// overflows it (error policy), the others do not.
model::Network overflowing_linear() {
  model::Network network;
  network.name = "ahead";
  network.overflow = model::OverflowPolicy::Error;
  network.input.shape = model::Shape{16, 1, 1, true};
  model::Layer layer;
  layer.name = "fc";
  layer.type = model::LayerType::Linear;
  layer.input = network.input.shape;
  layer.output = model::Shape{4, 1, 1, true};
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> s8(-128, 127);
  layer.weights.resize(64);
  for (auto& w : layer.weights) w = static_cast<int8_t>(s8(rng));
  for (int i = 0; i < 16; ++i) layer.weights[static_cast<std::size_t>(i)] = 127;
  layer.bias = {std::numeric_limits<int32_t>::max() - 100000, 0, 5, -5};
  layer.requant.divisor = 1000;
  network.layers.push_back(layer);
  return network;
}

std::vector<int32_t> input_of(int64_t image) {
  std::vector<int32_t> input(16);
  for (int i = 0; i < 16; ++i)
    input[static_cast<std::size_t>(i)] = static_cast<int32_t>((image * 37 + i * 11) % 200) - 100;
  if (image % 7 == 3) input.assign(16, 127);  // 16 * 127 * 127 > 100000: overflow
  return input;
}

struct Sequential {
  std::vector<Tensor> outputs;
  std::optional<std::string> failure;
};

Sequential sequential(const ReferenceModel& model, int64_t image) {
  Sequential result;
  std::optional<AccumulatorOverflow> overflow;
  result.outputs = model.run(input_of(image), overflow);
  if (overflow) result.failure = std::string("golden model: ") + overflow->what();
  return result;
}

void expect_same(const GoldenAhead::Outcome& ahead, const Sequential& want, int64_t image) {
  EXPECT_EQ(ahead.failure, want.failure) << "image " << image;
  ASSERT_EQ(ahead.outputs.size(), want.outputs.size()) << "image " << image;
  for (std::size_t l = 0; l < want.outputs.size(); ++l)
    EXPECT_EQ(ahead.outputs[l].values, want.outputs[l].values) << "image " << image;
}

TEST(GoldenAhead, InOrderGivesTheSequentialOutcomes) {
  const model::Network network = overflowing_linear();
  const ReferenceModel model(network);
  constexpr int64_t kImages = 50;
  GoldenAhead ahead(model, input_of, kImages, 4);
  for (int64_t image = 0; image < kImages; ++image) {
    expect_same(ahead.get(image), sequential(model, image), image);
    ahead.release(image);
  }
}

TEST(GoldenAhead, OverlappingOutOfOrderRequestsBeyondTheWindowNeverDeadlock) {
  const model::Network network = overflowing_linear();
  const ReferenceModel model(network);
  constexpr int64_t kImages = 40;
  for (int64_t window : {1, 2, 3, 16}) {
    GoldenAhead ahead(model, input_of, kImages, window);
    // Three images in flight; the next ones asked for before the oldest is released.
    for (int64_t image = 0; image < kImages; ++image) {
      for (int64_t j = image; j < std::min(kImages, image + 3); ++j) expect_same(ahead.get(j), sequential(model, j), j);
      ahead.release(image);
    }
  }
}

TEST(GoldenAhead, StopsCleanlyWithImagesNeverAskedFor) {
  const model::Network network = overflowing_linear();
  const ReferenceModel model(network);
  GoldenAhead ahead(model, input_of, 1000, 8);
  expect_same(ahead.get(0), sequential(model, 0), 0);
}

}  // namespace
}  // namespace accelsim::golden
