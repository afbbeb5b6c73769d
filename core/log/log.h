#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace accelsim::log {

enum class Level { Error = 0, Warn = 1, Info = 2, Debug = 3 };

// Messages above this level are dropped. Set once, from --log-level (and --quiet).
void set_level(Level level);
Level level();
// "error", "warn", "info", "debug"; false if the name is none of them.
bool parse_level(const std::string& name, Level& level);

void write(Level level, const std::string& message);

template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  if (level() >= Level::Warn) write(Level::Warn, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (level() >= Level::Info) write(Level::Info, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (level() >= Level::Debug) write(Level::Debug, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace accelsim::log
