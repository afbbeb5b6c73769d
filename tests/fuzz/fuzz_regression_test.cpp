// Replays every seed and every saved fuzzer finding through the fuzz entry points, in the
// normal and the sanitizer builds: an input that once crashed a loader must keep ending in a
// clean error.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "fuzz/fuzz_entries.h"
#include "tests/support/temp_dir.h"

namespace accelsim::fuzz {
namespace {

namespace fs = std::filesystem;

using Entry = void (*)(const uint8_t*, std::size_t);

int replay(const std::string& target, Entry entry) {
  int inputs = 0;
  for (const fs::path& folder :
       {testing::source_dir() / "fuzz/corpus" / target, testing::source_dir() / "tests/fuzz_regressions" / target}) {
    if (!fs::exists(folder)) continue;
    for (const auto& file : fs::directory_iterator(folder)) {
      if (!file.is_regular_file() || file.path().filename() == "README.md") continue;
      const std::string bytes = testing::read_file(file.path());  // an unreadable input fails, not replays as empty
      SCOPED_TRACE(file.path().string());
      entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++inputs;
    }
  }
  return inputs;
}

TEST(FuzzRegressions, ConfigLoader) { EXPECT_GT(replay("config_loader", config_text), 0); }
TEST(FuzzRegressions, NpyReader) { EXPECT_GT(replay("npy_reader", npy_bytes), 0); }
TEST(FuzzRegressions, SetOverride) { EXPECT_GT(replay("set_override", set_override), 0); }
TEST(FuzzRegressions, ScaleSimTopology) { EXPECT_GT(replay("scalesim_topology", scalesim_topology), 0); }
TEST(FuzzRegressions, ScaleSimConfig) { EXPECT_GT(replay("scalesim_config", scalesim_config), 0); }

}  // namespace
}  // namespace accelsim::fuzz
