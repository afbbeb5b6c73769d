#include "core/npy/npy_array.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace accelsim::npy {
namespace {

std::string header_v1(const std::string& dict) {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string file = "\x93NUMPY";
  file += char(1);
  file += char(0);
  file += char(header.size() & 0xff);
  file += char(header.size() >> 8);
  return file + header;
}

NpyArray parse(const std::string& bytes) {
  return parse_npy(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "test.npy");
}

std::string error_of(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const NpyError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Npy, WrittenArraysReadBackExactly) {
  testing::TempDir dir;
  const std::vector<int32_t> values = {1, -2, 300000, -2147483647 - 1, 7, 0};
  write_npy(dir.path() / "a.npy", Dtype::Int32, {2, 3}, values.data());
  const NpyArray array = read_npy(dir.path() / "a.npy");
  EXPECT_EQ(array.dtype, Dtype::Int32);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(array.values_as<int32_t>(Dtype::Int32, "a"), values);
}

TEST(Npy, AFailedWriteLeavesNoFileBehind) {
  testing::TempDir dir;
  // A folder where the file should go: the temporary file is written, the rename fails.
  std::filesystem::create_directories(dir.path() / "a.npy" / "occupied");
  const std::vector<int8_t> values = {1, 2, 3};
  EXPECT_THROW(write_npy(dir.path() / "a.npy", Dtype::Int8, {3}, values.data()), NpyError);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "a.npy.tmp"));
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1) << "only the folder a.npy: no temporary file left";
  EXPECT_THROW(write_npy(dir.path() / "missing" / "b.npy", Dtype::Int8, {3}, values.data()), NpyError);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing"));
}

TEST(Npy, ParsesNumpyStyleHeaders) {
  const std::string bytes =
      header_v1("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }") + std::string("\x01\xff\x7f", 3);
  const NpyArray array = parse(bytes);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(array.values_as<int8_t>(Dtype::Int8, "t"), (std::vector<int8_t>{1, -1, 127}));
  const NpyArray scalar =
      parse(header_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (), }") + std::string(8, '\0'));
  EXPECT_EQ(scalar.element_count(), 1u);
}

TEST(Npy, RejectsMalformedFilesWithAReason) {
  EXPECT_NE(error_of("").find("not a .npy file"), std::string::npos);
  EXPECT_NE(error_of("PK\x03\x04 this is a zip").find("not a .npy file"), std::string::npos);
  const std::string good_header = header_v1("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }");
  EXPECT_NE(error_of(good_header + std::string(15, '\0')).find("truncated"), std::string::npos);
  EXPECT_NE(error_of(good_header + std::string(17, '\0')).find("expected 16 data bytes"), std::string::npos);
  EXPECT_NE(error_of(good_header.substr(0, 30)).find("truncated .npy header"), std::string::npos);
  EXPECT_NE(error_of(header_v1("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }") + std::string(4, '\0'))
                .find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(error_of(header_v1("{'descr': '<i4', 'fortran_order': True, 'shape': (1,), }") + std::string(4, '\0'))
                .find("Fortran"),
            std::string::npos);
  EXPECT_NE(error_of(header_v1("{'descr': '<i4', 'fortran_order': False, 'shape': (1, }") + std::string(4, '\0'))
                .find("malformed"),
            std::string::npos);
  EXPECT_NE(error_of(header_v1("{'descr': '<i4', 'shape': (1,), }") + std::string(4, '\0')).find("lacks"),
            std::string::npos);
  EXPECT_NE(error_of(header_v1("{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999,), }"))
                .find("too large"),
            std::string::npos);
}

TEST(Npy, WrongDtypeIsNotSilentlyConverted) {
  const NpyArray array =
      parse(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }") + std::string(4, '\0'));
  EXPECT_THROW(array.values_as<int32_t>(Dtype::Int32, "w"), NpyError);
}

TEST(Npy, MissingFileIsAnError) {
  testing::TempDir dir;
  EXPECT_THROW(read_npy(dir.path() / "absent.npy"), NpyError);
}

}  // namespace
}  // namespace accelsim::npy
