#pragma once

#include <cstdint>

#include "modules/common/layer_geometry.h"
#include "modules/requant_unit/requant_datapath.h"

namespace accelsim::modules {

// The pooling unit's arithmetic for one output of a window over a channel plane of stored
// bytes (docs/arithmetic.md): max skips padded positions (they never win); the mean adds the
// window's values less the zero point (padded positions add nothing) and divides by the count
// through the rounding divider, then adds the zero point back; or, with `mean: multiply`,
// passes the sum through the requantization datapath (a multiplier into the output's scale).
class PoolingDatapath {
 public:
  explicit PoolingDatapath(const LayerGeometry& layer) : layer_(layer), requant_(layer.requant) {}

  int32_t operator()(const uint8_t* plane, int64_t out_y, int64_t out_x) const;

  // Outputs [m_begin, m_end) of the plane (row-major output pixels) as stored bytes: exactly
  // operator()'s values, a max comparing the stored bytes as their dtype without a call per
  // output.
  void run(const uint8_t* plane, int64_t m_begin, int64_t m_end, uint8_t* out) const;

 private:
  const LayerGeometry& layer_;
  RequantDatapath requant_;
};

}  // namespace accelsim::modules
