// Reads a bench's optional positional count (rounds, jobs) strictly: a typo must not turn
// into zero rounds and an empty median.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace accelsim::bench {

// Exits 2 with the usage when more than max_arguments positional arguments were given.
inline void check_argument_count(int argc, int max_arguments, const char* usage) {
  if (argc - 1 > max_arguments) {
    std::fprintf(stderr, "too many arguments\nusage: %s\n", usage);
    std::exit(2);
  }
}

// argv[index] as an integer >= 1, or fallback when absent; prints usage and exits 2 otherwise.
inline int count_argument(int argc, char** argv, int index, int fallback, const char* usage) {
  if (argc <= index) return fallback;
  const std::string text = argv[index];
  if (text == "--help" || text == "-h") {
    std::printf("usage: %s\n", usage);
    std::exit(0);
  }
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 1 || value > 1000000) {
    std::fprintf(stderr, "argument %d: expected a whole number >= 1, got '%s'\nusage: %s\n", index, text.c_str(),
                 usage);
    std::exit(2);
  }
  return static_cast<int>(value);
}

}  // namespace accelsim::bench
