#include "sim/cli/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

namespace accelsim::cli {

ProgressBar::ProgressBar(std::string unit, bool enabled)
    : unit_(std::move(unit)),
      enabled_(enabled && isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(int64_t done, int64_t total) { update(done, total, ""); }

void ProgressBar::update(int64_t done, int64_t total, const std::string& note) {
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double left = done > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '=') + (filled < kWidth ? ">" : "") +
                          std::string(static_cast<std::size_t>(std::max(0, kWidth - filled - 1)), ' ');
  std::fputs(fmt::format("\r[{}] {}/{} {} {:5.1f}%{}  ETA {:.1f} s ", bar, done, total, unit_, fraction * 100.0,
                         note.empty() ? "" : ", " + note, left)
                 .c_str(),
             stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fputs("\n", stderr);
  drawn_ = false;
}

}  // namespace accelsim::cli
