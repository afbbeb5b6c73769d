#include "core/npy/tensor_source.h"

#include <algorithm>

namespace accelsim::npy {

namespace {

std::filesystem::path absolute_key(const std::filesystem::path& file) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  return (ec ? file : absolute).lexically_normal();
}

}  // namespace

TensorSource& tensor_files() {
  static TensorFiles files;
  return files;
}

void TensorsInMemory::add(const std::filesystem::path& file, NpyArray array, const void* borrowed_data) {
  arrays_[absolute_key(file)] = Held{std::move(array), static_cast<const uint8_t*>(borrowed_data)};
}

NpyArray TensorsInMemory::read_rows(const std::filesystem::path& file, int64_t max_rows, int64_t& file_rows) {
  const auto found = arrays_.empty() ? arrays_.end() : arrays_.find(absolute_key(file));
  if (found == arrays_.end()) return read_npy_rows(file, max_rows, file_rows);
  NpyArray array = std::move(found->second.array);
  const uint8_t* borrowed = found->second.borrowed_data;
  arrays_.erase(found);
  file_rows = array.shape.empty() ? 1 : array.shape[0];
  if (!array.shape.empty() && max_rows < array.shape[0]) array.shape[0] = std::max<int64_t>(max_rows, 0);
  const std::size_t bytes = array.element_count() * dtype_size(array.dtype);
  if (borrowed)
    array.bytes.assign(borrowed, borrowed + bytes);
  else
    array.bytes.resize(bytes);
  return array;
}

}  // namespace accelsim::npy
