#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sim/sweep/signal_watch.h"

namespace accelsim::sweep {

namespace detail {
struct RunningChild;
}

struct ChildCommand {
  std::vector<std::string> argv;  // argv[0] is the program's path (never looked up on PATH)
  double timeout_seconds = 0;     // 0: none
};

enum class ChildEnd {
  Exited,       // exit_code holds its code
  Signaled,     // died of `signal` on its own (a fault: SIGSEGV, SIGABRT, SIGKILL from the OOM killer, ...)
  TimedOut,     // killed (with its process group) when its time was up
  Interrupted,  // stopped, not failed: by the pool when the pool was interrupted, or by SIGINT,
                // SIGTERM or SIGHUP from outside (scancel, kill); `signal` says which
  SpawnFailed,  // could not be started; error_output says why
};

// Whether a child that died of `signal` was asked to stop (SIGINT, SIGTERM, SIGHUP) rather
// than failed.
bool is_stop_request(int signal);

struct ChildOutcome {
  ChildEnd end = ChildEnd::Exited;
  int exit_code = -1;
  int signal = 0;
  std::string error_output;  // the child's stderr: its last kErrorTail bytes
};

// Runs commands as child processes, at most `parallel` at a time, launched in index order.
// Each child gets its own process group (a timeout kills the whole group), /dev/null as stdin
// and stdout, and a pipe as stderr, and dies with the thread that started it (Linux's
// PR_SET_PDEATHSIG), so a runner killed outright leaves no simulator behind. The parent
// sleeps in poll() until a child writes, ends or reaches its deadline, or a signal arrives.
// A child that cannot be started for want of file descriptors, processes or memory while
// others run is started again when one of them has ended. A child's end is reported once the
// next command has been started in its place, so that the caller's work on a result overlaps
// the next child's.
class ProcessPool {
 public:
  using CommandFor = std::function<ChildCommand(std::size_t index)>;
  using OnEnd = std::function<void(std::size_t index, const ChildOutcome& outcome)>;

  ProcessPool(int parallel, const SignalWatch& watch);

  // Returns false when interrupted (SIGINT, SIGTERM, SIGHUP): nothing more is launched, the
  // running children get SIGTERM and, after a grace period or a second signal, SIGKILL; each
  // is reported (as Interrupted unless it had exited on its own) before run returns.
  bool run(std::size_t count, const CommandFor& command_for, const OnEnd& on_end);

  static constexpr double kGraceSeconds = 2.0;
  static constexpr std::size_t kErrorTail = 8192;

 private:
  bool run_loop(std::size_t count, const CommandFor& command_for, const OnEnd& on_end,
                std::vector<detail::RunningChild>& running);

  int parallel_;
  const SignalWatch& watch_;
};

}  // namespace accelsim::sweep
