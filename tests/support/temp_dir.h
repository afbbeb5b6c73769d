#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace accelsim::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `relative` (creating directories) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// The repository root, for tests that read committed model files.
std::filesystem::path source_dir();

// configs/lenet.yaml of the repository, as a command-line argument.
std::string lenet_config();

// Whether `text` holds `part`, for checking messages.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The whole of `file`, byte for byte; std::runtime_error if it cannot be read, so that a
// missing output fails a test with its name rather than comparing as empty.
std::string read_file(const std::filesystem::path& file);
// `file` parsed as JSON (read_file's errors, then the parser's).
inline nlohmann::json read_json(const std::filesystem::path& file) { return nlohmann::json::parse(read_file(file)); }

}  // namespace accelsim::testing
