// How the mapper cuts LeNet for the default accelerator, and its errors when it cannot.
#include "mapper/mapper.h"

#include <gtest/gtest.h>

#include "sim/run/workload.h"
#include "tests/support/accelerator_bench.h"
#include "tests/support/graph_network.h"
#include "tests/support/temp_dir.h"

namespace accelsim::mapper {
namespace {

using isa::Buffer;
using isa::Memory;
using isa::TileProgram;

std::unique_ptr<run::Workload> lenet(const std::vector<std::string>& overrides = {}) {
  return run::load_workload(testing::source_dir() / "configs/lenet.yaml", overrides);
}

std::string mapping_error(const std::vector<std::string>& overrides, int64_t images = 1) {
  const auto workload = lenet(overrides);
  try {
    map_network(workload->network, workload->hardware, images);
  } catch (const MappingError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Mapper, DefaultLeNetKeepsSmallLayersResidentAndStreamsConv5) {
  const auto workload = lenet();
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  // conv1, conv3, fc6, fc7 (13,470 bytes) fit the 16 KiB resident half of the weight SRAM.
  EXPECT_TRUE(program.layers[0].resident);
  EXPECT_TRUE(program.layers[2].resident);
  EXPECT_FALSE(program.layers[4].resident);
  EXPECT_TRUE(program.layers[5].resident);
  EXPECT_TRUE(program.layers[6].resident);
  // conv5: K = 400 per channel, an 8 KiB buffer holds 20 channels -> 16 (a multiple of 8 columns).
  EXPECT_EQ(program.layers[4].tile_k, 400);
  EXPECT_EQ(program.layers[4].tile_n, 16);
  EXPECT_EQ(program.layers[4].n_tiles, 8);
  EXPECT_EQ(program.layers[4].weight_dram_bytes_per_image, 48000u);
  // conv1: 1,024 accumulators per buffer / 6 channels = 170 pixels -> 6 rows of 28 = 168.
  EXPECT_EQ(program.layers[0].tile_m, 168);
  EXPECT_EQ(program.layers[0].m_tiles, 5);
  // conv1 per image: the input load, then 5 row tiles of compute + requantize.
  EXPECT_EQ(program.layers[0].instructions_per_image, 1 + 5 * 2);
  EXPECT_EQ(program.image_programs.size(), 2u);  // the input buffer alternates between images
  EXPECT_EQ(program.prologue.size(), 4u);        // four resident layers
}

TEST(Mapper, StreamingBufferTooSmallForOneFoldNamesTheLayer) {
  const std::string message = mapping_error({"hardware.weight_sram.capacity_bytes=64"});
  EXPECT_NE(message.find("layer conv1: its weights (150 bytes) must stream, but a weight SRAM buffer of 16 bytes "
                         "cannot hold one 8x6 fold"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("weight_sram.capacity_bytes must be at least"), std::string::npos) << message;
}

TEST(Mapper, MapsThatDoNotFitStreamAndTheSmallestBandThatDoesNotFitIsRefused) {
  // Two input buffers of 32 x 32 = 1,024 bytes, then the feature maps first-fit, each freed
  // after its last reader (sizes rounded up to 64): conv1 (4,704 -> 4,736) at 0; pool2
  // (1,176 -> 1,216) above it at 4,736, while conv1 is still read: the peak, 5,952 bytes;
  // conv3 (1,600) back at 0, pool4 (448) at 1,600, conv5 (128) at 0, fc6 at 128, fc7 at 0.
  // 2,048 + 5,952 = 8,000 bytes resident; below that every layer streams (docs/timing.md).
  const auto at = [](const std::string& capacity) {
    const auto workload = lenet({"hardware.activation_sram.capacity_bytes=" + capacity});
    return map_network(workload->network, workload->hardware, 1);
  };
  EXPECT_FALSE(at("8000").layers[0].streamed);
  EXPECT_TRUE(at("7999").layers[0].streamed);
  // The smallest bands, single-buffered (each buffer 64-byte aligned); a conv2d loads one input
  // channel at a time at the least. conv1 (1 -> 6 channels, 5x5 on 32x32, output rows of 28)
  // reads 1 x 5 rows x 32 = 160 -> 192 bytes per output row and writes 6 x 28 = 168 -> 192: 384
  // bytes, the most of any layer (conv3: 1 x 5 x 14 = 70 -> 128 and 8 of its 16 channels x 10 =
  // 80 -> 128; conv5: 1 x 5 x 5 -> 64 and 8 x 1 -> 64; pool2: 2 x 28 -> 64 and 14 -> 64; fc6:
  // 120 -> 128 and 84 -> 128; fc7: 84 -> 128 and 10 -> 64).
  EXPECT_EQ(mapping_error({"hardware.activation_sram.capacity_bytes=384"}), "no error");
  const std::string message = mapping_error({"hardware.activation_sram.capacity_bytes=383"});
  EXPECT_NE(message.find("layer conv1: its feature maps do not fit the activation SRAM (383 bytes) and must stream, "
                         "but not even a band of one output row of 6 channel(s) from one input channel fits, "
                         "single-buffered: an input band buffer of 160 bytes and an output band buffer of 168 bytes; "
                         "activation_sram.capacity_bytes must be at least 384"),
            std::string::npos)
      << message;
}

TEST(Mapper, AGraphKeepsEveryOutputAllocatedUntilItsLastReader) {
  testing::TempDir dir;
  testing::GraphNetwork graph(dir);
  const auto workload = run::load_workload(graph.write_config(testing::GraphNetwork::yaml()), {});
  const auto& layers = workload->network.layers;
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  // The region of every output that is still to be read when layer l writes must not overlap l's.
  auto region = [&](std::size_t l) {
    const uint64_t begin = program.output_address(0, l);
    return std::make_pair(begin, begin + static_cast<uint64_t>(layers[l].output.elements()));
  };
  for (std::size_t l = 0; l < layers.size(); ++l) {
    if (layers[l].type == model::LayerType::Flatten) continue;
    for (std::size_t p = 0; p < l; ++p) {
      if (layers[p].type == model::LayerType::Flatten) continue;
      bool read_later = false;
      for (std::size_t r = l; r < layers.size(); ++r)
        for (int32_t producer : layers[r].inputs) read_later = read_later || producer == static_cast<int32_t>(p);
      if (!read_later) continue;
      const auto [a0, a1] = region(l);
      const auto [b0, b1] = region(p);
      EXPECT_TRUE(a1 <= b0 || b1 <= a0) << layers[l].name << " overwrites " << layers[p].name << ", still to be read";
    }
  }
  // stem [4, 8, 8] = 256 bytes is read by add1 (layer 3): dw (512) and pw (256) go above it.
  EXPECT_NE(program.output_address(0, 1), program.output_address(0, 0));
  // flat's output is gap's.
  EXPECT_EQ(program.output_address(0, 9), program.output_address(0, 8));
  // dw (groups 4, 2 channels each) is cut per group: 4 tiles of n = 2.
  EXPECT_EQ(program.layers[1].n_tiles, 4);
  EXPECT_EQ(program.layers[1].tile_n, 2);
}

TEST(Mapper, AccumulatorTooSmallForOnePartialSum) {
  const std::string message = mapping_error({"hardware.accumulator.capacity_bytes=4"});
  EXPECT_NE(message.find("accumulator of 4 bytes cannot hold one int32 partial sum per buffer"), std::string::npos)
      << message;
}

TEST(Mapper, DramTooSmallForTheBatch) {
  const std::string message = mapping_error({"hardware.dram.capacity_bytes=100000"}, 2000);
  EXPECT_NE(message.find("DRAM holds 100000 bytes but the weights and 2000 images' inputs and outputs need"),
            std::string::npos)
      << message;
}

TEST(Mapper, WeightSramBuffersStayInsideTheCapacityAndApartWhateverItsSize) {
  // 15 weight bytes (K = 3, N = 5) and 20 bias bytes, which go 4-byte aligned after the
  // resident weights: a capacity just above 35 bytes must not let the aligned biases run past
  // the end (or into a streaming buffer). Each size either maps with every weight SRAM buffer
  // inside the capacity and none overlapping, or is a MappingError.
  // Which sizes map, by hand: everything stays resident when the weights, aligned to 16, and
  // the biases fit: 16 + 20 = 36 bytes. Below that half the SRAM becomes two streaming buffers
  // of floor(capacity / 4) bytes, and what is left beside them, capacity - 2 floor(capacity / 4),
  // is at most 35 - 16 = 19 bytes, short of the 20 bias bytes: every capacity of 24 to 35 is a
  // MappingError about the biases, every capacity of 36 to 80 maps, weights at [0, 15) and
  // biases at [16, 36).
  model::Network network = testing::pointwise_network(3, 4, 5);
  network.layers[0].bias.assign(5, 7);
  std::vector<int64_t> mapped, refused;
  for (int64_t capacity = 24; capacity <= 80; ++capacity) {
    hardware::HardwareConfig hw = testing::bench_hardware();
    hw.weight_sram.capacity_bytes = capacity;
    try {
      const TileProgram program = map_network(network, hw, 1);
      mapped.push_back(capacity);
      std::vector<Buffer> weight_buffers;
      for (const Buffer& buffer : program.buffers)
        if (buffer.memory == Memory::WeightSram) weight_buffers.push_back(buffer);
      ASSERT_EQ(weight_buffers.size(), 2u) << "at capacity " << capacity;
      EXPECT_EQ(weight_buffers[0].name, "pw.weights");
      EXPECT_EQ(weight_buffers[0].address, 0u);
      EXPECT_EQ(weight_buffers[1].name, "pw.bias");
      EXPECT_EQ(weight_buffers[1].address, 16u);
      for (std::size_t a = 0; a < weight_buffers.size(); ++a) {
        EXPECT_LE(weight_buffers[a].address + weight_buffers[a].bytes, static_cast<uint64_t>(capacity))
            << weight_buffers[a].name << " at capacity " << capacity;
        for (std::size_t b = a + 1; b < weight_buffers.size(); ++b) {
          const bool apart = weight_buffers[a].address + weight_buffers[a].bytes <= weight_buffers[b].address ||
                             weight_buffers[b].address + weight_buffers[b].bytes <= weight_buffers[a].address;
          EXPECT_TRUE(apart) << weight_buffers[a].name << " and " << weight_buffers[b].name << " overlap at capacity "
                             << capacity;
        }
      }
    } catch (const MappingError& e) {
      refused.push_back(capacity);
      EXPECT_NE(std::string(e.what()).find("weight SRAM too small for the biases: they need 20 bytes"),
                std::string::npos)
          << "at capacity " << capacity << ": " << e.what();
    }
  }
  std::vector<int64_t> expected_mapped, expected_refused;
  for (int64_t capacity = 24; capacity <= 80; ++capacity)
    (capacity >= 36 ? expected_mapped : expected_refused).push_back(capacity);
  EXPECT_EQ(mapped, expected_mapped);
  EXPECT_EQ(refused, expected_refused);
}

}  // namespace
}  // namespace accelsim::mapper
