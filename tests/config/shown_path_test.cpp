// ShownPaths gives what std::filesystem::proximate gives (the effective configuration records file
// paths so), for files that exist or not, through symlinked files and folders, relative or absolute.
#include "core/config/shown_path.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace accelsim::config {
namespace {

namespace fs = std::filesystem;

TEST(ShownPaths, AgreeWithProximateWhateverThePathLeadsThrough) {
  testing::TempDir dir;
  const fs::path root = dir.path();
  fs::create_directories(root / "data" / "inner");
  std::ofstream(root / "data" / "a.npy") << "a";
  std::ofstream(root / "data" / "inner" / "b.npy") << "b";
  fs::create_symlink(root / "data" / "inner" / "b.npy", root / "data" / "link.npy");  // a symlinked file
  fs::create_directory_symlink(root / "data" / "inner", root / "folder_link");        // a symlinked folder
  const std::vector<fs::path> paths = {
      root / "data" / "a.npy",
      root / "data" / "missing.npy",          // a file that does not exist
      root / "nowhere" / "deeper" / "x.npy",  // nor does its folder
      root / "data" / "link.npy",             // resolves into inner/
      root / "folder_link" / "b.npy",         // through the folder's link
      root / "folder_link" / "missing.npy",   // through it, to nothing
      root / "data" / "inner" / ".." / "a.npy",
      root / "data" / "inner",  // a folder
      "relative_nowhere/x.npy",
      "x.npy",
      "/",
  };
  ShownPaths shown;
  for (int pass = 0; pass < 2; ++pass)  // the second from what the first remembered
    for (fs::path path : paths) {
      const fs::path relative = path.is_absolute() ? path.lexically_relative(fs::current_path()) : path;
      for (const fs::path& spelling : {path, relative}) {
        std::error_code ec;
        const fs::path expected = fs::proximate(spelling, ec);
        EXPECT_EQ(shown.shown(spelling), ec ? spelling.string() : expected.string()) << spelling;
      }
    }
  // A symlinked file is shown as where it leads, not where it is named.
  EXPECT_EQ(shown.shown(root / "data" / "link.npy"), fs::proximate(root / "data" / "inner" / "b.npy").string());
}

}  // namespace
}  // namespace accelsim::config
