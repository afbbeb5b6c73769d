#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace accelsim::npy {

enum class Dtype { Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64 };

const char* dtype_name(Dtype dtype);  // "int8", ...
std::size_t dtype_size(Dtype dtype);

// A malformed or unexpected .npy file; the message names the file.
class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A C-order array read from a NumPy .npy file (format versions 1.0, 2.0, 3.0), little-endian.
struct NpyArray {
  Dtype dtype = Dtype::UInt8;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  std::size_t element_count() const;
  std::string shape_text() const;  // "[6, 1, 5, 5]"
  // Elements converted to T; the dtype must be exactly `expected` (no silent casts).
  template <typename T>
  std::vector<T> values_as(Dtype expected, const std::string& name) const;
};

// "[6, 1, 5, 5]".
std::string shape_text(const std::vector<int64_t>& shape);

// Parses an in-memory .npy image; `name` labels error messages. Never reads out of bounds.
NpyArray parse_npy(const uint8_t* data, std::size_t size, const std::string& name);
// A file's whole array, read straight into its bytes.
NpyArray read_npy(const std::filesystem::path& file);
// The first `max_rows` entries along the first axis (all of them when the file holds fewer), without reading the
// rest of the file; `shape[0]` is the number read, `file_rows` the file's. The file is checked as read_npy checks it,
// with the same errors (its size included).
NpyArray read_npy_rows(const std::filesystem::path& file, int64_t max_rows, int64_t& file_rows);
// The bytes of a version 1.0 .npy file holding `data` (row-major, `shape`).
std::string encode_npy(Dtype dtype, const std::vector<int64_t>& shape, const void* data);
// Writes a .npy file whole or not at all (temporary file, rename); NpyError on failure.
void write_npy(const std::filesystem::path& file, Dtype dtype, const std::vector<int64_t>& shape, const void* data);

template <typename T>
std::vector<T> NpyArray::values_as(Dtype expected, const std::string& name) const {
  if (dtype != expected)
    throw NpyError(name + ": expected " + dtype_name(expected) + " data, got " + dtype_name(dtype));
  if (sizeof(T) != dtype_size(dtype)) throw NpyError(name + ": internal element size mismatch");
  std::vector<T> values(element_count());
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

}  // namespace accelsim::npy
