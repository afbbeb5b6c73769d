// Output files replaced in one step: readers see the old file or the whole new one, nothing is
// left beside them, and what is not a regular file is never swapped away.
#include "core/io/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/temp_dir.h"

namespace accelsim::report {
namespace {

namespace fs = std::filesystem;
using accelsim::testing::TempDir;

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int entries_in(const fs::path& directory) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory)) ++count;
  return count;
}

TEST(AtomicFile, CreatesAFileWhereThereWasNone) {
  TempDir dir;
  write_file_atomically(dir.path() / "stats.json", "new");
  EXPECT_EQ(read_file(dir.path() / "stats.json"), "new");
  EXPECT_EQ(entries_in(dir.path()), 1);  // no temporary left
}

// The exchange path: the old file ends up under the temporary's name and is removed.
TEST(AtomicFile, ReplacesAnExistingFileAndLeavesNothingBeside) {
  TempDir dir;
  std::ofstream(dir.path() / "stats.json") << "an older and longer content";
  fs::create_hard_link(dir.path() / "stats.json", dir.path() / "kept_link");
  write_file_atomically(dir.path() / "stats.json", "new");
  EXPECT_EQ(read_file(dir.path() / "stats.json"), "new");
  // The old file's data was not overwritten in place: a second name for it still reads it.
  EXPECT_EQ(read_file(dir.path() / "kept_link"), "an older and longer content");
  EXPECT_EQ(entries_in(dir.path()), 2);
}

TEST(AtomicFile, PiecesReplaceAnExistingFileWhole) {
  TempDir dir;
  write_file_atomically(dir.path() / "logits.npy", "old");
  write_file_atomically(dir.path() / "logits.npy", {"head", "", "er and data"});
  EXPECT_EQ(read_file(dir.path() / "logits.npy"), "header and data");
  EXPECT_EQ(entries_in(dir.path()), 1);
}

// A folder in the file's place is an error naming the file; the folder and its content stay.
TEST(AtomicFile, AFolderInTheWayIsAnErrorAndStays) {
  TempDir dir;
  fs::create_directories(dir.path() / "report.html");
  std::ofstream(dir.path() / "report.html" / "inside") << "kept";
  try {
    write_file_atomically(dir.path() / "report.html", "new");
    FAIL() << "expected an OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("report.html"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_directory(dir.path() / "report.html"));
  EXPECT_EQ(read_file(dir.path() / "report.html" / "inside"), "kept");
  EXPECT_EQ(entries_in(dir.path()), 1);  // no temporary left
}

// A symbolic link in the file's place is replaced by the file, as a rename does; what it pointed
// to is untouched.
TEST(AtomicFile, ALinkInTheWayIsReplacedNotItsTarget) {
  TempDir dir;
  std::ofstream(dir.path() / "target") << "target's own";
  fs::create_symlink(dir.path() / "target", dir.path() / "layers.csv");
  write_file_atomically(dir.path() / "layers.csv", "new");
  EXPECT_FALSE(fs::is_symlink(dir.path() / "layers.csv"));
  EXPECT_EQ(read_file(dir.path() / "layers.csv"), "new");
  EXPECT_EQ(read_file(dir.path() / "target"), "target's own");
  EXPECT_EQ(entries_in(dir.path()), 2);
}

TEST(AtomicFile, MoveIntoPlaceReportsAMissingTemporary) {
  TempDir dir;
  std::ofstream(dir.path() / "stats.json") << "old";
  std::error_code ec;
  move_into_place(dir.path() / ".stats.json.tmp1", dir.path() / "stats.json", ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(read_file(dir.path() / "stats.json"), "old");
}

}  // namespace
}  // namespace accelsim::report
