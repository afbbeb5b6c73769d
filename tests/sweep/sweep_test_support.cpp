#include "tests/sweep/sweep_test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/run_command.h"

namespace accelsim::testing {

namespace fs = std::filesystem;

fs::path write_spec(const TempDir& dir, const std::string& body, const std::string& name) {
  return dir.write(name, "base: " + lenet_config() + "\n" + body);
}

std::vector<std::map<std::string, std::string>> read_csv(const fs::path& file) {
  const std::string text = read_file(file);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, at_field_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && at_field_start) {
      quoted = true;
      at_field_start = false;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      at_field_start = true;
    } else if (c == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      at_field_start = true;
    } else {
      field += c;
      at_field_start = false;
    }
  }
  EXPECT_FALSE(quoted) << file << ": unterminated quote";
  EXPECT_TRUE(record.empty() && field.empty()) << file << ": the last record does not end with a newline";
  std::vector<std::map<std::string, std::string>> rows;
  if (records.empty()) return rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    EXPECT_EQ(records[r].size(), records[0].size())
        << file << ": record " << r << " has another number of fields than the header";
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < records[0].size() && c < records[r].size(); ++c) row[records[0][c]] = records[r][c];
    rows.push_back(row);
  }
  return rows;
}

FakeSimulator::FakeSimulator(const TempDir& dir) {
  const fs::path stats_dir = dir.path() / "fake-stats";
  const CommandResult real = run_accelsim({"--config", lenet_config(), "--out", stats_dir.string(), "--quiet"});
  if (real.exit_code != 0) throw std::runtime_error("the real accelsim failed: " + real.output);
  log_ = dir.path() / "fake.log";
  path_ = dir.write("fake-accelsim.sh", R"(#!/bin/sh
ulimit -c 0
out=""
lanes=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --set) case "$2" in hardware.requant_unit.lanes=*) lanes="${2#*=}" ;; esac; shift 2 ;;
    *) shift ;;
  esac
done
echo "$$ $out" >> ')" + log_.string() + R"('
stats=')" + (stats_dir / "stats.json").string() +
                                            R"('
case "$lanes" in
  1) cp "$stats" "$out/stats.json"; exit 0 ;;
  2) echo "accelsim: error: the datapath caught fire" >&2; exit 3 ;;
  3) kill -SEGV $$ ;;
  4) sleep 600 & echo $! > "$out/grandchild.pid.tmp"; mv "$out/grandchild.pid.tmp" "$out/grandchild.pid"; wait; exit 0 ;;
  5) sleep 0.4; cp "$stats" "$out/stats.json"; exit 0 ;;
  6) echo "accelsim: error: fake.yaml:3:4: hardware.x: expected a fake value" >&2; exit 2 ;;
  7) exec sleep 600 ;;
  *) echo "fake accelsim: unexpected lanes '$lanes'" >&2; exit 9 ;;
esac
)");
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add);
}

std::vector<std::pair<pid_t, std::string>> FakeSimulator::runs() const {
  std::vector<std::pair<pid_t, std::string>> runs;
  std::error_code ec;
  if (!fs::exists(log_, ec)) return runs;
  std::istringstream in(read_file(log_));
  pid_t pid = 0;
  std::string out;
  while (in >> pid >> out) runs.emplace_back(pid, out);
  return runs;
}

bool process_is_gone(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && (line[paren + 2] == 'Z' || line[paren + 2] == 'X');
}

bool process_is_reaped(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

pid_t start_accelsim(const std::vector<std::string>& arguments, const fs::path& output) {
  std::vector<std::string> copies = arguments;  // prepared before fork
  std::string binary = ACCELSIM_BINARY;
  std::vector<char*> argv{binary.data()};
  for (auto& argument : copies) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    const int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    // A test run as a background job of a script inherits SIGINT ignored, and the runner keeps
    // an ignored signal ignored: the signals the tests send must do what they do in a terminal.
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, SIG_DFL);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return child;
}

int wait_for_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<fs::path> files_containing(const fs::path& folder, const std::string& part) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().filename().string().find(part) != std::string::npos)
      files.push_back(it->path());
  return files;
}

}  // namespace accelsim::testing
