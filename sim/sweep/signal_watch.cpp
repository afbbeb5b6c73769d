#include "sim/sweep/signal_watch.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace accelsim::sweep {

namespace {

constexpr int kWatched[4] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD};

int g_pipe[2] = {-1, -1};
volatile std::sig_atomic_t g_interrupt_signal = 0;
volatile std::sig_atomic_t g_interrupt_count = 0;
bool g_active = false;

extern "C" void on_signal(int signal) {
  const int saved_errno = errno;
  if (signal != SIGCHLD) {
    if (g_interrupt_signal == 0) g_interrupt_signal = signal;
    g_interrupt_count = g_interrupt_count + 1;
  }
  const char byte = 0;
  [[maybe_unused]] const ssize_t ignored = write(g_pipe[1], &byte, 1);  // a full pipe already wakes poll
  errno = saved_errno;
}

}  // namespace

SignalWatch::SignalWatch() {
  if (g_active) throw std::logic_error("SignalWatch: only one at a time");
  if (pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  g_interrupt_signal = 0;
  g_interrupt_count = 0;
  g_active = true;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  for (int i = 0; i < 4; ++i) {
    sigaction(kWatched[i], nullptr, &previous_[i]);
    // A signal ignored on purpose (nohup, a background job of a script) stays ignored.
    if (kWatched[i] != SIGCHLD && previous_[i].sa_handler == SIG_IGN) continue;
    sigaction(kWatched[i], &action, nullptr);
  }
}

SignalWatch::~SignalWatch() {
  for (int i = 0; i < 4; ++i) sigaction(kWatched[i], &previous_[i], nullptr);
  close(g_pipe[0]);
  close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
  g_active = false;
}

int SignalWatch::wake_fd() const { return g_pipe[0]; }

void SignalWatch::drain() const {
  char buffer[256];
  while (read(g_pipe[0], buffer, sizeof buffer) > 0) {
  }
}

bool SignalWatch::interrupted() const { return g_interrupt_signal != 0; }
int SignalWatch::interrupt_signal() const { return g_interrupt_signal; }
int SignalWatch::interrupt_count() const { return g_interrupt_count; }

}  // namespace accelsim::sweep
