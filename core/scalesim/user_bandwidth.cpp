#include "core/scalesim/user_bandwidth.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace accelsim::scalesim {

namespace {

constexpr int64_t kNone = -1;  // no request in this slot

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The layer's operand addresses as SCALE-Sim lays them out: the ifmap NHWC with -1 for a window
// that reaches past the edge (its ceil output rule), the filters one after another.
struct Operands {
  int64_t height, width, channels, filter_width, stride_h, stride_w, ofmap_width;
  int64_t pixels, window, filters;

  explicit Operands(const TopologyLayer& layer)
      : height(layer.ifmap_height),
        width(layer.ifmap_width),
        channels(layer.channels),
        filter_width(layer.filter_width),
        stride_h(layer.stride_height),
        stride_w(layer.stride_width),
        ofmap_width(layer.ofmap_width()),
        pixels(layer.ofmap_height() * layer.ofmap_width()),
        window(layer.filter_height * layer.filter_width * layer.channels),
        filters(layer.num_filters) {}

  // Output pixel e's k-th window element (filter row, filter column, channel; channel fastest).
  int64_t ifmap(int64_t e, int64_t k) const {
    const int64_t row = (e / ofmap_width) * stride_h + k / (filter_width * channels);
    const int64_t col = (e % ofmap_width) * stride_w + (k % (filter_width * channels)) / channels;
    if (row >= height || col >= width) return kNone;
    return (row * width + col) * channels + k % channels;
  }
  int64_t filter(int64_t k, int64_t n) const { return n * window + k; }
  int64_t ifmap_words() const { return height * width * channels; }
  int64_t filter_words() const { return window * filters; }
};

// One of SCALE-Sim's read SRAMs in USER mode. Only which addresses sit in which set, the
// sliding window of active sets and the time of the last refill decide the stalls; the data and
// DRAM trace are not kept.
class ReadBuffer {
 public:
  // `fetch_order`: the operand's prefetch order (kNone slots skipped); `words`: SRAM size.
  ReadBuffer(const std::vector<int64_t>& fetch_order, int64_t address_space, int64_t words, int64_t bandwidth)
      : sets_of_(static_cast<std::size_t>(address_space)) {
    const int64_t words_per_set = ceil_div(words, 100);
    const int64_t active_words = ceil_div(words, 2), prefetch_words = words - active_words;
    int64_t set = 0, in_set = 0;
    for (const int64_t address : fetch_order) {
      if (address == kNone) continue;
      std::vector<int32_t>& sets = sets_of_[static_cast<std::size_t>(address)];
      if (sets.empty() || sets.back() != set) sets.push_back(static_cast<int32_t>(set));
      if (++in_set == words_per_set) ++set, in_set = 0;
    }
    sets_ = set + 1;  // the last set, even when empty, counts (SCALE-Sim keeps it)
    active_sets_ = std::min(sets_, ceil_div(active_words, words_per_set));
    prefetch_sets_ = std::min(sets_ - active_sets_, ceil_div(prefetch_words, words_per_set));
    window_end_ = active_sets_;
    refill_cycles_ = ceil_div(prefetch_words, bandwidth) + 1;
  }

  // The stall of one demand line issued at `cycle` (beyond the one-cycle hit latency).
  int64_t serve(const std::vector<int64_t>& line, int64_t cycle) {
    int64_t offset = 1;
    for (const int64_t address : line) {
      if (address == kNone) continue;
      while (!active(address)) {
        refill();
        offset += std::max<int64_t>(0, last_refill_done_ - (cycle + offset));
      }
    }
    return offset - 1;
  }

 private:
  bool active(int64_t address) const {
    const std::vector<int32_t>& sets = sets_of_[static_cast<std::size_t>(address)];
    if (window_start_ < window_end_) {
      const auto first = std::lower_bound(sets.begin(), sets.end(), window_start_);
      return first != sets.end() && *first < window_end_;
    }
    return !sets.empty() && (sets.back() >= window_start_ || sets.front() < window_end_);
  }
  void refill() {
    if (prefetch_sets_ == 0)
      throw std::logic_error("scalesim USER bandwidth: an address outside the read buffer's prefetch order");
    window_start_ = (window_start_ + prefetch_sets_) % sets_;
    window_end_ = (window_start_ + active_sets_) % sets_;
    last_refill_done_ += refill_cycles_;
  }

  std::vector<std::vector<int32_t>> sets_of_;  // address -> the sets holding it, ascending
  int64_t sets_ = 0, active_sets_ = 0, prefetch_sets_ = 0;
  int64_t window_start_ = 0, window_end_ = 0;
  int64_t refill_cycles_ = 0;
  int64_t last_refill_done_ = -1;  // the first fill ends just before cycle 0
};

// SCALE-Sim's ofmap SRAM in USER mode: words are packed into DRAM lines of `bandwidth` words;
// when more than half the SRAM is held (and no drain runs) every buffered line, the partial one
// closed early, is queued and the next half's worth of lines drains, one line per cycle. Its
// free space is credited with whole lines but the last one's empty slots.
class WriteBuffer {
 public:
  WriteBuffer(int64_t words, int64_t bandwidth)
      : active_words_(ceil_div(words, 2)),
        drain_lines_(ceil_div(words - ceil_div(words, 2), bandwidth)),
        bandwidth_(bandwidth),
        free_(words) {}

  // The stall of a demand line carrying `writes` words at `cycle`.
  int64_t serve(int64_t writes, int64_t cycle) {
    int64_t now = cycle;
    for (int64_t w = 0; w < writes; ++w) {
      --free_;
      if (++open_line_ == bandwidth_) lines_.push_back(open_line_), open_line_ = 0;
      if (now < drain_end_) {
        if (free_ <= 0) now = drain_end_;
      } else if (free_ < active_words_) {
        if (open_line_ != 0) lines_.push_back(open_line_), open_line_ = 0;
        drain_end_ = drain(now);
      }
    }
    return now - cycle;
  }

 private:
  int64_t drain(int64_t start) {
    const std::size_t end = std::min(next_drain_ + static_cast<std::size_t>(drain_lines_), lines_.size());
    if (end == next_drain_) throw std::logic_error("scalesim USER bandwidth: a drain with nothing to drain");
    const auto lines = static_cast<int64_t>(end - next_drain_);
    free_ += (lines - 1) * bandwidth_ + lines_[end - 1];
    next_drain_ = end;
    return start + lines - 1;
  }

  int64_t active_words_, drain_lines_, bandwidth_;
  int64_t free_;
  int64_t open_line_ = 0;       // words in the line being filled
  std::vector<int64_t> lines_;  // words in each closed line
  std::size_t next_drain_ = 0;
  int64_t drain_end_ = 0;
};

}  // namespace

bool user_bandwidth_supported(Dataflow dataflow) { return dataflow == Dataflow::WeightStationary; }

UserBandwidthFigures user_bandwidth_figures(const TopologyLayer& layer, const ScaleSimConfig& config) {
  if (!user_bandwidth_supported(config.dataflow))
    throw std::invalid_argument(std::string("InterfaceBandwidth USER is modelled for the ws dataflow only, not ") +
                                name_of(config.dataflow));
  if (config.bandwidth.empty() || config.bandwidth.front() < 1)
    throw std::invalid_argument("InterfaceBandwidth USER needs a Bandwidth of at least 1 word per cycle");
  const int64_t bandwidth = config.bandwidth.front();
  const int64_t R = config.array_height, C = config.array_width;
  const Operands op(layer);
  // WS: the window K on the rows, the filters N on the columns, the pixels E streamed in time.
  const int64_t K = op.window, N = op.filters, T = op.pixels;
  const int64_t row_folds = ceil_div(K, R), col_folds = ceil_div(N, C);

  // Prefetch orders. Ifmap: the row folds' T x R slices stacked, read along anti-diagonals (the
  // order the skewed array asks for them). Filter: the column folds' K x C slices stacked, by rows.
  std::vector<int64_t> ifmap_order, filter_order;
  ifmap_order.reserve(static_cast<std::size_t>(row_folds * T * R));
  const int64_t stacked = row_folds * T;
  for (int64_t diagonal = 0; diagonal < stacked + R; ++diagonal) {
    for (int64_t row = std::min(diagonal, stacked - 1); row >= std::max<int64_t>(0, diagonal - R + 1); --row) {
      const int64_t k = (row / T) * R + (diagonal - row);
      ifmap_order.push_back(k < K ? op.ifmap(row % T, k) : kNone);
    }
  }
  filter_order.reserve(static_cast<std::size_t>(col_folds * K * C));
  for (int64_t fc = 0; fc < col_folds; ++fc)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < C; ++j) filter_order.push_back(fc * C + j < N ? op.filter(k, fc * C + j) : kNone);

  ReadBuffer ifmap(ifmap_order, op.ifmap_words(), config.ifmap_sram_kb * 1024, bandwidth);
  ReadBuffer filter(filter_order, op.filter_words(), config.filter_sram_kb * 1024, bandwidth);
  WriteBuffer ofmap(config.ofmap_sram_kb * 1024, bandwidth);
  ifmap_order = {}, filter_order = {};

  // Demand lines of one fold (column folds outer, row folds inner), 2R + C + T - 2 of them:
  // ifmap: R preload lines, T pixels, C - 1 drain lines, skewed one line per array row;
  // filter: the R x C slice bottom row first, then nothing; ofmap: 2R - 1 lines, then T pixels
  // skewed one line per array column.
  const int64_t lines_per_fold = 2 * R + C + T - 2;
  std::vector<int64_t> ifmap_line(static_cast<std::size_t>(R)), filter_line(static_cast<std::size_t>(C));
  UserBandwidthFigures figures;
  int64_t stall = 0, line_index = 0, last_ofmap_cycle = 0;
  for (int64_t fc = 0; fc < col_folds; ++fc) {
    for (int64_t fr = 0; fr < row_folds; ++fr) {
      for (int64_t l = 0; l < lines_per_fold; ++l, ++line_index) {
        const int64_t cycle = line_index + stall;
        for (int64_t r = 0; r < R; ++r) {
          const int64_t t = l - r - R, k = fr * R + r;
          ifmap_line[static_cast<std::size_t>(r)] = t >= 0 && t < T && k < K ? op.ifmap(t, k) : kNone;
        }
        for (int64_t j = 0; j < C; ++j) {
          const int64_t k = fr * R + (R - 1 - l), n = fc * C + j;
          filter_line[static_cast<std::size_t>(j)] = l < R && k < K && n < N ? op.filter(k, n) : kNone;
        }
        int64_t writes = 0;
        for (int64_t j = 0; j < C; ++j) {
          const int64_t t = l - j - (2 * R - 1);
          writes += t >= 0 && t < T && fc * C + j < N;
        }
        const int64_t ifmap_stall = ifmap.serve(ifmap_line, cycle);
        const int64_t filter_stall = filter.serve(filter_line, cycle);
        const int64_t ofmap_stall = ofmap.serve(writes, cycle);
        last_ofmap_cycle = cycle + ofmap_stall;
        stall += std::max({ifmap_stall, filter_stall, ofmap_stall});
      }
    }
  }
  figures.total_cycles = last_ofmap_cycle;
  figures.stall_cycles = stall;
  return figures;
}

}  // namespace accelsim::scalesim
