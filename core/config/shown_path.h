#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace accelsim::config {

// A config's file paths as std::filesystem::proximate(path) shows them (relative to the working
// folder, symlinks resolved; the path itself when that fails), for the many files of a few folders
// a config names: the working folder and each folder are made canonical once, not once per file
// (each time a getcwd and a readlink per path component).
class ShownPaths {
 public:
  std::string shown(const std::filesystem::path& path);

 private:
  // weakly_canonical(`folder`), remembered; nullopt on an error.
  std::optional<std::filesystem::path> canonical_folder(const std::filesystem::path& folder);

  std::optional<std::filesystem::path> base_;  // weakly_canonical(current_path())
  std::map<std::filesystem::path, std::optional<std::filesystem::path>> folders_;
};

}  // namespace accelsim::config
