#include "core/config/shown_path.h"

namespace accelsim::config {

namespace fs = std::filesystem;

std::optional<fs::path> ShownPaths::canonical_folder(const fs::path& folder) {
  const auto found = folders_.find(folder);
  if (found != folders_.end()) return found->second;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(folder, ec);
  std::optional<fs::path> result;
  if (!ec) result = std::move(canonical);
  folders_.emplace(folder, result);
  return result;
}

std::string ShownPaths::shown(const fs::path& path) {
  // proximate(path) = weakly_canonical(path).lexically_proximate(weakly_canonical(current_path())), and
  // weakly_canonical(folder / name) = weakly_canonical(folder) / name when `name` is a plain name that is
  // not a symlink (whether or not it exists). Anything else is left to proximate itself.
  const auto whole = [&path] {
    std::error_code ec;
    const fs::path shown = fs::proximate(path, ec);
    return ec ? path.string() : shown.string();
  };
  const fs::path name = path.filename();
  const fs::path folder = path.parent_path();
  if (name.empty() || name == "." || name == ".." || folder.empty()) return whole();
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (fs::is_symlink(status) || (ec && status.type() != fs::file_type::not_found)) return whole();
  if (!base_) {
    const fs::path working = fs::current_path(ec);
    if (ec) return whole();
    base_ = fs::weakly_canonical(working, ec);
    if (ec) {
      base_.reset();
      return whole();
    }
  }
  const std::optional<fs::path> canonical = canonical_folder(folder);
  if (!canonical) return whole();
  return (*canonical / name).lexically_proximate(*base_).string();
}

}  // namespace accelsim::config
