#include "modules/pe_array/timing/array_timing.h"
#include "modules/pe_array/timing/systolic_array.h"

namespace accelsim::modules {

namespace {

// `detailed`: the per-cycle systolic array computes the tile from the gathered operands and
// counts its cycles itself.
class DetailedTiming : public ArrayTiming {
 public:
  explicit DetailedTiming(const hardware::PeArrayConfig& config) : array_(config) {}

  uint64_t run(const isa::Instruction& tile, const TileDatapath& datapath, int64_t* partial,
               std::optional<std::string>& violation) override {
    const uint64_t cycles =
        array_.run(datapath.a(), datapath.w(), tile.tile_m(), tile.tile_k(), tile.tile_n(), partial);
    if (array_.violation()) violation = array_.violation();
    return cycles;
  }

 private:
  SystolicArray array_;
};

}  // namespace

std::unique_ptr<ArrayTiming> make_detailed_timing(const ArrayTimingContext& context) {
  return std::make_unique<DetailedTiming>(context.config);
}

}  // namespace accelsim::modules
