#include "sim/sweep/sweep_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/io/atomic_file.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;

SweepFolderLock::SweepFolderLock(const fs::path& out) {
  report::prepare_output_directory(out);
  const fs::path file = out / ".sweep.lock";
  fd_ = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw report::OutputError(file.string() + ": cannot be created (" + std::strerror(errno) + ")");
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    close(fd_);
    throw report::OutputError(out.string() + ": another accelsim sweep is using this folder");
  }
}

SweepFolderLock::~SweepFolderLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

void remove_temporaries(const fs::path& folder, fs::file_time_type written_before) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() < 2 || name[0] != '.' || name.find(".tmp") == std::string::npos || !it->is_regular_file(ec))
      continue;
    std::error_code ignored;
    const fs::file_time_type written = fs::last_write_time(it->path(), ignored);
    if (!ignored && written < written_before) fs::remove(it->path(), ignored);
  }
}

void remove_abandoned_temporaries(const fs::path& out, const std::vector<fs::path>& point_output_dirs) {
  remove_temporaries(out);
  const fs::file_time_type abandoned_before = fs::file_time_type::clock::now() - kAbandonedTemporaryAge;
  remove_temporaries(out / "points", abandoned_before);
  for (const auto& folder : point_output_dirs) remove_temporaries(folder, abandoned_before);
}

}  // namespace accelsim::sweep
