#include <map>
#include <tuple>

#include "modules/pe_array/timing/array_timing.h"
#include "modules/pe_array/timing/fold_schedule.h"

namespace accelsim::modules {

namespace {

// `fast`: the tile equations of fold_schedule.h; the datapath computes the values.
class FastTiming : public ArrayTiming {
 public:
  explicit FastTiming(const hardware::PeArrayConfig& config) : config_(config) {}

  uint64_t run(const isa::Instruction& tile, const TileDatapath& datapath, int64_t* partial,
               std::optional<std::string>&) override {
    if (partial) datapath.multiply(tile.tile_m(), tile.tile_k(), tile.tile_n(), partial);
    // A program has a handful of tile shapes, met again in every image: each is worked out once.
    const auto shape = std::make_tuple(tile.tile_m(), tile.tile_k(), tile.tile_n());
    auto it = cycles_by_shape_.find(shape);
    if (it == cycles_by_shape_.end())
      it =
          cycles_by_shape_.emplace(shape, fast_tile_cycles(config_, tile.tile_m(), tile.tile_k(), tile.tile_n())).first;
    return it->second;
  }

 private:
  hardware::PeArrayConfig config_;
  std::map<std::tuple<int64_t, int64_t, int64_t>, uint64_t> cycles_by_shape_;
};

}  // namespace

std::unique_ptr<ArrayTiming> make_fast_timing(const ArrayTimingContext& context) {
  return std::make_unique<FastTiming>(context.config);
}

}  // namespace accelsim::modules
