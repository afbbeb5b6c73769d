// Docs are tested: every shell command shown in README.md, docs/*.md and traces/*.md (fenced
// blocks tagged sh, bash or shell) runs, with `accelsim` on PATH, in a scratch folder that sees
// the repository's configs/, data/ and scripts/. A block that cannot run says why in an HTML
// comment on the line before it: <!-- not run: REASON -->. A command line ending in
// "# exit N" must exit with N; any other must exit 0. A line "#> TEXT" after a command is text
// its output must contain; other lines starting with # are comments. A block in another
// language (none, text, console) that shows a command (it starts with `accelsim`, `build/`,
// `scripts/`, `tools/`, ...) must be an sh block or carry that comment too: a synopsis of
// options is marked "not run: a synopsis".
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;

struct DocCommand {
  std::string where;  // file:line
  std::string command;
  int expected_exit = 0;
  std::vector<std::string> expected_output;
};

struct Extracted {
  std::vector<DocCommand> commands;
  std::vector<std::string> skipped;   // file:line: reason
  std::vector<std::string> unmarked;  // file:line: a command shown outside an sh block, without a reason
};

// Whether a line of a block in another language is a shell command a reader would copy.
bool looks_like_a_command(const std::string& line) {
  static const std::regex command(
      R"(^\s*(\$ |accelsim\b|build[-\w]*/|scripts/|tools/|node |python3? |cat |gtkwave |parallel |sbatch |cmake |ctest |make )\S*)");
  return std::regex_search(line, command);
}

Extracted extract_commands(const fs::path& file, const std::string& shown_name) {
  Extracted out;
  std::ifstream in(file);
  std::string line, previous_nonblank, fence;
  bool in_block = false, run_block = false, marked = false, first_block_line = false;
  int number = 0;
  std::string pending;
  int pending_line = 0;
  static const std::regex not_run(R"(<!--\s*not run:\s*(.+?)\s*-->)");
  static const std::regex expected(R"(^(.*?)\s+#\s*exit\s+(\d+)\s*$)");
  while (std::getline(in, line)) {
    ++number;
    if (!in_block && line.rfind("```", 0) == 0) {
      const std::string tag = line.substr(3);
      in_block = true;
      run_block = tag == "sh" || tag == "bash" || tag == "shell";
      std::smatch reason;
      marked = std::regex_search(previous_nonblank, reason, not_run);
      first_block_line = !run_block && !marked;
      if (marked) {
        out.skipped.push_back(shown_name + ":" + std::to_string(number) + ": " + reason[1].str());
        run_block = false;
      }
      continue;
    }
    if (in_block && line.rfind("```", 0) == 0) {
      in_block = false;
      previous_nonblank.clear();
      continue;
    }
    if (!in_block) {
      if (line.find_first_not_of(" \t") != std::string::npos) previous_nonblank = line;
      continue;
    }
    if (first_block_line && line.find_first_not_of(" \t") != std::string::npos) {
      first_block_line = false;
      if (looks_like_a_command(line))
        out.unmarked.push_back(shown_name + ":" + std::to_string(number) + ": `" + line + "`");
    }
    if (!run_block) continue;
    const std::size_t start = line.find_first_not_of(" \t");
    if (pending.empty() && start != std::string::npos && line.compare(start, 3, "#> ") == 0 && !out.commands.empty()) {
      out.commands.back().expected_output.push_back(line.substr(start + 3));
      continue;
    }
    if (pending.empty() && (start == std::string::npos || line[start] == '#')) continue;
    if (pending.empty()) pending_line = number;
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    pending += line;
    DocCommand command{shown_name + ":" + std::to_string(pending_line), pending, 0, {}};
    std::smatch m;
    if (std::regex_match(pending, m, expected)) {
      command.command = m[1].str();
      command.expected_exit = std::stoi(m[2].str());
    }
    out.commands.push_back(command);
    pending.clear();
  }
  return out;
}

// Runs `command` with bash in `dir`; returns the exit code and fills `output`.
int run_in(const fs::path& dir, const std::string& command, const fs::path& binary_dir, std::string& output) {
  const std::string script = "cd '" + dir.string() + "' && PATH='" + binary_dir.string() +
                             "':\"$PATH\" bash -o pipefail -c '" +
                             std::regex_replace(command, std::regex("'"), "'\\''") + "' 2>&1";
  FILE* pipe = popen(script.c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  output.clear();
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A scratch folder that sees the repository's inputs, so that doc commands write only there.
void prepare(const fs::path& dir) {
  for (const char* entry : {"configs", "data", "scripts", "docs", "traces", "README.md"})
    fs::create_symlink(source_dir() / entry, dir / entry);
}

// Every failure, as "file:line: `command` exited N (expected M): output".
std::vector<std::string> run_commands(const std::vector<DocCommand>& commands, const fs::path& dir) {
  const fs::path binary_dir = fs::path(ACCELSIM_BINARY).parent_path();
  std::vector<std::string> failures;
  for (const auto& command : commands) {
    std::string output;
    const int code = run_in(dir, command.command, binary_dir, output);
    if (output.size() > 4000) output = output.substr(output.size() - 4000);
    if (code != command.expected_exit) {
      failures.push_back(command.where + ": `" + command.command + "` exited " + std::to_string(code) + " (expected " +
                         std::to_string(command.expected_exit) + "):\n" + output);
      continue;
    }
    for (const auto& text : command.expected_output)
      if (output.find(text) == std::string::npos)
        failures.push_back(command.where + ": `" + command.command + "` did not print \"" + text + "\":\n" + output);
  }
  return failures;
}

std::vector<fs::path> documentation_files() {
  std::vector<fs::path> files{source_dir() / "README.md"};
  for (const char* folder : {"docs", "traces"})
    for (const auto& entry : fs::directory_iterator(source_dir() / folder))
      if (entry.path().extension() == ".md") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(DocCommands, EveryShownCommandRuns) {
  TempDir scratch;
  prepare(scratch.path());
  std::vector<DocCommand> commands;
  std::string skipped;
  for (const auto& file : documentation_files()) {
    const Extracted extracted = extract_commands(file, fs::relative(file, source_dir()).string());
    commands.insert(commands.end(), extracted.commands.begin(), extracted.commands.end());
    for (const auto& s : extracted.skipped) skipped += "  " + s + "\n";
    for (const auto& u : extracted.unmarked)
      ADD_FAILURE() << u << ": a command shown in a block that is not run: make it an sh block, or say why not "
                    << "with <!-- not run: REASON --> on the line before the block";
  }
  ASSERT_GE(commands.size(), 3u) << "the docs show commands; none were found";
  std::cout << commands.size() << " doc commands; not run:\n" << skipped;
  for (const auto& failure : run_commands(commands, scratch.path())) ADD_FAILURE() << failure;
}

TEST(DocCommands, ARunnerThatFailsWhenADocCommandFails) {
  TempDir scratch;
  prepare(scratch.path());
  const fs::path doc = scratch.write(
      "doc.md",
      "Text.\n\n```sh\ntrue\naccelsim --config configs/nonexistent.yaml  # exit 2\n#> file not found\n```\n\n"
      "<!-- not run: needs a cluster -->\n```sh\nsbatch job.sbatch\n```\n\n"
      "```sh\n# a comment\naccelsim --config \\\n  configs/nonexistent.yaml\n```\n\n"
      "```\naccelsim --config FILE [--images N]\n```\n\n"
      "<!-- not run: a synopsis -->\n```text\naccelsim --config FILE\n```\n\n```\n{\"not\": \"a command\"}\n```\n");
  const Extracted extracted = extract_commands(doc, "doc.md");
  ASSERT_EQ(extracted.commands.size(), 3u);
  EXPECT_EQ(extracted.unmarked, std::vector<std::string>{"doc.md:21: `accelsim --config FILE [--images N]`"});
  EXPECT_EQ(extracted.commands[1].expected_exit, 2);
  EXPECT_EQ(extracted.commands[1].expected_output, std::vector<std::string>{"file not found"});
  ASSERT_EQ(extracted.skipped.size(), 2u);
  EXPECT_EQ(extracted.skipped[0], "doc.md:10: needs a cluster");
  EXPECT_EQ(extracted.skipped[1], "doc.md:25: a synopsis");
  const auto failures = run_commands(extracted.commands, scratch.path());
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].rfind("doc.md:16: `accelsim --config    configs/nonexistent.yaml` exited 2 (expected 0)", 0),
            0u)
      << failures[0];
}

}  // namespace
}  // namespace accelsim::testing
