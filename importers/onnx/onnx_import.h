#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/network.h"

namespace accelsim::onnx_import {

// A model that cannot be imported: not ONNX, malformed, or beyond what accelsim lowers. The
// message names the file, the node (name and op_type) and what was expected. Exit code 2.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A tensor's affine quantization: real = scale * (q - zero_point).
struct QuantParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
  model::DType dtype = model::DType::UInt8;
};

// ONNX's QuantizeLinear as ONNX Runtime computes it: float32 x / scale, rounded half to even,
// plus the zero point, saturated to the dtype.
int32_t quantize_linear(float x, const QuantParams& params);
// DequantizeLinear: float32 (q - zero_point) * scale.
float dequantize_linear(int32_t q, const QuantParams& params);

// What accelsim's network reads and writes, in ONNX's terms.
struct ImportedModel {
  // Values: file; the input's images, labels and pixel table are the writer's (imported_config.h).
  model::Network network;
  std::string input_name;
  std::vector<int64_t> input_dims;  // the graph input's dims, batch first (the images' axis)
  // Set when the graph input is float and a QuantizeLinear makes the activations.
  std::optional<QuantParams> input_quantize;
  std::string output_name;
  std::vector<int64_t> output_dims;  // batch first
  // Set when the graph output is float, made by a DequantizeLinear of the last activations.
  std::optional<QuantParams> output_dequantize;
  // An int32 output (ConvInteger, MatMulInteger): stored activation = accumulator + offset.
  std::optional<int32_t> integer_output_offset;
  std::vector<std::string> notes;  // what the reader of the result should know (warnings)
};

// The op types the importer lowers, for messages and docs.
const std::vector<std::string>& supported_op_types();

// Reads and lowers a serialized ONNX model; `source` names it in messages. Throws ImportError.
ImportedModel import_model(const std::string& bytes, const std::string& source);
ImportedModel import_file(const std::filesystem::path& file);

}  // namespace accelsim::onnx_import
