#include "core/io/atomic_file.h"

#include <fcntl.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <system_error>

namespace accelsim::report {

namespace fs = std::filesystem;

fs::path temporary_name_for(const fs::path& destination) {
  std::random_device entropy;
  return destination.parent_path() / ("." + destination.filename().string() + ".tmp" + std::to_string(entropy()));
}

void move_into_place(const fs::path& temporary, const fs::path& destination, std::error_code& ec) {
  // A plain rename onto an existing file makes ext4 (auto_da_alloc) start writing the new file's
  // data out, and removing the replaced file then waits for whatever of its own data is still being
  // written: a run into a folder a run wrote just before spent about 20 ms of wall time waiting on
  // the disk. Exchanging the two names (as atomic for readers) and then removing the old file, now
  // under the temporary name, starts no write-out. Anything but an existing regular file (none, a
  // folder, a link), or a file system without exchange, takes the plain rename and its errors.
  std::error_code status_error;
  if (fs::symlink_status(destination, status_error).type() == fs::file_type::regular &&
      renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, destination.c_str(), RENAME_EXCHANGE) == 0) {
    std::error_code ignored;  // the old file left under the temporary name would only be untidy
    fs::remove(temporary, ignored);
    ec.clear();
    return;
  }
  fs::rename(temporary, destination, ec);
}

void write_file_atomically(const fs::path& file, const std::string& content) {
  const fs::path temporary = temporary_name_for(file);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw OutputError(file.string() + ": cannot be written (" +
                        std::error_code(errno, std::generic_category()).message() + ")");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
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
