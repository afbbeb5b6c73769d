#include <map>

#include "modules/pe_array/dataflow.h"
#include "modules/pe_array/timing/array_timing.h"

namespace accelsim::modules {

uint64_t scalesim_layer_cycles(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n) {
  const FoldSpace space = fold_space(config.dataflow, m, k, n);
  const int64_t R = config.rows, C = config.cols, T = space.temporal;
  const int64_t folds = ((space.spatial_rows + R - 1) / R) * ((space.spatial_cols + C - 1) / C);
  const int64_t per_fold = config.dataflow == hardware::Dataflow::OutputStationary ? T + R + C - 2 : 2 * R + C + T - 2;
  return static_cast<uint64_t>(folds * per_fold - 1);
}

namespace {

__extension__ typedef unsigned __int128 uint128;

// `scalesim`: SCALE-Sim v2's per-layer compute cycles, each layer's figure shared among its
// tiles in proportion to their MACs so that the layer sums to it exactly; the datapath
// computes the values.
class ScaleSimTiming : public ArrayTiming {
 public:
  ScaleSimTiming(const hardware::PeArrayConfig& config, const std::vector<LayerGeometry>& layers,
                 const isa::TileProgram& program) {
    for (const auto& instructions : program.image_programs) {
      // Per layer: its SCALE-Sim cycles split over its tiles by cumulative MACs, rounded so
      // that the shares add up to the layer's figure exactly.
      std::map<int, std::pair<int64_t, int64_t>> progress;  // layer -> (MACs so far, cycles so far)
      for (const auto& tile : instructions) {
        if (tile.op != isa::Opcode::Compute) continue;
        const LayerGeometry& g = layers[static_cast<std::size_t>(tile.layer)];
        const int64_t M = g.gemm_m, K = g.gemm_k, N = g.gemm_n;
        // A grouped convolution is `groups` layers of N / groups channels each, one after another.
        const uint64_t layer_cycles =
            static_cast<uint64_t>(g.groups) * scalesim_layer_cycles(config, M, K, N / g.groups);
        auto& [macs_done, cycles_done] = progress[tile.layer];
        macs_done += tile.tile_m() * tile.tile_k() * tile.tile_n();
        const int64_t cycles_due = static_cast<int64_t>(
            static_cast<uint128>(layer_cycles) * static_cast<uint128>(macs_done) / static_cast<uint128>(M * K * N));
        share_[&tile] = static_cast<uint64_t>(cycles_due - cycles_done);
        cycles_done = cycles_due;
      }
    }
  }

  uint64_t run(const isa::Instruction& tile, const TileDatapath& datapath, int64_t* partial,
               std::optional<std::string>& violation) override {
    if (partial) datapath.multiply(tile.tile_m(), tile.tile_k(), tile.tile_n(), partial);
    const auto share = share_.find(&tile);
    if (share != share_.end()) return share->second;
    violation = "scalesim timing: a compute tile that is not in the tile program";
    return 0;
  }
  bool memory_can_stall() const override { return false; }

 private:
  std::map<const isa::Instruction*, uint64_t> share_;
};

}  // namespace

std::unique_ptr<ArrayTiming> make_scalesim_timing(const ArrayTimingContext& context) {
  return std::make_unique<ScaleSimTiming>(context.config, context.layers, context.program);
}

}  // namespace accelsim::modules
