#include "core/npy/tensor_source.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/temp_dir.h"

namespace accelsim::npy {
namespace {

NpyArray int16_array(const std::vector<int64_t>& shape, const std::vector<int16_t>& values) {
  NpyArray array;
  array.dtype = Dtype::Int16;
  array.shape = shape;
  array.bytes.resize(values.size() * 2);
  if (!values.empty()) std::memcpy(array.bytes.data(), values.data(), array.bytes.size());  // no null to memcpy
  return array;
}

std::vector<int16_t> values_of(NpyArray array) { return array.values_as<int16_t>(Dtype::Int16, "t"); }

TEST(TensorFiles, ReadsTheFileAsReadNpyRowsDoes) {
  testing::TempDir dir;
  const std::vector<int16_t> on_disk = {1, 2, 3, 4, 5, 6};
  write_npy(dir.path() / "t.npy", Dtype::Int16, {3, 2}, on_disk.data());
  TensorFiles files;
  EXPECT_EQ(values_of(files.read(dir.path() / "t.npy")), on_disk);
  int64_t file_rows = 0;
  const NpyArray first = files.read_rows(dir.path() / "t.npy", 1, file_rows);
  EXPECT_EQ(file_rows, 3);
  EXPECT_EQ(first.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(values_of(first), (std::vector<int16_t>{1, 2}));
  EXPECT_THROW(files.read(dir.path() / "absent.npy"), NpyError);
}

// The arrays are added with other values than their files' (which add's contract forbids), to
// tell where each read comes from.
TEST(TensorsInMemory, AnAddedArrayIsReadOnceFromMemoryThenFromItsFile) {
  testing::TempDir dir;
  const std::vector<int16_t> on_disk = {1, 2, 3, 4, 5, 6};
  const std::vector<int16_t> in_memory = {10, 20, 30, 40, 50, 60};
  write_npy(dir.path() / "kept.npy", Dtype::Int16, {3, 2}, on_disk.data());
  TensorsInMemory tensors;
  // Added by one spelling of the path, read by another (relative, through no `..`).
  tensors.add(dir.path() / "sub" / ".." / "kept.npy", int16_array({3, 2}, in_memory));
  const std::filesystem::path relative = (dir.path() / "kept.npy").lexically_relative(std::filesystem::current_path());
  int64_t file_rows = 0;
  const NpyArray first = tensors.read_rows(relative, 2, file_rows);  // two of its three rows
  EXPECT_EQ(file_rows, 3);
  EXPECT_EQ(first.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(values_of(first), (std::vector<int16_t>{10, 20, 30, 40}));
  // Handed over: the next read is the file's.
  EXPECT_EQ(values_of(tensors.read(dir.path() / "kept.npy")), on_disk);
}

TEST(TensorsInMemory, AnotherFileIsReadFromDisk) {
  testing::TempDir dir;
  const std::vector<int16_t> on_disk = {1, 2, 3, 4, 5, 6};
  write_npy(dir.path() / "other.npy", Dtype::Int16, {3, 2}, on_disk.data());
  TensorsInMemory tensors;
  tensors.add(dir.path() / "kept.npy", int16_array({3, 2}, {10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(values_of(tensors.read(dir.path() / "other.npy")), on_disk);
  EXPECT_THROW(tensors.read(dir.path() / "absent.npy"), NpyError);
}

TEST(TensorsInMemory, BorrowedBytesAreCopiedWhenRead) {
  testing::TempDir dir;
  const std::vector<int16_t> on_disk = {1, 2, 3, 4, 5, 6};
  write_npy(dir.path() / "kept.npy", Dtype::Int16, {3, 2}, on_disk.data());
  std::vector<int16_t> in_memory = {10, 20, 30, 40, 50, 60};
  TensorsInMemory tensors;
  tensors.add(dir.path() / "kept.npy", int16_array({3, 2}, {}), in_memory.data());
  int64_t file_rows = 0;
  const NpyArray first = tensors.read_rows(dir.path() / "kept.npy", 1, file_rows);
  in_memory[0] = 99;  // a copy: what was read does not change with the lender's bytes
  EXPECT_EQ(file_rows, 3);
  EXPECT_EQ(values_of(first), (std::vector<int16_t>{10, 20}));
  EXPECT_EQ(values_of(tensors.read(dir.path() / "kept.npy")), on_disk);
}

TEST(TensorsInMemory, TwoSourcesDoNotShareWhatWasAdded) {
  testing::TempDir dir;
  const std::vector<int16_t> on_disk = {1, 2};
  write_npy(dir.path() / "kept.npy", Dtype::Int16, {2}, on_disk.data());
  TensorsInMemory with_array, without;
  with_array.add(dir.path() / "kept.npy", int16_array({2}, {7, 8}));
  EXPECT_EQ(values_of(without.read(dir.path() / "kept.npy")), on_disk);
  EXPECT_EQ(values_of(with_array.read(dir.path() / "kept.npy")), (std::vector<int16_t>{7, 8}));
}

}  // namespace
}  // namespace accelsim::npy
