#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <system_error>

namespace accelsim::report {

namespace fs = std::filesystem;

// Unique among this process's temporaries (the count) and among processes: the process id, taken
// at each call (a forked child gets its own), and a random number drawn once per process (each
// std::random_device costs about 15 us, a run names six or more files).
fs::path temporary_name_for(const fs::path& destination) {
  static const std::string drawn_once = std::to_string(std::random_device{}());
  static std::atomic<unsigned long> count{0};
  return destination.parent_path() / ("." + destination.filename().string() + ".tmp" + std::to_string(::getpid()) +
                                      "-" + drawn_once + "-" + std::to_string(count++));
}

// Two steps where a regular file is there already: exchange the two names (renameat2's
// RENAME_EXCHANGE, atomic like rename), then remove the old file under the temporary's name.
// A plain rename over an existing file makes ext4 (auto_da_alloc) start writing the new file's
// data back before the rename returns: 0.2-3 ms per file on this machine, and a design point run
// again into the same folder replaces six of them. The exchange is not a replacing rename, so
// nothing is flushed, and readers still see the old file or the whole new one. (Neither path
// syncs: after a power cut, the new file's data may be lost either way.) Anything else there (a
// folder, a link) or a filesystem without the exchange gets the plain rename, as before.
void move_into_place(const fs::path& temporary, const fs::path& destination, std::error_code& ec) {
  ec.clear();
  struct stat existing {};
  if (::lstat(destination.c_str(), &existing) == 0 && S_ISREG(existing.st_mode) &&
      ::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, destination.c_str(), RENAME_EXCHANGE) == 0) {
    ::unlink(temporary.c_str());  // the new file is in place; a failure here leaves the old one as a .tmp file
    return;
  }
  fs::rename(temporary, destination, ec);
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
  move_into_place(temporary, file, ec);
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
