#include "tests/support/headless_browser.h"

#include <sstream>

#include "tests/support/run_program.h"

namespace accelsim::testing {

std::optional<std::filesystem::path> find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"})
    if (auto path = find_program(name)) return path;
  return std::nullopt;
}

PageRender render_page(const std::filesystem::path& chromium, const std::filesystem::path& page,
                       const std::filesystem::path& screenshot, int width, int height,
                       const std::filesystem::path& profile_dir) {
  const std::vector<std::string> arguments = {
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile_dir.string(), "--hide-scrollbars",
      "--force-color-profile=srgb",
      // Console messages reach stderr as INFO:CONSOLE lines; file loads as FileURLLoader lines.
      "--enable-logging=stderr", "--v=0", "--vmodule=file_url_loader_factory=1", "--screenshot=" + screenshot.string(),
      "--window-size=" + std::to_string(width) + "," + std::to_string(height),
      "file://" + std::filesystem::absolute(page).string()};
  const ProgramResult run = run_program(chromium, arguments, 120);
  PageRender render;
  render.exit_code = run.exit_code;
  render.timed_out = run.timed_out;
  render.log = run.output;
  std::istringstream lines(run.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(":CONSOLE") != std::string::npos) {
      const auto text = line.find("] ");
      render.console_messages.push_back(text == std::string::npos ? line : line.substr(text + 2));
    }
    const std::string loader = "FileURLLoader::Start: ";
    if (const auto at = line.find(loader); at != std::string::npos)
      render.loaded_files.push_back(line.substr(at + loader.size()));
  }
  if (std::filesystem::exists(screenshot)) render.screenshot = screenshot;
  return render;
}

}  // namespace accelsim::testing
