#include "core/io/atomic_file.h"

#include <fstream>
#include <random>
#include <system_error>

namespace accelsim::report {

namespace fs = std::filesystem;

fs::path temporary_name_for(const fs::path& destination) {
  std::random_device entropy;
  return destination.parent_path() / ("." + destination.filename().string() + ".tmp" + std::to_string(entropy()));
}

void write_file_atomically(const fs::path& file, const std::string& content) {
  write_file_atomically(file, {std::string_view(content)});
}

void write_file_atomically(const fs::path& file, std::initializer_list<std::string_view> pieces) {
  const fs::path temporary = temporary_name_for(file);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw OutputError(file.string() + ": cannot be written (" +
                        std::error_code(errno, std::generic_category()).message() + ")");
    for (const std::string_view piece : pieces) out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw OutputError(file.string() + ": write failed");
    }
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw OutputError(file.string() + ": cannot be written (" + ec.message() + ")");
  }
}

void prepare_output_directory(const fs::path& directory) {
  std::error_code ec;
  if (fs::exists(directory, ec) && !fs::is_directory(directory, ec))
    throw OutputError(directory.string() + ": exists and is not a directory");
  fs::create_directories(directory, ec);
  if (ec) throw OutputError(directory.string() + ": cannot create the output directory (" + ec.message() + ")");
  const fs::path probe = directory / ".accelsim-write-probe";
  {
    std::ofstream out(probe);
    if (!out) throw OutputError(directory.string() + ": the output directory is not writable");
  }
  fs::remove(probe, ec);
}

}  // namespace accelsim::report
