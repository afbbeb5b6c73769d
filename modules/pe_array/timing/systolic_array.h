#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "modules/pe_array/timing/fold_schedule.h"

namespace accelsim::modules {

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
  // Set when the last run broke one of the model's own register rules (a weight used by the
  // wrong fold, a result overwritten before it was read): the schedule it follows is wrong, a
  // simulator bug, never expected. That run's results are not valid.
  const std::optional<std::string>& violation() const { return violation_; }

 private:
  uint64_t run_operand_stationary(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n,
                                  int64_t* partial);
  uint64_t run_output_stationary(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n, int64_t* partial);

  // Records the first violation of the run and returns 0 for the caller to return with.
  uint64_t record_violation(const std::string& what, int64_t cycle, int64_t r, int64_t c);

  hardware::PeArrayConfig config_;
  std::optional<std::string> violation_;
};

}  // namespace accelsim::modules
