#pragma once

#include <cstdint>
#include <filesystem>

namespace accelsim::trace {

// A finished output file still under a temporary name beside its destination. commit()
// renames it into place; a file never committed is removed, so that readers see the whole
// file or none.
class PendingFile {
 public:
  PendingFile(std::filesystem::path temporary, std::filesystem::path destination);
  ~PendingFile();
  PendingFile(PendingFile&& other) noexcept;
  PendingFile& operator=(PendingFile&& other) noexcept;
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  // Throws report::OutputError naming the destination when the rename fails.
  void commit();
  const std::filesystem::path& destination() const { return destination_; }
  uint64_t size() const;

 private:
  void discard() noexcept;

  std::filesystem::path temporary_;
  std::filesystem::path destination_;
  bool committed_ = false;
};

}  // namespace accelsim::trace
