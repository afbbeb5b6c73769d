#include "core/npy/npy_array.h"

#include "core/io/atomic_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <sstream>

namespace accelsim::npy {

namespace {

struct DtypeInfo {
  Dtype dtype;
  const char* name;
  std::size_t size;
  const char* descr;  // little-endian (or byte-order free) descriptor
};

constexpr DtypeInfo kDtypes[] = {
    {Dtype::Int8, "int8", 1, "|i1"},       {Dtype::UInt8, "uint8", 1, "|u1"},   {Dtype::Int16, "int16", 2, "<i2"},
    {Dtype::UInt16, "uint16", 2, "<u2"},   {Dtype::Int32, "int32", 4, "<i4"},   {Dtype::UInt32, "uint32", 4, "<u4"},
    {Dtype::Int64, "int64", 8, "<i8"},     {Dtype::UInt64, "uint64", 8, "<u8"}, {Dtype::Float32, "float32", 4, "<f4"},
    {Dtype::Float64, "float64", 8, "<f8"},
};

const DtypeInfo& info(Dtype dtype) {
  for (const auto& entry : kDtypes)
    if (entry.dtype == dtype) return entry;
  return kDtypes[0];
}

bool dtype_from_descr(const std::string& descr, Dtype& dtype) {
  for (const auto& entry : kDtypes) {
    const std::string known = entry.descr;
    // One-byte types may be written with any byte-order mark.
    const bool match = descr == known || (entry.size == 1 && descr.size() == 3 &&
                                          (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=') &&
                                          descr.substr(1) == known.substr(1));
    if (match) {
      dtype = entry.dtype;
      return true;
    }
  }
  return false;
}

// Reads the header, a Python dict literal such as
//   {'descr': '<i4', 'fortran_order': False, 'shape': (6, 1, 5, 5), }
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& name) : text_(text), name_(name) {}

  void parse(std::string& descr, bool& fortran_order, std::vector<int64_t>& shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      if (key == "descr") {
        descr = quoted();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected header key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}' in header");
    }
    if (!have_descr || !have_order || !have_shape) fail("header lacks descr, fortran_order or shape");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw NpyError(name_ + ": malformed .npy header: " + what); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }
  bool boolean() {
    skip_space();
    if (text_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (text_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<int64_t> tuple() {
    std::vector<int64_t> values;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') {
        ++pos_;
        return values;
      }
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a dimension");
      int64_t value = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (value > (int64_t{1} << 40)) fail("dimension too large");
        value = value * 10 + (text_[pos_++] - '0');
      }
      values.push_back(value);
      if (values.size() > 16) fail("too many dimensions");
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        fail("expected ',' or ')' in shape");
    }
  }

  const std::string& text_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

}  // namespace

const char* dtype_name(Dtype dtype) { return info(dtype).name; }
std::size_t dtype_size(Dtype dtype) { return info(dtype).size; }

std::size_t NpyArray::element_count() const {
  std::size_t count = 1;
  for (int64_t d : shape) count *= static_cast<std::size_t>(d);
  return count;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string NpyArray::shape_text() const { return npy::shape_text(shape); }

namespace {

// A .npy file's dtype and shape, and where its data start, checked against the file's size
// (`file_size`; `data` holds at least its header, or the whole file when shorter).
struct Layout {
  NpyArray array;  // dtype and shape; no bytes
  std::size_t data_offset = 0;
};

// The header's length (with its preamble), from the file's first bytes; the file's errors as parse_npy reports them.
std::size_t header_end(const uint8_t* data, std::size_t available, std::size_t file_size, const std::string& name,
                       std::size_t& header_start) {
  static const uint8_t magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (file_size < 10 || available < 10 || std::memcmp(data, magic, sizeof magic) != 0)
    throw NpyError(name + ": not a .npy file (bad magic or truncated; " + std::to_string(file_size) + " bytes)");
  const uint8_t major = data[6];
  std::size_t header_length = 0;
  if (major == 1) {
    header_length = data[8] | (std::size_t{data[9]} << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (file_size < 12 || available < 12) throw NpyError(name + ": truncated .npy header");
    header_length =
        data[8] | (std::size_t{data[9]} << 8) | (std::size_t{data[10]} << 16) | (std::size_t{data[11]} << 24);
    header_start = 12;
  } else {
    throw NpyError(name + ": unsupported .npy format version " + std::to_string(major));
  }
  if (header_length > file_size - header_start) throw NpyError(name + ": truncated .npy header");
  return header_start + header_length;
}

Layout parse_layout(const uint8_t* data, std::size_t available, std::size_t file_size, const std::string& name) {
  std::size_t header_start = 0;
  const std::size_t end = header_end(data, available, file_size, name, header_start);
  if (available < end) throw NpyError(name + ": truncated .npy header");
  const std::string header(reinterpret_cast<const char*>(data + header_start), end - header_start);
  std::string descr;
  bool fortran_order = false;
  Layout layout;
  NpyArray& array = layout.array;
  HeaderParser(header, name).parse(descr, fortran_order, array.shape);
  if (fortran_order) throw NpyError(name + ": Fortran-ordered arrays are not supported; save with C order");
  if (!dtype_from_descr(descr, array.dtype))
    throw NpyError(name + ": unsupported dtype '" + descr + "' (expected little-endian integer or float)");

  std::size_t count = 1;
  for (int64_t d : array.shape) {
    if (d != 0 && count > (std::size_t{1} << 40) / static_cast<std::size_t>(d))
      throw NpyError(name + ": array too large");
    count *= static_cast<std::size_t>(d);
  }
  const std::size_t payload = count * dtype_size(array.dtype);
  const std::size_t available_payload = file_size - end;
  if (available_payload != payload)
    throw NpyError(name + ": expected " + std::to_string(payload) + " data bytes for shape " + array.shape_text() +
                   " " + dtype_name(array.dtype) + ", found " + std::to_string(available_payload) +
                   (available_payload < payload ? " (truncated)" : ""));
  layout.data_offset = end;
  return layout;
}

}  // namespace

NpyArray parse_npy(const uint8_t* data, std::size_t size, const std::string& name) {
  Layout layout = parse_layout(data, size, size, name);
  layout.array.bytes.assign(data + layout.data_offset, data + size);
  return std::move(layout.array);
}

namespace {

// `file` opened for reading from its start, and its size in bytes.
std::ifstream open_sized(const std::filesystem::path& file, std::size_t& size) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw NpyError(file.string() + ": file not found");
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw NpyError(file.string() + ": cannot be read");
  const std::streamoff end = in.tellg();
  if (end < 0) throw NpyError(file.string() + ": cannot be read");
  size = static_cast<std::size_t>(end);
  in.seekg(0);
  return in;
}

}  // namespace

NpyArray read_npy(const std::filesystem::path& file) {
  int64_t rows = 0;  // every row: the data read once, straight into the array's bytes
  return read_npy_rows(file, std::numeric_limits<int64_t>::max(), rows);
}

NpyArray read_npy_rows(const std::filesystem::path& file, int64_t max_rows, int64_t& file_rows) {
  std::size_t size = 0;
  std::ifstream in = open_sized(file, size);
  // The preamble, then the whole header it announces (checked as read_npy checks it).
  std::vector<uint8_t> head(std::min<std::size_t>(size, 12));
  if (!in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size())))
    throw NpyError(file.string() + ": cannot be read");
  std::size_t header_start = 0;
  const std::size_t end = header_end(head.data(), head.size(), size, file.string(), header_start);
  if (end > head.size()) {
    const std::size_t read = head.size();
    head.resize(end);
    if (!in.read(reinterpret_cast<char*>(head.data() + read), static_cast<std::streamsize>(end - read)))
      throw NpyError(file.string() + ": cannot be read");
  }
  Layout layout = parse_layout(head.data(), head.size(), size, file.string());
  NpyArray& array = layout.array;
  file_rows = array.shape.empty() ? 1 : array.shape[0];
  if (array.shape.empty() || max_rows >= array.shape[0]) {  // everything: what read_npy reads
    array.bytes.resize(size - layout.data_offset);
  } else {
    array.shape[0] = std::max<int64_t>(max_rows, 0);
    array.bytes.resize(array.element_count() * dtype_size(array.dtype));
  }
  if (!array.bytes.empty() &&
      !in.read(reinterpret_cast<char*>(array.bytes.data()), static_cast<std::streamsize>(array.bytes.size())))
    throw NpyError(file.string() + ": cannot be read");
  return std::move(layout.array);
}

namespace {

// A version 1.0 .npy file's preamble and header, up to its data (`data_bytes` of them).
std::string npy_header(Dtype dtype, const std::vector<int64_t>& shape, std::size_t& data_bytes) {
  std::string shape_text = "(";
  std::size_t count = 1;
  for (int64_t d : shape) {
    shape_text += std::to_string(d) + ",";
    if (shape.size() > 1) shape_text += " ";
    count *= static_cast<std::size_t>(d);
  }
  shape_text += ")";
  std::string header =
      std::string("{'descr': '") + info(dtype).descr + "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';

  std::string bytes = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  data_bytes = count * dtype_size(dtype);
  return bytes;
}

}  // namespace

std::string encode_npy(Dtype dtype, const std::vector<int64_t>& shape, const void* data) {
  std::size_t data_bytes = 0;
  std::string bytes = npy_header(dtype, shape, data_bytes);
  bytes.append(static_cast<const char*>(data), data_bytes);
  return bytes;
}

void write_npy(const std::filesystem::path& file, Dtype dtype, const std::vector<int64_t>& shape, const void* data) {
  std::size_t data_bytes = 0;
  const std::string header = npy_header(dtype, shape, data_bytes);
  try {  // the header, then the data from where they are (a model's weights: megabytes not copied again)
    report::write_file_atomically(file, {header, std::string_view(static_cast<const char*>(data), data_bytes)});
  } catch (const report::OutputError& e) {
    throw NpyError(e.what());
  }
}

}  // namespace accelsim::npy
