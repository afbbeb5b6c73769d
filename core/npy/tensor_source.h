#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>

#include "core/npy/npy_array.h"

namespace accelsim::npy {

// Where a run's tensors are read from: the .npy files its config names (TensorFiles), or arrays a
// caller already holds for some of them (TensorsInMemory). Passed explicitly to the loading, so
// that no reader of a file consults anything but the source it was given.
class TensorSource {
 public:
  virtual ~TensorSource() = default;
  // read_npy_rows's contract: the first `max_rows` entries along the first axis, `file_rows` the tensor's.
  virtual NpyArray read_rows(const std::filesystem::path& file, int64_t max_rows, int64_t& file_rows) = 0;
  // The whole tensor (read_npy's contract).
  NpyArray read(const std::filesystem::path& file) {
    int64_t rows = 0;
    return read_rows(file, std::numeric_limits<int64_t>::max(), rows);
  }
};

// The files themselves.
class TensorFiles final : public TensorSource {
 public:
  NpyArray read_rows(const std::filesystem::path& file, int64_t max_rows, int64_t& file_rows) override {
    return read_npy_rows(file, max_rows, file_rows);
  }
};

// A TensorFiles for callers that read no tensor from memory (it holds no state).
TensorSource& tensor_files();

// Arrays this process has just written to their files, served from memory (`accelsim --model`
// runs the config its import wrote without reading and decoding it back); any other file is read.
class TensorsInMemory final : public TensorSource {
 public:
  // `array` must be exactly what `file` holds (the same path, relative or absolute, reads it).
  // With `borrowed_data`, its bytes are not in `array` but there, valid while this source is read.
  void add(const std::filesystem::path& file, NpyArray array, const void* borrowed_data = nullptr);
  // An added array is handed over by its first read (its bytes moved, not copied); a later read
  // of the same file reads the file.
  NpyArray read_rows(const std::filesystem::path& file, int64_t max_rows, int64_t& file_rows) override;

 private:
  struct Held {
    NpyArray array;
    const uint8_t* borrowed_data = nullptr;  // the array's bytes when not in it
  };
  std::map<std::filesystem::path, Held> arrays_;  // by absolute, normalised path
};

}  // namespace accelsim::npy
