// The report as a person sees it: rendered by headless Chromium, no console errors, nothing
// loaded but the page itself, and every chart drawn (checked on a screenshot).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "sim/report/svg_chart.h"
#include "tests/support/headless_browser.h"
#include "tests/support/png_image.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;

// A plot area on the screenshot: the one-pixel frame every chart draws around it.
struct Frame {
  int left = 0, top = 0, right = 0, bottom = 0;
};

uint32_t rgb_of(const std::string& hex) { return static_cast<uint32_t>(std::stoul(hex.substr(1), nullptr, 16)); }

// Frames of `color` at least `min_width` pixels wide: a horizontal run (the top edge) with a
// run of the same extent below it (the bottom edge) and a left edge of that colour between.
std::vector<Frame> find_frames(const PngImage& image, uint32_t color, int min_width = 200) {
  struct Run {
    int y, x0, x1;
  };
  std::vector<Run> runs;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width;) {
      if (!image.is(x, y, color)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < image.width && image.is(x, y, color)) ++x;
      if (x - start >= min_width) runs.push_back({y, start, x - 1});
    }
  std::vector<Frame> frames;
  std::vector<bool> used(runs.size(), false);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (used[i]) continue;
    for (std::size_t j = i + 1; j < runs.size(); ++j) {
      if (used[j] || runs[j].x0 != runs[i].x0 || runs[j].x1 != runs[i].x1 || runs[j].y < runs[i].y + 3) continue;
      bool left_edge = true;
      for (int y = runs[i].y; y <= runs[j].y && left_edge; ++y) left_edge = image.is(runs[i].x0, y, color);
      if (!left_edge) continue;
      frames.push_back({runs[i].x0, runs[i].y, runs[i].x1, runs[j].y});
      used[i] = used[j] = true;
      break;
    }
  }
  return frames;
}

// Pixels inside a frame in a saturated colour (bars, points, lines of data; not the white
// background, grey grid lines or black text), and how many distinct such colours.
std::pair<int, int> colored_pixels(const PngImage& image, const Frame& frame) {
  int pixels = 0;
  std::set<uint32_t> colors;
  for (int y = frame.top + 1; y < frame.bottom; ++y)
    for (int x = frame.left + 1; x < frame.right; ++x) {
      const uint8_t* p = image.at(x, y);
      const int high = std::max({p[0], p[1], p[2]}), low = std::min({p[0], p[1], p[2]});
      if (high - low < 50) continue;
      ++pixels;
      colors.insert(static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2]);
    }
  return {pixels, static_cast<int>(colors.size())};
}

TEST(ReportInBrowser, ShowsEveryChartAndNoConsoleError) {
  const auto chromium = find_chromium();
  if (!chromium) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs Debian's chromium)";
  TempDir dir;
  const auto run = run_accelsim({"--config", (source_dir() / "configs/lenet.yaml").string(), "--out",
                                 dir.path().string(), "--trace", "timeline", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto page = dir.path() / "report.html";
  const auto render = render_page(*chromium, page, dir.path() / "report.png", 1280, 7000, dir.path() / "profile");
  ASSERT_FALSE(render.timed_out);
  ASSERT_EQ(render.exit_code, 0) << render.log;
  EXPECT_TRUE(render.console_messages.empty()) << "the page wrote to its console: " << render.console_messages.front();
  EXPECT_EQ(render.loaded_files, std::vector<std::string>{"file://" + fs::absolute(page).string()})
      << "the page loads nothing but itself";
  ASSERT_FALSE(render.screenshot.empty()) << render.log;

  const PngImage image = PngImage::read(render.screenshot);
  EXPECT_EQ(image.width, 1280);
  const auto frames = find_frames(image, rgb_of(report::svg::kFrameColor));
  // Cycles, utilization, traffic, energy, roofline and the timeline.
  ASSERT_EQ(frames.size(), 6u) << "charts found on the screenshot";
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto [pixels, colors] = colored_pixels(image, frames[i]);
    EXPECT_GE(pixels, 300) << "chart " << i << " at y " << frames[i].top << " looks empty";
    EXPECT_GE(colors, 2) << "chart " << i << " at y " << frames[i].top;
  }
}

TEST(ReportInBrowser, TheChecksCatchConsoleErrorsAndEmptyCharts) {
  // The same checks on a page that logs an error and draws an empty chart must fail, or the
  // test above proves nothing.
  const auto chromium = find_chromium();
  if (!chromium) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs Debian's chromium)";
  TempDir dir;
  const std::string frame_color = report::svg::kFrameColor;
  const auto page =
      dir.write("broken.html",
                "<!DOCTYPE html><html><body style=\"margin:0;background:#fff\">"
                "<svg width=\"600\" height=\"300\"><rect x=\"20.5\" y=\"20.5\" width=\"500\" height=\"200\" "
                "fill=\"none\" stroke=\"" +
                    frame_color +
                    "\" shape-rendering=\"crispEdges\"/></svg>"
                    "<script>console.error('deliberate failure'); missingFunction();</script></body></html>");
  const auto render = render_page(*chromium, page, dir.path() / "broken.png", 800, 400, dir.path() / "profile");
  ASSERT_EQ(render.exit_code, 0) << render.log;
  ASSERT_EQ(render.console_messages.size(), 2u) << render.log;
  EXPECT_NE(render.console_messages[0].find("deliberate failure"), std::string::npos);
  EXPECT_NE(render.console_messages[1].find("missingFunction is not defined"), std::string::npos);
  const PngImage image = PngImage::read(render.screenshot);
  const auto frames = find_frames(image, rgb_of(frame_color));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(colored_pixels(image, frames[0]).first, 0);
}

}  // namespace
}  // namespace accelsim::testing
