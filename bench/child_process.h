#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace accelsim::bench {

// Runs a command without a shell and waits for it; returns its exit status (-1 if it did not
// exit normally), wall time, CPU time (user + system, all its threads) and peak resident memory.
struct ChildResult {
  int exit_code = -1;
  double seconds = 0;
  double cpu_seconds = 0;
  double peak_rss_bytes = 0;  // getrusage's ru_maxrss of the child
};

// Starts a command without a shell; the caller waits for the returned pid.
inline pid_t spawn_child(const std::vector<std::string>& command) {
  const pid_t child = fork();
  if (child == 0) {
    std::vector<char*> argv;
    std::vector<std::string> copies = command;
    for (auto& part : copies) argv.push_back(part.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

inline ChildResult run_child(const std::vector<std::string>& command) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = spawn_child(command);
  int status = 0;
  struct rusage usage {};
  wait4(child, &status, 0, &usage);
  ChildResult result;
  result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  result.peak_rss_bytes = static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports kilobytes
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace accelsim::bench
