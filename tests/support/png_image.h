#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace accelsim::testing {

// A PNG decoded to 8-bit RGB (libpng), for checking screenshots.
struct PngImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // row after row, 3 bytes a pixel

  static PngImage read(const std::filesystem::path& file);  // throws std::runtime_error
  const uint8_t* at(int x, int y) const {
    return rgb.data() +
           (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
  }
  bool is(int x, int y, uint32_t color) const {
    const uint8_t* p = at(x, y);
    return p[0] == ((color >> 16) & 0xff) && p[1] == ((color >> 8) & 0xff) && p[2] == (color & 0xff);
  }
};

}  // namespace accelsim::testing
