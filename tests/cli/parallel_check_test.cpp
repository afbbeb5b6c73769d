// The golden model runs on a second thread ahead of the simulation (golden/golden_ahead): the
// first mismatch reported must be exactly the one the sequential check reported. The expected
// lines below were produced by the sequential check (before the golden model moved to its own
// thread), flips in overlapping images included: image i+1's first layer finishes while image i
// is still in its last layers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

struct FlipCase {
  std::string config;
  std::vector<std::string> flips;
  std::string first_mismatch;  // as the sequential check printed it
};

TEST(ParallelCheck, FirstMismatchIsTheSequentialOne) {
  const std::string seed = (source_dir() / "configs/lenet.yaml").string();
  const std::string torch = (source_dir() / "configs/lenet_torch.yaml").string();
  const std::vector<FlipCase> cases = {
      {seed,
       {"conv5:7:3:2", "conv1:100:0:3"},
       "image 2, layer conv5, index 7: expected 0, actual 8 (18 elements differ)"},
      {seed, {"fc7:2:1:1", "conv1:5:0:2"}, "image 1, layer fc7, index 2: expected -4, actual -2 (3 elements differ)"},
      {seed,
       {"pool2:9:2:0", "conv3:40:1:0"},
       "image 0, layer pool2, index 9: expected 0, actual 4 (18 elements differ)"},
      {seed, {"fc7:0:7:1", "conv1:0:7:2"}, "image 1, layer fc7, index 0: expected -6, actual 122 (2 elements differ)"},
      {seed,
       {"fc7:9:0:4", "conv1:783:0:5"},
       "image 4, layer fc7, index 9: expected -9, actual -10 (3 elements differ)"},
      {seed,
       {"conv5:119:6:3", "conv3:1:0:4", "fc6:83:0:3"},
       "image 3, layer conv5, index 119: expected 0, actual 64 (30 elements differ)"},
      {torch,
       {"fc7:0:7:1", "conv1:0:7:2"},
       "image 1, layer fc7, index 0: expected 94, actual 222 (39 elements differ)"},
  };
  for (const FlipCase& c : cases) {
    TempDir out;
    std::vector<std::string> arguments = {"--config", c.config, "--images",         "6",
                                          "--quiet",  "--out",  out.path().string()};
    for (const auto& flip : c.flips) {
      arguments.push_back("--flip-bit");
      arguments.push_back(flip);
    }
    const auto result = run_accelsim(arguments);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_TRUE(contains(result.output, "output differs from the golden model: " + c.first_mismatch))
        << c.flips[0] << ": " << result.output;
  }
}

}  // namespace
}  // namespace accelsim::testing
