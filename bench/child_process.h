#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
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

// Whether a child's standard output and error go where ours go or to /dev/null (a chatty
// reference simulator timed beside accelsim must not be timed writing to a terminal).
enum class ChildOutput { inherit, discard };

// Starts a command without a shell; the caller waits for the returned pid.
inline pid_t spawn_child(const std::vector<std::string>& command, ChildOutput output = ChildOutput::inherit) {
  const pid_t child = fork();
  if (child == 0) {
    if (output == ChildOutput::discard) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    std::vector<char*> argv;
    std::vector<std::string> copies = command;
    for (auto& part : copies) argv.push_back(part.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

inline ChildResult run_child(const std::vector<std::string>& command, ChildOutput output = ChildOutput::inherit) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = spawn_child(command, output);
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

// A child that answers one line for each line sent to it (a benchmark's helper that keeps its
// state between rounds: PyTorch's model, built once). Its stdin and stdout are pipes to us;
// closing (the destructor) sends it end-of-file and waits for it.
class LineCoprocess {
 public:
  explicit LineCoprocess(const std::vector<std::string>& command) {
    // Close-on-exec: a second coprocess must not inherit this one's stdin, or closing ours would
    // never bring it end-of-file (dup2 below clears the flag on the child's own 0 and 1).
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], STDIN_FILENO);
      dup2(from_child[1], STDOUT_FILENO);
      for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) close(fd);
      std::vector<std::string> copies = command;
      std::vector<char*> argv;
      for (auto& part : copies) argv.push_back(part.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    to_child_ = fdopen(to_child[1], "w");
    from_child_ = fdopen(from_child[0], "r");
  }
  LineCoprocess(const LineCoprocess&) = delete;
  LineCoprocess& operator=(const LineCoprocess&) = delete;
  ~LineCoprocess() {
    if (to_child_) std::fclose(to_child_);
    if (from_child_) std::fclose(from_child_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }

  // Sends `request` (one line) and returns the child's answer line without its newline, or
  // nullopt if the child has ended.
  std::optional<std::string> ask(const std::string& request) {
    if (!to_child_ || !from_child_) return std::nullopt;
    if (std::fputs((request + "\n").c_str(), to_child_) < 0 || std::fflush(to_child_) != 0) return std::nullopt;
    std::string line;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, from_child_)) {
      line += buffer;
      if (!line.empty() && line.back() == '\n') {
        line.pop_back();
        return line;
      }
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
  FILE* to_child_ = nullptr;
  FILE* from_child_ = nullptr;
};

}  // namespace accelsim::bench
