#include "modules/pe_array/array_timing.h"
#include "modules/pe_array/fold_schedule.h"

namespace accelsim::modules {

namespace {
class FastTiming : public ArrayTiming {
 public:
  explicit FastTiming(const hardware::PeArrayConfig& config) : config_(config) {}
  uint64_t tile_cycles(const mapper::Instruction& tile) const override {
    return fast_tile_cycles(config_, tile.tile_m(), tile.tile_k(), tile.tile_n());
  }

 private:
  hardware::PeArrayConfig config_;
};
}  // namespace

std::unique_ptr<ArrayTiming> make_fast_timing(const hardware::PeArrayConfig& config) { return std::make_unique<FastTiming>(config); }

}  // namespace accelsim::modules
