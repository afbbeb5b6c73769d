#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/config/section.h"
#include "core/model/network.h"
#include "core/npy/tensor_source.h"

namespace accelsim::model {

// Reads `network:` (see docs/config.md), loads and checks every tensor file it names, and
// checks that consecutive layers fit together. Throws config::ConfigurationError.
// The tensors are read from `tensors` (the files themselves when not given).
Network load_network(config::Section network, npy::TensorSource& tensors = npy::tensor_files());

// The held-out images and their labels.
struct Dataset {
  int64_t count = 0;  // images in the file
  int64_t channels = 1;
  int64_t height = 0;
  int64_t width = 0;
  int64_t loaded = 0;           // the first images, whose pixels were read
  std::vector<uint8_t> pixels;  // [loaded, channels, height, width]
  std::vector<uint8_t> labels;  // [count]

  const uint8_t* image(int64_t index) const {
    if (index < 0 || index >= loaded)
      throw std::out_of_range("image " + std::to_string(index) + " was not read (" + std::to_string(loaded) + " were)");
    return pixels.data() + index * channels * height * width;
  }
};

// Loads the images and labels `network.input` names; `input_section` is the same section, for
// error locations. Only the first `max_images` images' pixels are read (a run of one image
// needs one of the 2,000 held-out digits); the whole file is checked all the same, and every
// label is read and checked.
Dataset load_dataset(const InputSpec& input, config::Section& input_section,
                     int64_t max_images = std::numeric_limits<int64_t>::max(),
                     npy::TensorSource& tensors = npy::tensor_files());

// The input activations of one image: each channel's pixels padded with background (0) and mapped
// through the pixel table, in [C, H, W] order.
std::vector<int32_t> input_activations(const InputSpec& input, const Dataset& dataset, int64_t index);

}  // namespace accelsim::model
