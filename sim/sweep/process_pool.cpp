#include "sim/sweep/process_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace accelsim::sweep {

using Clock = std::chrono::steady_clock;

namespace detail {
struct RunningChild {
  std::size_t index = 0;
  pid_t pid = -1;
  int error_fd = -1;
  std::string error_output;
  Clock::time_point start;
  std::optional<Clock::time_point> deadline;
  bool timed_out = false;
  bool interrupted = false;
};
}  // namespace detail

bool is_stop_request(int signal) { return signal == SIGINT || signal == SIGTERM || signal == SIGHUP; }

namespace {

using Running = detail::RunningChild;

void append_tail(std::string& text, const char* data, std::size_t size) {
  text.append(data, size);
  // Trimmed only once twice the tail has piled up, so that copying stays linear in the output.
  if (text.size() > 2 * ProcessPool::kErrorTail) text.erase(0, text.size() - ProcessPool::kErrorTail);
}

// Reads what the pipe holds now; closes it at end of file.
void read_available(Running& child) {
  char buffer[4096];
  while (child.error_fd >= 0) {
    const ssize_t count = read(child.error_fd, buffer, sizeof buffer);
    if (count > 0) {
      append_tail(child.error_output, buffer, static_cast<std::size_t>(count));
    } else if (count == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(child.error_fd);
      child.error_fd = -1;
    } else if (errno == EAGAIN) {
      return;
    }
  }
}

// In the child, after fork: reports errno to the parent through `report_fd` and exits.
[[noreturn]] void fail_in_child(int report_fd) {
  const int error = errno;
  [[maybe_unused]] const ssize_t ignored = write(report_fd, &error, sizeof error);
  _exit(127);
}

// `fd` as `target`, kept open across exec.
bool install_fd(int fd, int target) {
  if (fd == target) return fcntl(fd, F_SETFD, 0) == 0;
  return dup2(fd, target) == target;
}

bool install_dev_null(int target, int flags) {
  const int fd = open("/dev/null", flags | O_CLOEXEC);
  return fd >= 0 && install_fd(fd, target) && (fd == target || close(fd) == 0);
}

// The child between fork and exec: async-signal-safe calls only (no allocation).
[[noreturn]] void exec_child(char* const* argv, int error_write_fd, int report_fd, pid_t parent) {
  // Die with the runner. Without this, simulators (in process groups of their own) outlive a
  // runner killed with SIGKILL or by the OOM killer and go on writing into the sweep folder.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_in_child(report_fd);
  // The runner may have died before prctl: then nothing would kill this child.
  if (getppid() != parent) _exit(127);
  setpgid(0, 0);
  if (!install_fd(error_write_fd, STDERR_FILENO) || !install_dev_null(STDIN_FILENO, O_RDONLY) ||
      !install_dev_null(STDOUT_FILENO, O_WRONLY))
    fail_in_child(report_fd);
  // The runner's handlers and mask are not the simulator's: default dispositions (ignored
  // ones too, as posix_spawn's SETSIGDEF did), nothing blocked.
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  sigemptyset(&defaults.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE}) sigaction(signal, &defaults, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(argv[0], argv);
  fail_in_child(report_fd);
}

struct Started {
  pid_t pid = -1;
  int error_fd = -1;  // the read end of the child's stderr
  int error = 0;      // errno of the failure when pid < 0
  const char* step = "";
};

// Starts a child in a process group of its own; fork and exec rather than posix_spawn because
// the child must set PR_SET_PDEATHSIG before exec. Exec failures come back through a
// close-on-exec pipe, so that a program that cannot run is known before this returns.
Started start_child(const ChildCommand& command) {
  Started started;
  auto failed = [&](const char* step) {
    started.error = errno;
    started.step = step;
    return started;
  };
  std::vector<char*> argv;  // prepared before fork: the child must not allocate
  for (const auto& argument : command.argv) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);

  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) return failed("pipe");
  int report_pipe[2];
  if (pipe2(report_pipe, O_CLOEXEC) != 0) {
    failed("pipe");
    close(error_pipe[0]);
    close(error_pipe[1]);
    return started;
  }
  // Blocked across fork so that no handler of the runner's SignalWatch runs in the child.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) exec_child(argv.data(), error_pipe[1], report_pipe[1], parent);
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  close(error_pipe[1]);
  close(report_pipe[1]);
  if (pid < 0) {
    close(error_pipe[0]);
    close(report_pipe[0]);
    errno = fork_errno;
    return failed("fork");
  }
  setpgid(pid, pid);  // the child does it too: whichever runs first, kill(-pid) finds the group

  int child_errno = 0;
  ssize_t count = 0;
  do {
    count = read(report_pipe[0], &child_errno, sizeof child_errno);
  } while (count < 0 && errno == EINTR);
  close(report_pipe[0]);
  if (count == static_cast<ssize_t>(sizeof child_errno)) {
    waitpid(pid, nullptr, 0);
    close(error_pipe[0]);
    errno = child_errno;
    return failed("exec");
  }
  fcntl(error_pipe[0], F_SETFL, fcntl(error_pipe[0], F_GETFL) | O_NONBLOCK);
  started.pid = pid;
  started.error_fd = error_pipe[0];
  return started;
}

// A failure that a child ending would cure: descriptors, processes or memory running out.
bool is_shortage(int error) { return error == EMFILE || error == ENFILE || error == EAGAIN || error == ENOMEM; }

ChildOutcome spawn_failure(const ChildCommand& command, const Started& started) {
  ChildOutcome outcome;
  outcome.end = ChildEnd::SpawnFailed;
  outcome.error_output = command.argv.empty()
                             ? std::string("no command")
                             : "cannot start " + command.argv.front() + ": " +
                                   (std::strcmp(started.step, "exec") == 0 ? "" : std::string(started.step) + ": ") +
                                   std::strerror(started.error);
  return outcome;
}

ChildOutcome outcome_of(Running& child, int status) {
  ChildOutcome outcome;
  outcome.error_output = std::move(child.error_output);
  if (outcome.error_output.size() > ProcessPool::kErrorTail)
    outcome.error_output.erase(0, outcome.error_output.size() - ProcessPool::kErrorTail);
  if (WIFEXITED(status)) {
    outcome.end = ChildEnd::Exited;
    outcome.exit_code = WEXITSTATUS(status);
  } else {
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (child.timed_out)
      outcome.end = ChildEnd::TimedOut;
    else if (child.interrupted || is_stop_request(outcome.signal))
      outcome.end = ChildEnd::Interrupted;
    else
      outcome.end = ChildEnd::Signaled;
  }
  return outcome;
}

int milliseconds_until(Clock::time_point when, Clock::time_point now) {
  if (when <= now) return 0;
  return static_cast<int>(std::ceil(std::chrono::duration<double, std::milli>(when - now).count()));
}

}  // namespace

ProcessPool::ProcessPool(int parallel, const SignalWatch& watch) : parallel_(std::max(1, parallel)), watch_(watch) {}

bool ProcessPool::run(std::size_t count, const CommandFor& command_for, const OnEnd& on_end) {
  std::vector<Running> running;
  try {
    return run_loop(count, command_for, on_end, running);
  } catch (...) {
    // No child outlives a pool that failed (a callback threw, poll failed).
    for (auto& child : running) {
      kill(-child.pid, SIGKILL);
      waitpid(child.pid, nullptr, 0);
      if (child.error_fd >= 0) close(child.error_fd);
    }
    throw;
  }
}

bool ProcessPool::run_loop(std::size_t count, const CommandFor& command_for, const OnEnd& on_end,
                           std::vector<detail::RunningChild>& running) {
  std::size_t next = 0;
  bool stopping = false, killed = false;
  Clock::time_point kill_at;
  // A command that could not start for want of resources while others ran: started again once
  // one of them has ended and released its descriptors and memory.
  struct Deferred {
    std::size_t index;
    ChildCommand command;
  };
  std::optional<Deferred> deferred;
  bool a_child_ended_since_deferral = false;
  // Children collected but not yet reported: on_end runs once their slots hold new children, so
  // that what the caller does with a result (a sweep reads the point's stats.json and writes its
  // record, about 3 ms) overlaps the next simulations instead of leaving a core idle.
  std::vector<std::pair<std::size_t, ChildOutcome>> ended;
  auto report_ended = [&] {
    for (auto& [index, outcome] : ended) on_end(index, outcome);
    ended.clear();
  };

  auto stop = [&](Clock::time_point now) {
    stopping = true;
    kill_at = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kGraceSeconds));
    for (auto& child : running) {
      child.interrupted = true;
      kill(-child.pid, SIGTERM);
    }
  };

  while (true) {
    Clock::time_point now = Clock::now();
    if (watch_.interrupted() && !stopping) stop(now);
    if (stopping && !killed && (now >= kill_at || watch_.interrupt_count() > 1)) {
      killed = true;
      for (auto& child : running) kill(-child.pid, SIGKILL);
    }

    try {
      while (!stopping && running.size() < static_cast<std::size_t>(parallel_)) {
        std::size_t index = 0;
        ChildCommand command;
        if (deferred) {
          if (!a_child_ended_since_deferral) break;
          index = deferred->index;
          command = std::move(deferred->command);
          deferred.reset();
        } else if (next < count) {
          index = next++;
          command = command_for(index);
        } else {
          break;
        }
        const Started started = command.argv.empty() ? Started{-1, -1, EINVAL, "argv"} : start_child(command);
        if (started.pid < 0) {
          if (is_shortage(started.error) && !running.empty()) {
            deferred = Deferred{index, std::move(command)};
            a_child_ended_since_deferral = false;
            break;
          }
          on_end(index, spawn_failure(command, started));
          continue;
        }
        Running child;
        child.index = index;
        child.pid = started.pid;
        child.error_fd = started.error_fd;
        child.start = Clock::now();
        if (command.timeout_seconds > 0)
          child.deadline = child.start + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(command.timeout_seconds));
        running.push_back(std::move(child));
      }
    } catch (...) {
      report_ended();  // a child that ended keeps its result though the next one could not start
      throw;
    }
    report_ended();
    if (running.empty()) break;  // a deferred command is only left behind when stopping

    std::vector<pollfd> fds{{watch_.wake_fd(), POLLIN, 0}};
    std::vector<Running*> readers;
    int timeout_ms = -1;
    now = Clock::now();
    for (auto& child : running) {
      if (child.error_fd >= 0) {
        fds.push_back({child.error_fd, POLLIN, 0});
        readers.push_back(&child);
      }
      if (child.deadline && !child.timed_out) {
        const int ms = milliseconds_until(*child.deadline, now);
        timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
      }
    }
    if (stopping && !killed) {
      const int ms = milliseconds_until(kill_at, now);
      timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
    }
    const int ready = poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    watch_.drain();
    for (std::size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents != 0) read_available(*readers[i - 1]);

    now = Clock::now();
    // Before any child is collected: when a whole process group or Slurm job is stopped, the
    // children may die of the signal in the same instant as this process gets it.
    if (watch_.interrupted() && !stopping) stop(now);
    for (auto& child : running) {
      if (child.deadline && !child.timed_out && now >= *child.deadline) {
        child.timed_out = true;
        kill(-child.pid, SIGKILL);
      }
    }
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t waited = waitpid(it->pid, &status, WNOHANG);
      if (waited != it->pid) {
        ++it;
        continue;
      }
      // The flag is read again now that the child is gone: the signal that stopped it may have
      // reached this process only since the check above.
      if (WIFSIGNALED(status) && watch_.interrupted()) it->interrupted = true;
      read_available(*it);  // what is left in the pipe; grandchildren may keep it open
      if (it->error_fd >= 0) close(it->error_fd);
      ended.emplace_back(it->index, outcome_of(*it, status));
      it = running.erase(it);
      a_child_ended_since_deferral = true;
    }
  }
  return !stopping;
}

}  // namespace accelsim::sweep
