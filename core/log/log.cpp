#include "core/log/log.h"

namespace accelsim::log {

namespace {
Level current = Level::Warn;
const char* const kNames[] = {"error", "warn", "info", "debug"};
}  // namespace

void set_level(Level level) { current = level; }
Level level() { return current; }

bool parse_level(const std::string& name, Level& level) {
  for (int i = 0; i < 4; ++i)
    if (name == kNames[i]) {
      level = static_cast<Level>(i);
      return true;
    }
  return false;
}

void write(Level level, const std::string& message) {
  std::fputs(fmt::format("accelsim: {}: {}\n", kNames[static_cast<int>(level)], message).c_str(), stderr);
}

}  // namespace accelsim::log
