#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/network.h"
#include "golden/int8_gemm.h"
#include "golden/requant_table.h"

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
  // How convolutions and fully-connected layers multiply-accumulate. All give the same integers.
  enum class MacPath {
    Auto,    // the exact int16 GEMM (gemm::multiply), AVX2 when the CPU has it
    Avx2,    // the same, AVX2 forced (tests)
    Scalar,  // the same packed GEMM, scalar loops forced (tests)
    Plain,   // int64 loops straight from the definitions
  };

  // Packs the GEMM's weights of every layer of more than one row per image once, here (not per image).
  explicit ReferenceModel(const model::Network& network, MacPath path = MacPath::Auto);

  // Every layer's output for one image, given its input activations. Throws
  // AccumulatorOverflow under OverflowPolicy::Error.
  std::vector<Tensor> run(const std::vector<int32_t>& input) const;
  // The same without throwing: on an overflow under OverflowPolicy::Error, `overflow` is set
  // and the layers computed so far are returned.
  std::vector<Tensor> run(const std::vector<int32_t>& input, std::optional<AccumulatorOverflow>& overflow) const;

  // The predicted class: the index of the largest score, the lowest index on ties.
  static int64_t argmax(const Tensor& scores);

 private:
  Tensor conv2d(std::size_t index, const Tensor& input, std::optional<AccumulatorOverflow>& overflow) const;
  Tensor linear(std::size_t index, const Tensor& input, std::optional<AccumulatorOverflow>& overflow) const;
  // A depthwise convolution (one input channel per group) by whole planes, or nullopt when it
  // must take the plain loops (operands outside [-255, 255]).
  std::optional<Tensor> depthwise_conv(std::size_t index, const Tensor& input,
                                       std::optional<AccumulatorOverflow>& overflow) const;
  Tensor conv2d_plain(std::size_t index, const Tensor& input, std::optional<AccumulatorOverflow>& overflow) const;
  Tensor linear_plain(std::size_t index, const Tensor& input, std::optional<AccumulatorOverflow>& overflow) const;
  // The GEMM's path for this layer and input, or nullopt when it must use the plain loops
  // (operands outside [-255, 255] or K beyond gemm::kMaxExactDepth).
  std::optional<gemm::Path> gemm_path(std::size_t index, const Tensor& input) const;
  // A layer of one row per image (one_row_) by gemm::multiply_row, or nullopt when it must take the plain loops.
  std::optional<Tensor> one_row(std::size_t index, const Tensor& input,
                                std::optional<AccumulatorOverflow>& overflow) const;
  Tensor maxpool(const model::Layer& layer, const Tensor& input) const;
  Tensor avgpool(const model::Layer& layer, const Tensor& input) const;  // avgpool and global_avgpool
  Tensor add(std::size_t index, const Tensor& a, const Tensor& b) const;
  // The output of an accumulator (checked against int32 as the policy says, then requantized):
  // looked up in `table`, its output channel's, when the layer has tables.
  int32_t finish_accumulator(const model::Layer& layer, int64_t index, int64_t acc,
                             std::optional<AccumulatorOverflow>& overflow, const RequantTable* table) const;
  // Output channel `channel`'s requantization table in layer `index`, or nullptr (requantize()).
  const RequantTable* table_of(std::size_t index, int64_t channel) const;

  const model::Network& network_;
  MacPath path_;
  // Per layer; empty for layers without weights, and for a one-row layer only `fits` is set.
  std::vector<gemm::PackedWeights> packed_;
  // Per layer: its GEMM has a single row per image (a linear layer, or a convolution whose one window
  // is its whole unpadded input), multiplied from the int8 weights as they are (gemm::multiply_row:
  // packing them would cost more than the product).
  std::vector<char> one_row_;
  // Per depthwise layer: its weights minus their zero point, [out][kh * kw]; else empty.
  std::vector<std::vector<int32_t>> depthwise_weights_;
  // Per layer: no table, one for every channel (one multiplier) or one per output channel.
  std::vector<std::vector<RequantTable>> tables_;
};

}  // namespace accelsim::golden
