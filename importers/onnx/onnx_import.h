#pragma once

#include <array>
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

// Whose integer kernels the imported layers reproduce bit for bit (docs/import.md, "The arithmetic").
enum class Arithmetic {
  OnnxRuntime,  // ONNX Runtime's CPU kernels (MLAS) on x86-64 AVX2
  PyTorch,      // PyTorch's quantized CPU kernels on the qnnpack engine (what torch.onnx.export's models came from)
};
const char* name_of(Arithmetic arithmetic);  // "onnxruntime", "pytorch"
// "onnxruntime" or "pytorch"; false for anything else.
bool parse_arithmetic(const std::string& text, Arithmetic& arithmetic);

// ONNX's QuantizeLinear as ONNX Runtime computes it: float32 x / scale, rounded half to even,
// plus the zero point, saturated to the dtype.
int32_t quantize_linear(float x, const QuantParams& params);
// PyTorch's quantize_per_tensor (QuantStub): float32 x * float32(1 / scale), rounded half to
// even, plus the zero point, saturated. Differs from quantize_linear where x / scale and
// x * (1 / scale) round to different float32 values next to a tie.
int32_t quantize_per_tensor(float x, const QuantParams& params);
// DequantizeLinear: float32 (q - zero_point) * scale.
float dequantize_linear(int32_t q, const QuantParams& params);

// PyTorch's quantized add on qnnpack (pytorch_qnnp_compute_add_quantization_params): ratios
// r = float32(S_in / S_out), shift = 21 - exponent(max r), m = lrintf(r * 2^shift) (the larger in
// [2^21, 2^22)); the sum of m * (q - z) is shifted right by `shift`, rounded half away from zero.
struct QnnpackAddParameters {
  std::array<int64_t, 2> multipliers{};
  int32_t shift = 0;
};
// Nullopt when qnnpack refuses the ratios (outside [2^-14, 2^8)).
std::optional<QnnpackAddParameters> qnnpack_add_parameters(float a_scale, float b_scale, float output_scale);

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
  Arithmetic arithmetic = Arithmetic::OnnxRuntime;
  std::string arithmetic_reason;  // why: "--arithmetic", or the model's producer_name
};

// The op types the importer lowers, for messages and docs.
const std::vector<std::string>& supported_op_types();

// Reads and lowers a serialized ONNX model; `source` names it in messages. Throws ImportError.
// Without `arithmetic`, PyTorch's when the model's producer_name is "pytorch" (torch.onnx.export),
// else ONNX Runtime's.
ImportedModel import_model(const std::string& bytes, const std::string& source,
                           std::optional<Arithmetic> arithmetic = std::nullopt);
ImportedModel import_file(const std::filesystem::path& file, std::optional<Arithmetic> arithmetic = std::nullopt);

}  // namespace accelsim::onnx_import
