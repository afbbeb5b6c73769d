// The helpers the trace and CLI tests run tools and read outputs with (tests/support/).
#include <gtest/gtest.h>

#include <signal.h>

#include <stdexcept>
#include <string>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

TEST(RunProgram, CapturesBothOutputsAndTheExitCode) {
  const ProgramResult result = run_shell("echo out; echo err >&2; exit 3", 60);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.output.find("out\n"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("err\n"), std::string::npos) << result.output;
}

// The timeouts below are one second against a minute of sleeping: the tool is killed whatever
// the machine's load, and without the kill the call would return only after the minute, not
// timed out, and fail.

TEST(RunProgram, KillsAToolThatKeepsItsOutputOpenPastTheTimeout) {
  const ProgramResult result = run_shell("echo started; sleep 60", 1);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  EXPECT_EQ(result.output, "started\n");
}

TEST(RunProgram, KillsAToolThatClosesItsOutputButKeepsRunning) {
  // Its output reaches end of file at once; the wait for its exit must time out as well.
  const ProgramResult result = run_shell("echo started; exec >/dev/null 2>&1; sleep 60", 1);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  EXPECT_EQ(result.output, "started\n");
}

TEST(ReadFile, ReturnsEveryByteAndFailsNamingAFileItCannotRead) {
  TempDir dir;
  const std::string bytes("line\r\n\0binary\xff", 14);
  EXPECT_EQ(read_file(dir.write("data.bin", bytes)), bytes);
  EXPECT_EQ(read_file(dir.write("empty", "")), "");
  try {
    read_file(dir.path() / "missing.json");
    ADD_FAILURE() << "a missing file read as empty";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read " + (dir.path() / "missing.json").string());
  }
}

}  // namespace
}  // namespace accelsim::testing
