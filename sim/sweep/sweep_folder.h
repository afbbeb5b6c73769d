#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

namespace accelsim::sweep {

// Holds an exclusive lock on a sweep's output folder (OUT/.sweep.lock, flock) so that two
// runs or merges cannot write the same results; released when destroyed, or by the kernel
// when the process dies. Throws report::OutputError when the folder is busy or unusable.
class SweepFolderLock {
 public:
  explicit SweepFolderLock(const std::filesystem::path& out);
  ~SweepFolderLock();
  SweepFolderLock(const SweepFolderLock&) = delete;
  SweepFolderLock& operator=(const SweepFolderLock&) = delete;

 private:
  int fd_ = -1;
};

// Removes the temporary files (".NAME.tmpN") that a process killed in the middle of an atomic
// write leaves beside the real files, in `folder` only (not its subfolders), when last written
// before `written_before`. Readers never read them (they read files by their real names), so
// one left behind is only clutter; one still being written belongs to a live writer and must
// stay, or its rename fails.
void remove_temporaries(const std::filesystem::path& folder,
                        std::filesystem::file_time_type written_before = std::filesystem::file_time_type::max());

// A temporary file not written to for this long has no live writer: an atomic write renames
// its file moments after writing it. (An hour, not seconds: the clock of a shared file system's
// server may differ from this host's.)
inline constexpr std::chrono::hours kAbandonedTemporaryAge{1};

// Clears the temporary files of a sweep folder at the start of a run or merge, which holds the
// folder's lock. In OUT itself every one goes: only a lock holder writes there. Under
// OUT/points/ (point results, and each point's own accelsim output) only those older than
// kAbandonedTemporaryAge: `--run-point` commands write there without the lock and may be
// writing now, on this host or another.
void remove_abandoned_temporaries(const std::filesystem::path& out,
                                  const std::vector<std::filesystem::path>& point_output_dirs);

}  // namespace accelsim::sweep
