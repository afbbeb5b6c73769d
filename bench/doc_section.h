#pragma once

// A generated section of a document: the text between a begin and an end marker is replaced
// and the rest of the file kept; without both markers the section is appended. Written whole or
// not at all (atomic).
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/io/atomic_file.h"

namespace accelsim::bench {

// `section` starts with `begin` and ends with `end`.
inline void write_doc_section(const std::filesystem::path& output, const std::string& begin_marker,
                              const std::string& end_marker, const std::string& section) {
  std::string text;
  if (std::ifstream previous{output}) text.assign(std::istreambuf_iterator<char>(previous), {});
  const auto begin = text.find(begin_marker), end = text.find(end_marker);
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    text.replace(begin, end + end_marker.size() - begin, section);
  } else {
    text += (text.empty() || text.back() == '\n' ? "\n" : "\n\n") + section + "\n";
  }
  accelsim::report::write_file_atomically(output, text);
}

}  // namespace accelsim::bench
