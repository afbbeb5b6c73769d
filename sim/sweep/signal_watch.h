#pragma once

#include <csignal>

namespace accelsim::sweep {

// While alive, turns SIGINT, SIGTERM and SIGHUP into a flag and SIGCHLD into a wake-up, both
// delivered through a pipe that poll() can wait on (the self-pipe trick), so that a process
// pool can stop launching, end its children and leave its files consistent. Restores the
// previous handlers on destruction. One instance at a time.
class SignalWatch {
 public:
  SignalWatch();
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int wake_fd() const;  // readable after any watched signal
  void drain() const;   // empties the pipe
  bool interrupted() const;
  int interrupt_signal() const;  // the first SIGINT/SIGTERM/SIGHUP seen, or 0
  int interrupt_count() const;

 private:
  struct sigaction previous_[4];
};

}  // namespace accelsim::sweep
