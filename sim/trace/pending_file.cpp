#include "sim/trace/pending_file.h"

#include <system_error>

#include "core/io/atomic_file.h"

namespace accelsim::trace {

namespace fs = std::filesystem;

PendingFile::PendingFile(fs::path temporary, fs::path destination)
    : temporary_(std::move(temporary)), destination_(std::move(destination)) {}

PendingFile::~PendingFile() { discard(); }

PendingFile::PendingFile(PendingFile&& other) noexcept
    : temporary_(std::move(other.temporary_)),
      destination_(std::move(other.destination_)),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing
}

PendingFile& PendingFile::operator=(PendingFile&& other) noexcept {
  if (this != &other) {
    discard();
    temporary_ = std::move(other.temporary_);
    destination_ = std::move(other.destination_);
    committed_ = other.committed_;
    other.committed_ = true;
  }
  return *this;
}

void PendingFile::discard() noexcept {
  if (committed_) return;
  std::error_code ignored;
  fs::remove(temporary_, ignored);
  committed_ = true;
}

void PendingFile::commit() {
  if (committed_) throw report::OutputError(destination_.string() + ": already written");
  std::error_code ec;
  report::move_into_place(temporary_, destination_, ec);
  if (ec) {
    discard();
    throw report::OutputError(destination_.string() + ": cannot be written (" + ec.message() + ")");
  }
  committed_ = true;
}

uint64_t PendingFile::size() const {
  std::error_code ec;
  const auto bytes = fs::file_size(committed_ ? destination_ : temporary_, ec);
  return ec ? 0 : static_cast<uint64_t>(bytes);
}

}  // namespace accelsim::trace
