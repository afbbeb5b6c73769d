#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/network.h"

namespace accelsim::golden {

// An activation tensor as plain integers, [C, H, W] order.
struct Tensor {
  model::Shape shape;
  std::vector<int32_t> values;
};

// An accumulator left the int32 range under OverflowPolicy::Error.
class AccumulatorOverflow : public std::runtime_error {
 public:
  AccumulatorOverflow(const std::string& layer, int64_t index, int64_t value);
  std::string layer;
  int64_t index;
  int64_t value;
};

// The golden model: integer-only inference written straight from the definitions, with no
// knowledge of tiles, SRAMs or dataflows. The simulator's datapath is checked against it and
// never calls it.
class ReferenceModel {
 public:
  explicit ReferenceModel(const model::Network& network) : network_(network) {}

  // Every layer's output for one image, given its input activations. Throws
  // AccumulatorOverflow under OverflowPolicy::Error.
  std::vector<Tensor> run(const std::vector<int32_t>& input) const;
  // The same without throwing: on an overflow under OverflowPolicy::Error, `overflow` is set
  // and the layers computed so far are returned.
  std::vector<Tensor> run(const std::vector<int32_t>& input, std::optional<AccumulatorOverflow>& overflow) const;

  // The predicted class: the index of the largest score, the lowest index on ties.
  static int64_t argmax(const Tensor& scores);

 private:
  Tensor conv2d(const model::Layer& layer, const Tensor& input, std::optional<AccumulatorOverflow>& overflow) const;
  Tensor linear(const model::Layer& layer, const Tensor& input, std::optional<AccumulatorOverflow>& overflow) const;
  Tensor maxpool(const model::Layer& layer, const Tensor& input) const;
  int32_t finish_accumulator(const model::Layer& layer, int64_t index, int64_t acc,
                             std::optional<AccumulatorOverflow>& overflow) const;

  const model::Network& network_;
};

}  // namespace accelsim::golden
