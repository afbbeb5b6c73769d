#pragma once

// Internal to accelsim_onnx: ONNX's TensorProto decoded into plain vectors.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace accelsim::onnx_import {

enum class ElementType { Float, UInt8, Int8, Int32, Int64 };
const char* element_type_name(ElementType type);

// A constant's elements. The 8-bit ones stored as raw_data (every weight tensor) are not copied:
// `bytes` views them in the TensorProto, which must outlive the tensor (the lowering holds the
// model throughout). Every other integer is in `ints`.
struct ConstTensor {
  ElementType type = ElementType::Float;
  std::vector<int64_t> dims;
  std::vector<float> floats;  // Float
  std::vector<int64_t> ints;  // integers, except those `bytes` views
  std::string_view bytes;     // UInt8, Int8 from raw_data: one byte per element (a uint8's bit pattern)

  int64_t count() const;
  bool is_integer() const { return type != ElementType::Float; }
  // Integer element i, whatever its storage.
  int64_t integer(std::size_t i) const {
    if (!bytes.empty())
      return type == ElementType::UInt8 ? int64_t{static_cast<uint8_t>(bytes[i])}
                                        : int64_t{static_cast<int8_t>(bytes[i])};
    return ints[i];
  }
  // Every integer element; for small tensors (shapes, zero points).
  std::vector<int64_t> integers() const;
  // Element i as a double, whatever the type.
  double at(std::size_t i) const { return is_integer() ? static_cast<double>(integer(i)) : floats[i]; }
  // The integers moved into `ints` (before relabelling them as another type, which keeps their values).
  void widen();
};

// Decodes `tensor` (raw_data or the typed fields). Throws std::runtime_error with the reason
// (an unsupported data type, a payload whose size does not match the dims, external data).
ConstTensor decode_tensor(const onnx::TensorProto& tensor);

// The ONNX TensorProto data type of an element type, and back (false for unsupported types).
bool element_type_of(int onnx_data_type, ElementType& type);

}  // namespace accelsim::onnx_import
