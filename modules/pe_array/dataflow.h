#pragma once

#include <cstdint>

#include "core/hardware/hardware_config.h"

namespace accelsim::modules {

// A GEMM tile (M output pixels x K window x N output channels) as a dataflow places it:
// `spatial_rows` on the array's rows, `spatial_cols` on its columns, `temporal` streamed.
struct FoldSpace {
  int64_t spatial_rows = 0;
  int64_t spatial_cols = 0;
  int64_t temporal = 0;
};

inline FoldSpace fold_space(hardware::Dataflow dataflow, int64_t m, int64_t k, int64_t n) {
  switch (dataflow) {
    case hardware::Dataflow::WeightStationary:
      return {k, n, m};
    case hardware::Dataflow::OutputStationary:
      return {m, n, k};
    case hardware::Dataflow::InputStationary:
      return {k, m, n};
  }
  return {k, n, m};
}

}  // namespace accelsim::modules
