#pragma once

#include <filesystem>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace accelsim::report {

// An output file or folder that cannot be written; the message names it.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A fresh temporary name beside `destination` (".NAME.tmpNNNN"): what write_file_atomically
// writes first, and what writers that stream a file (the VCD) use before renaming it.
std::filesystem::path temporary_name_for(const std::filesystem::path& destination);

// Renames `temporary` to `destination`, replacing a file there in one step (readers see one or
// the other), without the forced write-back a replacing rename costs on ext4.
void move_into_place(const std::filesystem::path& temporary, const std::filesystem::path& destination,
                     std::error_code& ec);

// Writes `content` to a temporary file beside `file` and renames it into place: readers see
// the old file or the whole new one, never a part.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);
// The same for content in pieces (a .npy file's header and its data), written one after another
// without joining them first.
void write_file_atomically(const std::filesystem::path& file, std::initializer_list<std::string_view> pieces);

// Creates `directory` (and parents) and checks that files can be created in it.
void prepare_output_directory(const std::filesystem::path& directory);

}  // namespace accelsim::report
