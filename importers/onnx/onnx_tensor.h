#pragma once

// Internal to accelsim_onnx: ONNX's TensorProto decoded into plain vectors.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace accelsim::onnx_import {

enum class ElementType { Float, UInt8, Int8, Int32, Int64 };
const char* element_type_name(ElementType type);

struct ConstTensor {
  ElementType type = ElementType::Float;
  std::vector<int64_t> dims;
  std::vector<float> floats;  // Float
  std::vector<int64_t> ints;  // every integer type

  int64_t count() const;
  bool is_integer() const { return type != ElementType::Float; }
  // Element i as a double, whatever the type.
  double at(std::size_t i) const { return is_integer() ? static_cast<double>(ints[i]) : floats[i]; }
};

// Decodes `tensor` (raw_data or the typed fields). Throws std::runtime_error with the reason
// (an unsupported data type, a payload whose size does not match the dims, external data).
ConstTensor decode_tensor(const onnx::TensorProto& tensor);

// The ONNX TensorProto data type of an element type, and back (false for unsupported types).
bool element_type_of(int onnx_data_type, ElementType& type);

}  // namespace accelsim::onnx_import
