#include "tests/support/run_program.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace accelsim::testing {

namespace {

using SteadyClock = std::chrono::steady_clock;

long long milliseconds_until(SteadyClock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
}

// Kills `child` and everything it started (its process group) and reaps it.
int kill_and_reap(pid_t child) {
  kill(-child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Reaps `child` if it ends before `deadline`; otherwise kills it (and its process group) then.
// Sets `timed_out` when it had to kill.
int reap_before(pid_t child, SteadyClock::time_point deadline, bool& timed_out) {
  while (true) {
    int status = 0;
    const pid_t reaped = waitpid(child, &status, WNOHANG);
    if (reaped == child) return status;
    if (reaped < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (milliseconds_until(deadline) <= 0) {
      timed_out = true;
      return kill_and_reap(child);
    }
    // waitpid cannot wait with a time limit; checking every few milliseconds keeps it short.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

ProgramResult run_program(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                          int timeout_seconds) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    const int null_input = open("/dev/null", O_RDONLY);
    if (null_input >= 0) dup2(null_input, STDIN_FILENO);
    setpgid(0, 0);  // its own process group: a timeout kills the tool's children too
    std::vector<std::string> copies = arguments;
    std::string path = program.string();
    std::vector<char*> argv{path.data()};
    for (auto& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  // Also here, so that the group exists before any kill below, whichever process runs first.
  setpgid(child, child);
  close(pipe_fds[1]);
  ProgramResult result;
  std::array<char, 4096> buffer{};
  // One deadline for reading the output and for the exit after it: a tool that closes its
  // output but keeps running is killed too.
  const auto deadline = SteadyClock::now() + std::chrono::seconds(timeout_seconds);
  while (true) {
    const auto left = milliseconds_until(deadline);
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd readable{pipe_fds[0], POLLIN, 0};
    if (poll(&readable, 1, static_cast<int>(std::min<long long>(left, 1000))) <= 0) continue;
    const ssize_t count = read(pipe_fds[0], buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;
    result.output.append(buffer.data(), static_cast<std::size_t>(count));
  }
  close(pipe_fds[0]);
  const int status = result.timed_out ? kill_and_reap(child) : reap_before(child, deadline, result.timed_out);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<std::filesystem::path> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "/usr/bin:/bin");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    if (folder.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(folder) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

}  // namespace accelsim::testing
