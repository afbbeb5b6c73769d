// The process pool: parallelism, exit codes and signals, stderr, timeouts that kill a whole
// process group, spawn failures, running short of file descriptors, interruption, and children
// that die with the pool's process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "sim/sweep/process_pool.h"
#include "tests/sweep/sweep_test_support.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;
using sweep::ChildCommand;
using sweep::ChildEnd;
using sweep::ChildOutcome;
using sweep::ProcessPool;
using sweep::SignalWatch;

ChildCommand shell(const std::string& script, double timeout = 0) {
  return ChildCommand{{"/bin/sh", "-c", script}, timeout};
}

std::map<std::size_t, ChildOutcome> run_all(const std::vector<ChildCommand>& commands, int parallel,
                                            bool* completed = nullptr) {
  const SignalWatch watch;
  ProcessPool pool(parallel, watch);
  std::map<std::size_t, ChildOutcome> outcomes;
  const bool done = pool.run(
      commands.size(), [&](std::size_t i) { return commands[i]; },
      [&](std::size_t i, const ChildOutcome& outcome) {
        EXPECT_EQ(outcomes.count(i), 0u) << "reported twice: " << i;
        outcomes[i] = outcome;
      });
  if (completed) *completed = done;
  return outcomes;
}

// A shell snippet that writes this shell's pid to `file` whole (written aside, then renamed):
// once `file` exists, the process is running its script.
std::string announce_pid(const fs::path& file) {
  return "echo $$ > " + file.string() + ".tmp && mv " + file.string() + ".tmp " + file.string();
}

pid_t read_pid(const fs::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

TEST(SweepProcessPool, RunsEveryCommandOnceWithAtMostNAtATimeInIndexOrder) {
  TempDir dir;
  const std::string log = (dir.path() / "log").string();
  const SignalWatch watch;
  ProcessPool pool(2, watch);
  std::vector<std::size_t> launched;
  std::map<std::size_t, ChildOutcome> outcomes;
  const bool completed = pool.run(
      7,
      [&](std::size_t i) {
        launched.push_back(i);
        return shell("echo + >> " + log + "; sleep 0.1; echo - >> " + log);
      },
      [&](std::size_t i, const ChildOutcome& outcome) {
        EXPECT_EQ(outcomes.count(i), 0u) << "reported twice: " << i;
        outcomes[i] = outcome;
      });
  EXPECT_TRUE(completed);
  EXPECT_EQ(launched, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(outcomes.size(), 7u);
  for (const auto& [i, outcome] : outcomes) {
    EXPECT_EQ(outcome.end, ChildEnd::Exited) << i;
    EXPECT_EQ(outcome.exit_code, 0) << i;
  }
  // Each child logs "+" when it starts and "-" when it ends: never more than 2 in between.
  std::ifstream in(log);
  std::string event;
  int running = 0, most = 0, events = 0;
  while (in >> event) {
    running += event == "+" ? 1 : -1;
    most = std::max(most, running);
    ++events;
  }
  EXPECT_EQ(events, 14);
  EXPECT_LE(most, 2);
  EXPECT_EQ(running, 0);
}

// What the caller does with a result (a sweep reads the point's files) runs while the next
// child runs: a child's end is reported after the command in its slot has been started.
TEST(SweepProcessPool, ReportsAnEndOnceTheNextChildHasStarted) {
  const SignalWatch watch;
  ProcessPool pool(1, watch);
  std::vector<std::string> events;
  const bool completed = pool.run(
      3,
      [&](std::size_t i) {
        events.push_back("start " + std::to_string(i));
        return shell("exit 0");
      },
      [&](std::size_t i, const ChildOutcome& outcome) {
        EXPECT_EQ(outcome.end, ChildEnd::Exited);
        events.push_back("end " + std::to_string(i));
      });
  EXPECT_TRUE(completed);
  EXPECT_EQ(events, (std::vector<std::string>{"start 0", "start 1", "end 0", "start 2", "end 1", "end 2"}));
}

// A child that ended is reported even when the command for the next one cannot be made (a
// sweep's point folder that cannot be created): its result is not lost with the run.
TEST(SweepProcessPool, AnEndIsReportedWhenTheNextCommandFails) {
  const SignalWatch watch;
  ProcessPool pool(1, watch);
  std::vector<std::size_t> reported;
  EXPECT_THROW(pool.run(
                   2,
                   [&](std::size_t i) {
                     if (i == 1) throw std::runtime_error("cannot prepare the next command");
                     return shell("exit 0");
                   },
                   [&](std::size_t i, const ChildOutcome&) { reported.push_back(i); }),
               std::runtime_error);
  EXPECT_EQ(reported, (std::vector<std::size_t>{0}));
}

TEST(SweepProcessPool, ReportsExitCodesSignalsAndTheChildsStderr) {
  const auto outcomes = run_all({shell("echo 'first line' >&2; echo 'accelsim: error: bad' >&2; exit 7"),
                                 shell("kill -USR1 $$"), shell("exit 0")},
                                3);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes.at(0).end, ChildEnd::Exited);
  EXPECT_EQ(outcomes.at(0).exit_code, 7);
  EXPECT_EQ(outcomes.at(0).error_output, "first line\naccelsim: error: bad\n");
  EXPECT_EQ(outcomes.at(1).end, ChildEnd::Signaled);
  EXPECT_EQ(outcomes.at(1).signal, SIGUSR1);
  EXPECT_EQ(outcomes.at(2).exit_code, 0);
  EXPECT_EQ(outcomes.at(2).error_output, "");
}

// SIGINT, SIGTERM and SIGHUP ask a process to stop (scancel, timeout, kill): a child that dies
// of one has not failed, and its point must not be recorded as crashed.
TEST(SweepProcessPool, AChildStoppedBySigintSigtermOrSighupFromOutsideIsInterruptedNotSignaled) {
  bool completed = false;
  const auto outcomes = run_all(
      {shell("kill -INT $$"), shell("kill -TERM $$"), shell("kill -HUP $$"), shell("kill -ABRT $$")}, 4, &completed);
  EXPECT_TRUE(completed) << "the pool itself was not interrupted";
  ASSERT_EQ(outcomes.size(), 4u);
  const int signals[] = {SIGINT, SIGTERM, SIGHUP};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(outcomes.at(i).end, ChildEnd::Interrupted) << strsignal(signals[i]);
    EXPECT_EQ(outcomes.at(i).signal, signals[i]);
  }
  EXPECT_EQ(outcomes.at(3).end, ChildEnd::Signaled) << "SIGABRT is a fault";
  EXPECT_EQ(outcomes.at(3).signal, SIGABRT);
}

// A whole group stopped at once (scancel): a child may die of the signal before the pool's own
// process gets it, so that the pool finds it dead in the same pass as it learns of the
// interruption. Here child 1 is killed (SIGKILL, which is no stop request on its own) and this
// process interrupted while the pool is reporting child 0, before it looks at child 1.
TEST(SweepProcessPool, AChildKilledWhileThePoolIsBeingInterruptedIsInterruptedNotSignaled) {
  TempDir dir;
  const fs::path pid_file = dir.path() / "child1.pid";
  const SignalWatch watch;
  ProcessPool pool(2, watch);
  std::map<std::size_t, ChildOutcome> outcomes;
  const bool completed = pool.run(
      2,
      [&](std::size_t i) {
        // Child 0 ends once child 1 runs, so that both are in the pool when child 0 is reported.
        return i == 0 ? shell("while [ ! -e " + pid_file.string() + " ]; do sleep 0.01; done")
                      : shell(announce_pid(pid_file) + "; exec sleep 600");
      },
      [&](std::size_t i, const ChildOutcome& outcome) {
        outcomes[i] = outcome;
        if (i != 0) return;
        const pid_t child1 = read_pid(pid_file);
        ASSERT_GT(child1, 0);
        kill(child1, SIGKILL);
        siginfo_t info{};
        waitid(P_PID, static_cast<id_t>(child1), &info, WEXITED | WNOWAIT);  // dead, not yet collected
        raise(SIGTERM);  // the watch's handler runs before raise returns
      });
  EXPECT_FALSE(completed);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes.at(0).end, ChildEnd::Exited);
  EXPECT_EQ(outcomes.at(1).end, ChildEnd::Interrupted);
  EXPECT_EQ(outcomes.at(1).signal, SIGKILL);
}

TEST(SweepProcessPool, KeepsTheLast8KiBOfALargeStderrWithoutBlockingTheChild) {
  // 2 MB: far more than a pipe holds, so the child only finishes if the pool keeps reading.
  const auto outcomes =
      run_all({shell("i=0; while [ $i -lt 20000 ]; do printf '%0100d\\n' $i >&2; i=$((i+1)); done; echo END >&2")}, 1);
  ASSERT_EQ(outcomes.at(0).end, ChildEnd::Exited);
  const std::string& tail = outcomes.at(0).error_output;
  EXPECT_EQ(tail.size(), ProcessPool::kErrorTail);
  EXPECT_EQ(ProcessPool::kErrorTail, 8192u);
  EXPECT_EQ(tail.substr(tail.size() - 4), "END\n");
}

TEST(SweepProcessPool, TimeoutKillsTheChildAndItsProcessGroup) {
  TempDir dir;
  const auto pid_file = dir.path() / "grandchild.pid";
  // The grandchild exists only once the shell has started it; a machine loaded enough to take
  // longer than the timeout to get there kills the shell first, and there is no group to check.
  // Then the same again with a longer timeout: what is checked never depends on the timing.
  pid_t grandchild = 0;
  for (double timeout = 0.3; timeout < 100 && grandchild == 0; timeout *= 4) {
    const auto outcomes = run_all({shell("sleep 600 & echo $! > " + pid_file.string() + ".tmp && mv " +
                                             pid_file.string() + ".tmp " + pid_file.string() + "; wait",
                                         timeout),
                                   shell("exit 0", timeout)},
                                  2);
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes.at(0).end, ChildEnd::TimedOut);
    EXPECT_EQ(outcomes.at(0).signal, SIGKILL);
    EXPECT_EQ(outcomes.at(1).end, ChildEnd::Exited);
    grandchild = read_pid(pid_file);
  }
  ASSERT_GT(grandchild, 0) << "the shell never started its grandchild";
  EXPECT_TRUE(eventually([&] { return process_is_gone(grandchild); }, 10))
      << "the grandchild " << grandchild << " survived the timeout";
  kill(grandchild, SIGKILL);  // in case it did
}

TEST(SweepProcessPool, AProgramThatCannotStartIsReportedAndTheOthersRun) {
  TempDir dir;
  // Exists and is executable, but its interpreter does not: exec fails.
  const fs::path bad_interpreter = dir.write("bad-interpreter.sh", "#!/nonexistent/sh\nexit 0\n");
  fs::permissions(bad_interpreter, fs::perms::owner_all, fs::perm_options::add);
  const auto outcomes = run_all({ChildCommand{{"/nonexistent/accelsim", "--help"}, 0}, shell("exit 0"),
                                 ChildCommand{{bad_interpreter.string()}, 0}, ChildCommand{{"sh", "-c", "exit 0"}, 0}},
                                1);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes.at(0).end, ChildEnd::SpawnFailed);
  EXPECT_EQ(outcomes.at(0).error_output, "cannot start /nonexistent/accelsim: No such file or directory");
  EXPECT_EQ(outcomes.at(1).end, ChildEnd::Exited);
  EXPECT_EQ(outcomes.at(2).end, ChildEnd::SpawnFailed);
  EXPECT_EQ(outcomes.at(2).error_output, "cannot start " + bad_interpreter.string() + ": No such file or directory");
  // A name without '/' is a path relative to the current folder: PATH is not searched.
  EXPECT_EQ(outcomes.at(3).end, ChildEnd::SpawnFailed) << "'sh' was looked up on PATH";
}

// Open descriptors of this process: the highest in use.
int highest_open_fd() {
  int highest = 2;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd"))
    highest = std::max(highest, std::stoi(entry.path().filename().string()));
  return highest;
}

// With descriptors for only a few children at a time (ulimit -n), every command still runs:
// one that cannot start for want of descriptors waits until a running child has ended.
TEST(SweepProcessPool, CommandsThatRunShortOfFileDescriptorsWaitForARunningChildToEnd) {
  const SignalWatch watch;
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  // Starting a child takes 5 descriptors for a moment (two pipes, and /dev/null in the child);
  // a running one keeps 1. Room for 8: four children at a time at most, not 8.
  rlimit tight = before;
  tight.rlim_cur = static_cast<rlim_t>(highest_open_fd() + 1 + 8);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  ProcessPool pool(8, watch);
  std::map<std::size_t, ChildOutcome> outcomes;
  const bool completed = pool.run(
      8, [&](std::size_t) { return shell("sleep 0.05"); },
      [&](std::size_t i, const ChildOutcome& outcome) { outcomes[i] = outcome; });
  setrlimit(RLIMIT_NOFILE, &before);
  EXPECT_TRUE(completed);
  ASSERT_EQ(outcomes.size(), 8u);
  for (const auto& [i, outcome] : outcomes) {
    EXPECT_EQ(outcome.end, ChildEnd::Exited) << i << ": " << outcome.error_output;
    EXPECT_EQ(outcome.exit_code, 0) << i;
  }
}

// Sends `signal` to this process once every file of `ready` exists, from a helper process.
pid_t signal_me_when_ready(int signal, const std::vector<fs::path>& ready) {
  std::string wait_for_all;
  for (const auto& file : ready) wait_for_all += "while [ ! -e " + file.string() + " ]; do sleep 0.01; done; ";
  const std::string script = wait_for_all + "kill -" + std::to_string(signal) + " " + std::to_string(getpid());
  const pid_t helper = fork();
  if (helper == 0) {
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return helper;
}

TEST(SweepProcessPool, AnInterruptStopsLaunchingAndEndsTheRunningChildren) {
  TempDir dir;
  const fs::path ready0 = dir.path() / "ready0", ready1 = dir.path() / "ready1";
  const SignalWatch watch;
  ProcessPool pool(2, watch);
  std::vector<std::size_t> launched;
  std::map<std::size_t, ChildOutcome> outcomes;
  // SIGINT only once both children are ready: the second ignores SIGTERM by then.
  const pid_t helper = signal_me_when_ready(SIGINT, {ready0, ready1});
  const bool completed = pool.run(
      5,
      [&](std::size_t i) {
        launched.push_back(i);
        // The second ignores SIGTERM: the pool must escalate to SIGKILL after its grace period.
        return i == 1 ? shell("trap '' TERM; touch " + ready1.string() + "; sleep 30")
                      : shell("touch " + ready0.string() + "; sleep 30");
      },
      [&](std::size_t i, const ChildOutcome& outcome) { outcomes[i] = outcome; });
  waitpid(helper, nullptr, 0);
  EXPECT_FALSE(completed);
  EXPECT_TRUE(watch.interrupted());
  EXPECT_EQ(watch.interrupt_signal(), SIGINT);
  EXPECT_EQ(launched, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes.at(0).end, ChildEnd::Interrupted);
  EXPECT_EQ(outcomes.at(0).signal, SIGTERM);
  EXPECT_EQ(outcomes.at(1).end, ChildEnd::Interrupted);
  EXPECT_EQ(outcomes.at(1).signal, SIGKILL);
}

// A runner killed outright (SIGKILL, the OOM killer) cannot end its children: they must die
// with it, not run on in process groups of their own.
TEST(SweepProcessPool, ChildrenDieWithTheProcessThatStartedThem) {
  TempDir dir;
  const fs::path pid_file = dir.path() / "child.pid";
  const pid_t runner = fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    {
      const SignalWatch watch;
      ProcessPool pool(1, watch);
      pool.run(
          1, [&](std::size_t) { return shell(announce_pid(pid_file) + "; exec sleep 600"); },
          [](std::size_t, const ChildOutcome&) {});
    }
    _exit(0);
  }
  ASSERT_TRUE(eventually([&] { return fs::exists(pid_file); })) << "the child never started";
  const pid_t child = read_pid(pid_file);
  ASSERT_GT(child, 0);
  kill(runner, SIGKILL);
  waitpid(runner, nullptr, 0);
  // It would sleep for 600 s: gone within 10 s means it died with the runner.
  EXPECT_TRUE(eventually([&] { return process_is_gone(child); }, 10))
      << "the child " << child << " outlived the runner";
  kill(child, SIGKILL);  // in case it did
}

TEST(SweepProcessPool, SignalWatchRestoresTheHandlersItReplaced) {
  struct sigaction before {};
  sigaction(SIGTERM, nullptr, &before);
  { const SignalWatch watch; }
  struct sigaction after {};
  sigaction(SIGTERM, nullptr, &after);
  EXPECT_EQ(before.sa_handler, after.sa_handler);
}

}  // namespace
}  // namespace accelsim::testing
