#include "modules/pe_array/timing/array_timing.h"
#include "modules/pe_array/timing/systolic_array.h"

#include <vector>

namespace accelsim::modules {

namespace {

// `detailed`: the per-cycle systolic array computes the tile from the gathered operands and
// counts its cycles itself.
class DetailedTiming : public ArrayTiming {
 public:
  explicit DetailedTiming(const hardware::PeArrayConfig& config) : array_(config) {}

  uint64_t run(const isa::Instruction& tile, const TileDatapath& datapath, int64_t* partial,
               std::optional<std::string>& violation) override {
    const int64_t m = tile.tile_m(), k = tile.tile_k(), n = tile.tile_n();
    if (!partial) {  // timing only: the per-cycle array still steps, on zero operands
      zero_a_.assign(static_cast<std::size_t>(m * k), 0);
      zero_w_.assign(static_cast<std::size_t>(n * k), 0);
      scratch_.resize(static_cast<std::size_t>(m * n));
    }
    const uint64_t cycles = partial ? array_.run(datapath.a(), datapath.w(), m, k, n, partial)
                                    : array_.run(zero_a_.data(), zero_w_.data(), m, k, n, scratch_.data());
    if (array_.violation()) violation = array_.violation();
    return cycles;
  }

 private:
  SystolicArray array_;
  std::vector<int16_t> zero_a_, zero_w_;
  std::vector<int64_t> scratch_;
};

}  // namespace

std::unique_ptr<ArrayTiming> make_detailed_timing(const ArrayTimingContext& context) {
  return std::make_unique<DetailedTiming>(context.config);
}

}  // namespace accelsim::modules
