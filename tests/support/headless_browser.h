#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace accelsim::testing {

// Debian's Chromium (scripts/setup.sh installs it), if on PATH.
std::optional<std::filesystem::path> find_chromium();

// What headless Chromium made of a page.
struct PageRender {
  int exit_code = -1;
  bool timed_out = false;
  std::string log;                            // Chromium's stderr
  std::vector<std::string> console_messages;  // everything the page wrote to its console, errors included
  std::vector<std::string> loaded_files;      // file:// URLs the browser loaded for the page
  std::filesystem::path screenshot;           // PNG of the window, when it was written
};

// Opens `page` in headless Chromium with a fresh profile in `profile_dir`, background
// networking and component updates off, and takes a screenshot of a `width` x `height` window
// once the page has loaded and its scripts have run.
PageRender render_page(const std::filesystem::path& chromium, const std::filesystem::path& page,
                       const std::filesystem::path& screenshot, int width, int height,
                       const std::filesystem::path& profile_dir);

}  // namespace accelsim::testing
