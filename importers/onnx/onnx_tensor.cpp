#include "importers/onnx/onnx_tensor.h"

#include <cstring>
#include <stdexcept>

namespace accelsim::onnx_import {

const char* element_type_name(ElementType type) {
  switch (type) {
    case ElementType::Float:
      return "float32";
    case ElementType::UInt8:
      return "uint8";
    case ElementType::Int8:
      return "int8";
    case ElementType::Int32:
      return "int32";
    case ElementType::Int64:
      return "int64";
  }
  return "?";
}

bool element_type_of(int onnx_data_type, ElementType& type) {
  switch (onnx_data_type) {
    case onnx::TensorProto::FLOAT:
      type = ElementType::Float;
      return true;
    case onnx::TensorProto::UINT8:
      type = ElementType::UInt8;
      return true;
    case onnx::TensorProto::INT8:
      type = ElementType::Int8;
      return true;
    case onnx::TensorProto::INT32:
      type = ElementType::Int32;
      return true;
    case onnx::TensorProto::INT64:
      type = ElementType::Int64;
      return true;
    default:
      return false;
  }
}

int64_t ConstTensor::count() const {
  if (!is_integer()) return static_cast<int64_t>(floats.size());
  return static_cast<int64_t>(bytes.empty() ? ints.size() : bytes.size());
}

std::vector<int64_t> ConstTensor::integers() const {
  if (bytes.empty()) return ints;
  std::vector<int64_t> values(bytes.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = integer(i);
  return values;
}

void ConstTensor::widen() {
  if (bytes.empty()) return;
  ints = integers();
  bytes = {};
}

namespace {

std::size_t element_bytes(ElementType type) {
  switch (type) {
    case ElementType::Float:
      return 4;
    case ElementType::UInt8:
    case ElementType::Int8:
      return 1;
    case ElementType::Int32:
      return 4;
    case ElementType::Int64:
      return 8;
  }
  return 1;
}

}  // namespace

ConstTensor decode_tensor(const onnx::TensorProto& tensor) {
  ConstTensor out;
  if (!element_type_of(tensor.data_type(), out.type))
    throw std::runtime_error("tensor '" + tensor.name() + "' has data type " + std::to_string(tensor.data_type()) +
                             " (onnx.TensorProto.DataType); expected float, uint8, int8, int32 or int64");
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL || tensor.external_data_size() > 0)
    throw std::runtime_error("tensor '" + tensor.name() + "' keeps its data in an external file, which is not read");
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || dim > (int64_t{1} << 31))
      throw std::runtime_error("tensor '" + tensor.name() + "' has a dimension of " + std::to_string(dim));
    count *= dim;
    if (count > (int64_t{1} << 31))
      throw std::runtime_error("tensor '" + tensor.name() + "' is larger than 2^31 elements");
  }
  out.dims.assign(tensor.dims().begin(), tensor.dims().end());
  const auto size = static_cast<std::size_t>(count);
  auto wrong_size = [&](std::size_t got) {
    return std::runtime_error("tensor '" + tensor.name() + "': dims " + std::to_string(count) + " elements, data " +
                              std::to_string(got) + " elements");
  };
  if (tensor.has_raw_data()) {
    const std::string& raw = tensor.raw_data();
    const std::size_t width = element_bytes(out.type);
    if (raw.size() != size * width) throw wrong_size(raw.size() / width);
    if (out.type == ElementType::Float) {
      out.floats.resize(size);
      std::memcpy(out.floats.data(), raw.data(), raw.size());  // little-endian, as ONNX stores it
      return out;
    }
    if (out.type == ElementType::UInt8 || out.type == ElementType::Int8) {
      out.bytes = raw;  // viewed, not copied: weights are most of a model
      return out;
    }
    out.ints.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      const char* p = raw.data() + i * width;
      if (out.type == ElementType::Int32) {
        int32_t v;
        std::memcpy(&v, p, 4);
        out.ints[i] = v;
      } else {
        int64_t v;
        std::memcpy(&v, p, 8);
        out.ints[i] = v;
      }
    }
    return out;
  }
  switch (out.type) {
    case ElementType::Float:
      if (static_cast<std::size_t>(tensor.float_data_size()) != size) throw wrong_size(tensor.float_data_size());
      out.floats.assign(tensor.float_data().begin(), tensor.float_data().end());
      break;
    case ElementType::Int64:
      if (static_cast<std::size_t>(tensor.int64_data_size()) != size) throw wrong_size(tensor.int64_data_size());
      out.ints.assign(tensor.int64_data().begin(), tensor.int64_data().end());
      break;
    default:  // uint8, int8, int32 live in int32_data
      if (static_cast<std::size_t>(tensor.int32_data_size()) != size) throw wrong_size(tensor.int32_data_size());
      out.ints.assign(tensor.int32_data().begin(), tensor.int32_data().end());
      for (int64_t v : out.ints) {
        const bool fits = out.type == ElementType::UInt8  ? (v >= 0 && v <= 255)
                          : out.type == ElementType::Int8 ? (v >= -128 && v <= 127)
                                                          : true;
        if (!fits)
          throw std::runtime_error("tensor '" + tensor.name() + "' holds " + std::to_string(v) + ", outside " +
                                   element_type_name(out.type));
      }
  }
  return out;
}

}  // namespace accelsim::onnx_import
