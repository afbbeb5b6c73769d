#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace accelsim::testing {

// A VCD file read back: the signals by hierarchical name (scopes joined with '.', the
// SystemC top scope dropped) and each signal's value changes in time order. Values are the
// text after the type letter: "0"/"1" for bits, the binary digits (or Zs) for vectors.
class VcdFile {
 public:
  static VcdFile read(const std::filesystem::path& file);

  struct Change {
    uint64_t time;
    std::string value;
  };

  std::string timescale;                               // "1 ps"
  std::vector<uint64_t> timestamps;                    // every #time line, in file order
  std::map<std::string, std::string> ids;              // name -> identifier code
  std::map<std::string, std::vector<Change>> changes;  // identifier code -> changes, initial value first

  bool has(const std::string& name) const { return ids.count(name) > 0; }
  const std::vector<Change>& of(const std::string& name) const;
  // The value of `name` at `time` (after the changes at that time).
  std::string value_at(const std::string& name, uint64_t time) const;
  // Total time a one-bit signal is 1 up to `end`.
  uint64_t high_time(const std::string& name, uint64_t end) const;
  // A vector value as a number (-1 when it holds X or Z bits).
  static int64_t number(const std::string& value);
};

}  // namespace accelsim::testing
