#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "modules/pe_array/fold_schedule.h"

namespace accelsim::modules {

// The detailed model broke one of its own register rules (a weight used by the wrong fold, a
// result overwritten before it was read): the schedule it follows is wrong. Never expected.
class ScheduleViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// The `detailed` timing model: the systolic array register by register, cycle by cycle. Real
// operands shift through the PEs' input, weight and partial-sum registers; stationary rows are
// written over a row bus only when their registers are free; results leave the array as the
// hardware would let them. It exists to validate the `fast` equations (fold_schedule.h): for
// every tile both give the same partial sums and the same cycle count.
class SystolicArray {
 public:
  explicit SystolicArray(const hardware::PeArrayConfig& config) : config_(config) {}

  // a: m x k and w: n x k operands (zero points removed). Writes the m x n partial sums into
  // `partial` and returns the cycles from the first row write to the last result out.
  uint64_t run(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n, int64_t* partial);

 private:
  uint64_t run_operand_stationary(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n,
                                  int64_t* partial);
  uint64_t run_output_stationary(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n, int64_t* partial);

  hardware::PeArrayConfig config_;
};

}  // namespace accelsim::modules
