#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/npy/npy_array.h"
#include "importers/onnx/onnx_import.h"

namespace accelsim::onnx_import {

// The ONNX input tensor (`--images`: batch first, float32 when the graph quantizes its input,
// else uint8/int8 activations) as accelsim's images: uint8 [N, C, H, W] bytes that the pixel
// table maps to the activations (identity for uint8, two's complement for int8). Float inputs
// go through QuantizeLinear (quantize_linear). Throws ImportError naming `name`.
npy::NpyArray images_from_input(const ImportedModel& model, const npy::NpyArray& input, const std::string& name);

// accelsim's outputs (the last layer's stored activations, [N, classes]) in ONNX's terms: the
// graph output's dtype and shape (dequantized to float32, or the int32 accumulator).
npy::NpyArray output_from_logits(const ImportedModel& model, const std::vector<int32_t>& logits);

// A tensor file write_config wrote, with its array: for a caller that loads the config at once
// (from an npy::TensorsInMemory) rather than reading the files back. A layer's weights and bias are not
// copied: `array` has their dtype and shape, `data` points at them in the ImportedModel written
// (valid while it is). Every other tensor (pixel table, images) is whole in `array`.
struct WrittenTensor {
  std::filesystem::path file;
  npy::NpyArray array;
  const void* data = nullptr;
};

// Writes `dir`/network.yaml (including `hardware_yaml` by a path relative to `dir`), the layers'
// tensors, the pixel table and the images, so that `accelsim --config dir/network.yaml` runs the
// model. Without images, one image of the input's zero point (a real 0) is written. Returns the
// config's path; with `written`, every tensor file is appended to it. Throws ImportError
// (a bad input tensor) or npy::NpyError (writing).
std::filesystem::path write_config(const ImportedModel& model, const std::filesystem::path& dir,
                                   const std::filesystem::path& hardware_yaml,
                                   const std::optional<npy::NpyArray>& images, const std::string& model_source,
                                   std::vector<WrittenTensor>* written = nullptr);

}  // namespace accelsim::onnx_import
