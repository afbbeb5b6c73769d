#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accelsim::scalesim {

// SCALE-Sim's two topology formats. SCALE-Sim picks one by its `-i gemm|conv` switch and never
// looks at the header; accelsim reads the header instead (a second column named M means GEMM).
enum class TopologyFormat { Conv, Gemm };

// One row, as SCALE-Sim v2 understands it (scalesim/topology_utils.py). A GEMM row (M, N, K)
// is held the way SCALE-Sim converts it: an M x K input with one channel, a 1 x K filter, N
// filters, stride 1, so that the operand matrices are exactly M x K, K x N and M x N.
struct TopologyLayer {
  std::string name;
  int64_t ifmap_height = 0;  // includes any padding: SCALE-Sim has no padding column
  int64_t ifmap_width = 0;
  int64_t filter_height = 0;
  int64_t filter_width = 0;
  int64_t channels = 0;
  int64_t num_filters = 0;
  int64_t stride_height = 1;
  int64_t stride_width = 1;
  // The name contains "DP": SCALE-Sim splits such a row into `channels` one-channel layers
  // (its only depthwise support). A depthwise layer written with Num Filter 1 is, to SCALE-Sim,
  // a plain convolution with one filter.
  bool depthwise_by_name = false;
  int line = 0;  // 1-based line in the file

  // SCALE-Sim's output size: ceil((H - F + S) / S), one more than floor((H - F) / S) + 1
  // whenever the stride does not divide H - F (the last window reads past the edge).
  int64_t ofmap_height() const {
    return (ifmap_height - filter_height + stride_height + stride_height - 1) / stride_height;
  }
  int64_t ofmap_width() const { return (ifmap_width - filter_width + stride_width + stride_width - 1) / stride_width; }
};

struct Topology {
  std::string file;  // as given, for messages
  TopologyFormat format = TopologyFormat::Conv;
  std::vector<TopologyLayer> layers;
  // Things read but not used, each naming the file, line and column ("extra columns ...").
  std::vector<std::string> warnings;
};

// Reads a topology CSV as SCALE-Sim does: every line stripped of surrounding blanks (CRLF
// included), blank lines skipped, the first line the header, fields split at commas, the
// field after the last comma dropped when blank (SCALE-Sim drops it always, so its rows end
// with a comma), numbers as Python's int() reads them. accelsim also skips `#` comment lines,
// keeps a last field that is not blank (SCALE-Sim would lose the stride), and skips rows of
// empty fields and ignores empty columns after Strides (both in SCALE-Sim's own Resnet50.csv,
// which SCALE-Sim cannot read), with a warning for non-empty ones and for skipped rows. Bad input throws
// config::ConfigurationError naming the file, line, column and the column's name. `format` overrides the header's.
Topology parse_topology(std::string_view text, const std::string& file,
                        std::optional<TopologyFormat> format = std::nullopt);
Topology read_topology(const std::filesystem::path& path, std::optional<TopologyFormat> format = std::nullopt);

const char* name_of(TopologyFormat format);

}  // namespace accelsim::scalesim
