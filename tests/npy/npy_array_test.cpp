#include "core/npy/npy_array.h"

#include <gtest/gtest.h>

#include <cstring>
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

TEST(Npy, ReadsTheFirstRowsOnly) {
  testing::TempDir dir;
  // 3 rows of 2 int16: row r holds 10 r and 10 r + 1.
  const std::vector<int16_t> values = {0, 1, 10, 11, 20, 21};
  write_npy(dir.path() / "rows.npy", Dtype::Int16, {3, 2}, values.data());
  int64_t file_rows = 0;
  const NpyArray two = read_npy_rows(dir.path() / "rows.npy", 2, file_rows);
  EXPECT_EQ(file_rows, 3);
  EXPECT_EQ(two.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(two.values_as<int16_t>(Dtype::Int16, "t"), (std::vector<int16_t>{0, 1, 10, 11}));
  const NpyArray all = read_npy_rows(dir.path() / "rows.npy", 7, file_rows);  // more than it holds: all 3
  EXPECT_EQ(all.shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(all.bytes, read_npy(dir.path() / "rows.npy").bytes);
}

TEST(Npy, ReadingRowsChecksTheWholeFileAsReadingItAllDoes) {
  testing::TempDir dir;
  const std::string good_header = header_v1("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }");
  // Each malformed file gives read_npy_rows the message read_npy gives, though one row is asked for.
  for (const std::string& bytes :
       {std::string(""), good_header + std::string(15, '\0'), good_header + std::string(17, '\0'),
        good_header.substr(0, 30), std::string("\x93NUMPY\x02\x00\xff\xff\x00\x00", 12),
        header_v1("{'descr': '<i4', 'fortran_order': True, 'shape': (1,), }") + std::string(4, '\0')}) {
    const auto file = dir.write("bad.npy", bytes);
    std::string whole, rows;
    try {
      read_npy(file);
    } catch (const NpyError& e) {
      whole = e.what();
    }
    try {
      int64_t file_rows = 0;
      read_npy_rows(file, 1, file_rows);
    } catch (const NpyError& e) {
      rows = e.what();
    }
    EXPECT_FALSE(whole.empty());
    EXPECT_EQ(rows, whole);
    // And both are what parsing the same bytes in memory reports.
    std::string parsed;
    try {
      parse_npy(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), file.string());
    } catch (const NpyError& e) {
      parsed = e.what();
    }
    EXPECT_EQ(whole, parsed);
  }
}

}  // namespace
}  // namespace accelsim::npy
