#include "core/scalesim/topology_csv.h"

#include <array>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/config/configuration_error.h"
#include "core/scalesim/python_text.h"

namespace accelsim::scalesim {

namespace {

using config::ConfigurationError;
using config::SourceLocation;

// Column names as SCALE-Sim's own files write them, for messages.
constexpr std::array<const char*, 9> kConvColumns = {"Layer name",    "IFMAP Height", "IFMAP Width",
                                                     "Filter Height", "Filter Width", "Channels",
                                                     "Num Filter",    "Strides",      "Stride Width"};
constexpr std::array<const char*, 4> kGemmColumns = {"Layer", "M", "N", "K"};

// Large enough for any real layer, small enough that the products the timing models form
// (pixels x window x filters) stay far inside int64.
constexpr int64_t kMaxDimension = 1 << 20;

// One comma-separated field of a line: its text and where it starts (1-based column).
struct Field {
  std::string_view text;  // stripped
  int column = 0;
};

class RowReader {
 public:
  RowReader(const std::string& file, int line) : file_(file), line_(line) {}

  [[noreturn]] void fail(int column, const std::string& key, const std::string& message) const {
    throw ConfigurationError(SourceLocation{file_, line_, column}, key, message);
  }

  int64_t integer(const Field& field, const char* column_name) const {
    const std::optional<int64_t> value = parse_python_int(field.text);
    if (!value) {
      fail(field.column, column_name,
           "expected an integer, found \"" + std::string(field.text) + "\"" +
               (field.text.empty() ? " (an empty field)" : ""));
    }
    if (*value < 1 || *value > kMaxDimension) {
      fail(field.column, column_name,
           "expected an integer from 1 to " + std::to_string(kMaxDimension) + ", found " + std::to_string(*value));
    }
    return *value;
  }

 private:
  const std::string& file_;
  int line_;
};

// Splits a stripped line at every comma; `offset` is the 0-based column of line[0] in the file.
std::vector<Field> split_fields(std::string_view line, std::size_t offset) {
  std::vector<Field> fields;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    const std::string_view raw = line.substr(begin, comma == std::string_view::npos ? line.npos : comma - begin);
    const std::size_t lead = python_strip_begin(raw);
    fields.push_back(Field{python_strip(raw), static_cast<int>(offset + begin + lead + 1)});
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return fields;
}

void check_fits(const RowReader& row, const Field& where, const char* what, int64_t filter, const char* ifmap_name,
                int64_t ifmap) {
  if (filter > ifmap) {
    row.fail(where.column, what,
             std::to_string(filter) + " is larger than the " + ifmap_name + " " + std::to_string(ifmap) +
                 " (SCALE-Sim asserts the filter fits the input; pad the input size to include padding)");
  }
}

}  // namespace

const char* name_of(TopologyFormat format) { return format == TopologyFormat::Gemm ? "gemm" : "conv"; }

Topology parse_topology(std::string_view text, const std::string& file, std::optional<TopologyFormat> format) {
  Topology topology;
  topology.file = file;
  bool header_seen = false;
  int line_number = 0;
  std::size_t line_begin = 0;
  while (line_begin <= text.size()) {
    const std::size_t newline = text.find('\n', line_begin);
    const std::string_view raw =
        text.substr(line_begin, newline == std::string_view::npos ? text.npos : newline - line_begin);
    line_begin = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
    ++line_number;

    const std::string_view line = python_strip(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t offset = python_strip_begin(raw);
    std::vector<Field> fields = split_fields(line, offset);
    const RowReader row(file, line_number);

    if (!header_seen) {
      header_seen = true;
      // SCALE-Sim skips the first line whatever it holds; a file without a header would lose
      // its first layer there, so accelsim refuses one that starts with data.
      if (fields.size() > 1 && parse_python_int(fields[1].text)) {
        row.fail(fields[1].column, "header",
                 "the first line must be the header (\"Layer name, IFMAP Height, ...\" or \"Layer, M, N, K,\"); "
                 "this one holds numbers, and SCALE-Sim would skip it as the header");
      }
      if (!format) {
        const bool gemm = fields.size() > 1 && (fields[1].text == "M" || fields[1].text == "m");
        format = gemm ? TopologyFormat::Gemm : TopologyFormat::Conv;
      }
      topology.format = *format;
      continue;
    }

    bool all_blank = true;
    for (const Field& field : fields) all_blank = all_blank && field.text.empty();
    if (all_blank) {  // a row of commas, as in SCALE-Sim's own Resnet50.csv (on which SCALE-Sim fails)
      topology.warnings.push_back(SourceLocation{file, line_number, 0}.to_string() +
                                  ": a row of empty fields, skipped");
      continue;
    }
    // SCALE-Sim drops the field after the last comma unconditionally; accelsim only when blank.
    if (fields.size() > 1 && fields.back().text.empty()) fields.pop_back();

    TopologyLayer layer;
    layer.line = line_number;
    layer.name = std::string(fields[0].text);
    const bool gemm = topology.format == TopologyFormat::Gemm;
    const std::size_t needed = gemm ? kGemmColumns.size() : 8;
    if (fields.size() < needed) {
      const char* missing = gemm ? kGemmColumns[fields.size()] : kConvColumns[fields.size()];
      const int column = static_cast<int>(offset + line.size() + 1);
      row.fail(column, missing,
               "missing: a " + std::string(name_of(topology.format)) + " row has " + std::to_string(needed) +
                   " fields (" + (gemm ? "Layer, M, N, K" : "Layer name, IFMAP Height, ..., Strides") +
                   ") and a trailing comma; this one has " + std::to_string(fields.size()));
    }

    std::size_t used = needed;
    if (gemm) {
      const int64_t m = row.integer(fields[1], "M");
      const int64_t n = row.integer(fields[2], "N");
      const int64_t k = row.integer(fields[3], "K");
      // SCALE-Sim's conversion (topology_utils.py): [name, M, K, 1, K, 1, N, 1, 1].
      layer.ifmap_height = m;
      layer.ifmap_width = k;
      layer.filter_height = 1;
      layer.filter_width = k;
      layer.channels = 1;
      layer.num_filters = n;
    } else {
      layer.ifmap_height = row.integer(fields[1], kConvColumns[1]);
      layer.ifmap_width = row.integer(fields[2], kConvColumns[2]);
      layer.filter_height = row.integer(fields[3], kConvColumns[3]);
      layer.filter_width = row.integer(fields[4], kConvColumns[4]);
      layer.channels = row.integer(fields[5], kConvColumns[5]);
      layer.num_filters = row.integer(fields[6], kConvColumns[6]);
      layer.stride_height = row.integer(fields[7], kConvColumns[7]);
      layer.stride_width = layer.stride_height;
      // A ninth field is the width's stride (SCALE-Sim reads it when present).
      if (fields.size() > 8 && !fields[8].text.empty()) layer.stride_width = row.integer(fields[8], kConvColumns[8]);
      used = 9;
      check_fits(row, fields[3], kConvColumns[3], layer.filter_height, "IFMAP Height", layer.ifmap_height);
      check_fits(row, fields[4], kConvColumns[4], layer.filter_width, "IFMAP Width", layer.ifmap_width);
      layer.depthwise_by_name = layer.name.find("DP") != std::string::npos;
    }
    for (std::size_t i = used; i < fields.size(); ++i) {
      if (fields[i].text.empty()) continue;  // SCALE-Sim's Resnet50.csv leaves such columns empty
      topology.warnings.push_back(SourceLocation{file, line_number, fields[i].column}.to_string() + ": column " +
                                  std::to_string(i + 1) + " (\"" + std::string(fields[i].text) +
                                  "\") has no meaning in a " + name_of(topology.format) + " topology and is ignored");
    }
    topology.layers.push_back(std::move(layer));
  }
  if (!header_seen) {
    throw ConfigurationError(SourceLocation{file, 0, 0}, "",
                             "an empty topology: expected a header line and at least one layer");
  }
  if (topology.layers.empty()) {
    throw ConfigurationError(SourceLocation{file, line_number, 0}, "",
                             "no layers: the file holds only the header line (SCALE-Sim skips the first line)");
  }
  return topology;
}

Topology read_topology(const std::filesystem::path& path, std::optional<TopologyFormat> format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigurationError(SourceLocation{path.string(), 0, 0}, "", "cannot open the topology file");
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) throw ConfigurationError(SourceLocation{path.string(), 0, 0}, "", "cannot read the topology file");
  return parse_topology(content.str(), path.string(), format);
}

}  // namespace accelsim::scalesim
