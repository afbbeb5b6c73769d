#pragma once

#include <array>
#include <cstdint>

#include "modules/common/layer_geometry.h"
#include "modules/requant_unit/requant_datapath.h"

namespace accelsim::modules {

// The pooling unit's arithmetic for one output of a window over a channel plane of stored
// bytes (docs/arithmetic.md): max skips padded positions (they never win); the mean adds the
// window's values less the zero point (padded positions add nothing) and divides by the count
// through the rounding divider, then adds the zero point back; or, with `mean: multiply`,
// passes the sum through the requantization datapath (a multiplier into the output's scale); or,
// with `mean: float32`, looks each byte up in a table of its dequantized float32 value, adds
// them in a float32 accumulator, divides by the count and quantizes (ONNX Runtime's
// QLinearAveragePool).
class PoolingDatapath {
 public:
  explicit PoolingDatapath(const LayerGeometry& layer);

  int32_t operator()(const uint8_t* plane, int64_t out_y, int64_t out_x) const;

  // Outputs [m_begin, m_end) of the plane (row-major output pixels) as stored bytes: exactly
  // operator()'s values, a max comparing the stored bytes as their dtype without a call per
  // output.
  void run(const uint8_t* plane, int64_t m_begin, int64_t m_end, uint8_t* out) const;

 private:
  // mean: float32: the accumulated window (its real positions) to the stored output.
  int32_t quantize_float_mean(float sum, int64_t count) const;

  const LayerGeometry& layer_;
  RequantDatapath requant_;
  std::array<float, 256> dequantized_{};  // mean: float32: S_in * (q - z_in) for each stored byte
};

}  // namespace accelsim::modules
