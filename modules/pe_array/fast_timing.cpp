#include "modules/pe_array/array_timing.h"
#include "modules/pe_array/fold_schedule.h"

#include <map>
#include <tuple>

namespace accelsim::modules {

namespace {
class FastTiming : public ArrayTiming {
 public:
  explicit FastTiming(const hardware::PeArrayConfig& config) : config_(config) {}
  // A program has a handful of tile shapes, met again in every image: each is worked out once.
  uint64_t tile_cycles(const isa::Instruction& tile) const override {
    const auto shape = std::make_tuple(tile.tile_m(), tile.tile_k(), tile.tile_n());
    auto it = cycles_by_shape_.find(shape);
    if (it == cycles_by_shape_.end())
      it =
          cycles_by_shape_.emplace(shape, fast_tile_cycles(config_, tile.tile_m(), tile.tile_k(), tile.tile_n())).first;
    return it->second;
  }

 private:
  hardware::PeArrayConfig config_;
  mutable std::map<std::tuple<int64_t, int64_t, int64_t>, uint64_t> cycles_by_shape_;
};
}  // namespace

std::unique_ptr<ArrayTiming> make_fast_timing(const hardware::PeArrayConfig& config) {
  return std::make_unique<FastTiming>(config);
}

}  // namespace accelsim::modules
