#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {

// Writes a sweep spec into `dir` whose first line is `base:` (configs/lenet.yaml); `body` follows.
std::filesystem::path write_spec(const TempDir& dir, const std::string& body, const std::string& name = "spec.yaml");

// An RFC 4180 CSV file as rows of header -> field; fails the test on a malformed file.
std::vector<std::map<std::string, std::string>> read_csv(const std::filesystem::path& file);

// A stand-in for the accelsim binary, for the runner's failure paths. What it does for a point
// is chosen by the point's `--set hardware.requant_unit.lanes=V`:
//   1 ok (copies a stats.json of a real LeNet run)   2 exits 3 with an error message
//   3 dies of SIGSEGV                                 4 hangs (600 s), with a grandchild in its group
//                                                       whose pid it writes to OUT/grandchild.pid
//   5 ok after 0.4 s                                  6 exits 2 (bad input) with a message
//   7 hangs (600 s) as the process the runner started (exec sleep), no grandchild
// Each run appends "PID OUT" to log() first, in one write: a line there is the ready marker of
// a run (for 7, PID is the sleeping process itself).
class FakeSimulator {
 public:
  explicit FakeSimulator(const TempDir& dir);
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& log() const { return log_; }
  // The lines of the log: pid and output folder of each run.
  std::vector<std::pair<pid_t, std::string>> runs() const;

 private:
  std::filesystem::path path_;
  std::filesystem::path log_;
};

// Whether `pid` is gone (or a zombie nobody has reaped yet).
bool process_is_gone(pid_t pid);
// Whether `pid` is gone and reaped by its parent: not even a zombie is left.
bool process_is_reaped(pid_t pid);

// Waits until `done` holds, checking every 10 ms; false if it still does not after `seconds`.
// For things that happen (a process ends, a file appears) as a guard against hanging, not as a
// measure of how fast they happen: the limit is far beyond the time they take.
template <typename Condition>
bool eventually(Condition done, int seconds = 60);

// Starts the accelsim binary with `arguments`, its stdout and stderr into `output`, without
// waiting for it (the signal tests need it running; tests/support/run_program waits). SIGINT,
// SIGTERM and SIGHUP start with their default actions, whatever the test process inherited.
pid_t start_accelsim(const std::vector<std::string>& arguments, const std::filesystem::path& output);
// Waits for it; its exit code, or 128 + the signal that ended it.
int wait_for_exit(pid_t pid);

// The regular files under `folder` (not recursive) whose name contains `part`.
std::vector<std::filesystem::path> files_containing(const std::filesystem::path& folder, const std::string& part);

template <typename Condition>
bool eventually(Condition done, int seconds) {
  for (int i = 0; i < seconds * 100; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace accelsim::testing
