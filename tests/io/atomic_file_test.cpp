// Output files replaced in one step: readers see the old file or the whole new one, nothing is
// left beside them, and what is not a regular file is never swapped away.
#include "core/io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
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

// Temporary names never repeat: not within a process, and not between a process and a child it
// forks (sweeps and --topology fork their runs), which inherits everything drawn before the fork.
TEST(AtomicFile, TemporaryNamesDifferWithinAProcessAndAcrossAFork) {
  const fs::path destination = "/nonexistent/stats.json";
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) names.insert(temporary_name_for(destination).string());
  EXPECT_EQ(names.size(), 1000U);

  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string name = temporary_name_for(destination).string();
    const bool written = ::write(pipe_ends[1], name.data(), name.size()) == static_cast<ssize_t>(name.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(pipe_ends[1]);
  std::string from_child;
  char buffer[256];
  for (ssize_t got; (got = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0;) from_child.append(buffer, got);
  ::close(pipe_ends[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(from_child.empty());
  EXPECT_EQ(names.count(from_child), 0U) << from_child;
  EXPECT_NE(from_child, temporary_name_for(destination).string());  // the parent's next name
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
