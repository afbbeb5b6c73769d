#pragma once

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"

namespace accelsim::testing {

// A small valid network (conv 3x3 + ReLU, maxpool, linear) with seeded random tensors and five
// 6x6 images, written into a TempDir. Tests take `yaml()`, change one thing and load it.
class TinyNetwork {
 public:
  explicit TinyNetwork(const TempDir& dir, unsigned seed = 1);

  // The network: section (no hardware:), valid as is.
  static std::string yaml();
  // Writes `text` as a config file next to the tensors and returns its path.
  std::filesystem::path write_config(const std::string& text, const std::string& name = "tiny.yaml") const;

 private:
  const TempDir& dir_;
};

// `text` with the first occurrence of `from` replaced by `to`; fails loudly if absent.
std::string replace_once(std::string text, const std::string& from, const std::string& to);

}  // namespace accelsim::testing
