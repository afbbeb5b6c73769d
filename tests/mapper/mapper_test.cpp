// How the mapper cuts LeNet for the default accelerator, and its errors when it cannot.
#include "mapper/mapper.h"

#include <gtest/gtest.h>

#include "sim/run/workload.h"
#include "tests/support/accelerator_bench.h"
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

TEST(Mapper, ActivationSramTooSmallNamesTheLargestFeatureMap) {
  const std::string message = mapping_error({"hardware.activation_sram.capacity_bytes=8192"});
  EXPECT_NE(message.find("layer conv1: the activation SRAM holds 8192 bytes but needs 11520 bytes"), std::string::npos)
      << message;
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
