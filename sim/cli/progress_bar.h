#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace accelsim::cli {

// A one-line progress bar with an ETA on stderr, drawn only when stderr is a terminal and at
// most ten times a second.
class ProgressBar {
 public:
  ProgressBar(std::string unit, bool enabled);
  ~ProgressBar();

  void update(int64_t done, int64_t total);
  // With a note after the figures, e.g. "3 failed".
  void update(int64_t done, int64_t total, const std::string& note);
  void finish();

 private:
  std::string unit_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace accelsim::cli
