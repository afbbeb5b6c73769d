// ONNX's own node tests (Debian's libonnx-testdata) through the importer, the golden model and
// the SystemC accelerator: `accelsim --model` exits 0 only when the accelerator matches the
// golden model bit for bit, and its output.npy (the output in ONNX's dtype) must equal the
// test's expected output element for element.
#include <gtest/gtest.h>

#include <cstring>
#include <iostream>

#include "importers/onnx/onnx_import.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

// Reads element i of an int8/uint8/int32 array as int64.
int64_t integer_at(const npy::NpyArray& array, std::size_t i) {
  switch (array.dtype) {
    case npy::Dtype::UInt8:
      return array.bytes[i];
    case npy::Dtype::Int8:
      return static_cast<int8_t>(array.bytes[i]);
    default: {
      int32_t v;
      std::memcpy(&v, array.bytes.data() + 4 * i, 4);
      return v;
    }
  }
}

// Runs the node test `name` through `accelsim --model`; returns {elements, mismatches}.
void expect_conformance(const std::string& name) {
  const auto tests = onnx_node_tests();
  if (!tests) GTEST_SKIP() << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  const NodeTest test = load_node_test(*tests / name);
  TempDir dir;
  write_model(bind_constant_inputs(test), dir.path() / "model.onnx");
  write_npy(npy_of(test.inputs.at(0)), dir.path() / "input.npy");
  const auto run = run_accelsim({"--model", (dir.path() / "model.onnx").string(), "--images",
                                 (dir.path() / "input.npy").string(), "--out", (dir.path() / "out").string(), "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.output;  // 0: the accelerator matched the golden model
  const npy::NpyArray expected = npy_of(test.outputs.at(0));
  const npy::NpyArray actual = npy::read_npy(dir.path() / "out" / "output.npy");
  ASSERT_EQ(actual.dtype, expected.dtype);
  ASSERT_EQ(actual.shape, expected.shape);
  int64_t mismatches = 0;
  const std::size_t elements = expected.element_count();
  for (std::size_t i = 0; i < elements; ++i) mismatches += integer_at(actual, i) != integer_at(expected, i);
  std::cout << name << ": " << elements << " elements, " << mismatches << " mismatches\n";
  EXPECT_EQ(mismatches, 0);
}

TEST(OnnxConformance, QLinearConv) { expect_conformance("test_qlinearconv"); }
TEST(OnnxConformance, QLinearMatMul2D) { expect_conformance("test_qlinearmatmul_2D"); }
TEST(OnnxConformance, ConvIntegerWithPadding) { expect_conformance("test_convinteger_with_padding"); }
TEST(OnnxConformance, ConvIntegerWithoutPadding) { expect_conformance("test_convinteger_without_padding"); }
TEST(OnnxConformance, BasicConvInteger) { expect_conformance("test_basic_convinteger"); }
TEST(OnnxConformance, MatMulInteger) { expect_conformance("test_matmulinteger"); }

// B is [2, 4, 3]: a different matrix for each of the two batches, which one linear layer (one
// weight matrix) cannot hold. Refused, with the reason.
TEST(OnnxConformance, QLinearMatMul3DIsRefusedWithTheReason) {
  const auto tests = onnx_node_tests();
  if (!tests) GTEST_SKIP() << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  const NodeTest test = load_node_test(*tests / "test_qlinearmatmul_3D");
  TempDir dir;
  write_model(bind_constant_inputs(test), dir.path() / "model.onnx");
  const auto run = run_accelsim({"import", (dir.path() / "model.onnx").string(), "--out", (dir.path() / "o").string()});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_TRUE(contains(run.output, "(QLinearMatMul)")) << run.output;
  EXPECT_TRUE(contains(run.output, "3-D activations do not fit a linear layer")) << run.output;
}

float float_at(const npy::NpyArray& array, std::size_t i) {
  float v;
  std::memcpy(&v, array.bytes.data() + 4 * i, 4);
  return v;
}

// QuantizeLinear and DequantizeLinear are the importer's input and output conversions.
TEST(OnnxConformance, QuantizeLinear) {
  const auto tests = onnx_node_tests();
  if (!tests) GTEST_SKIP() << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  const NodeTest test = load_node_test(*tests / "test_quantizelinear");
  const npy::NpyArray x = npy_of(test.inputs.at(0)), scale = npy_of(test.inputs.at(1));
  const npy::NpyArray zero_point = npy_of(test.inputs.at(2)), expected = npy_of(test.outputs.at(0));
  ASSERT_EQ(zero_point.dtype, npy::Dtype::UInt8);
  const onnx_import::QuantParams params{float_at(scale, 0), zero_point.bytes[0], model::DType::UInt8};
  int64_t mismatches = 0;
  for (std::size_t i = 0; i < expected.element_count(); ++i)
    mismatches += onnx_import::quantize_linear(float_at(x, i), params) != expected.bytes[i];
  std::cout << "test_quantizelinear: " << expected.element_count() << " elements, " << mismatches << " mismatches\n";
  EXPECT_EQ(mismatches, 0);
  // 3 / 2 = 1.5 rounds to 2 (ties to even): 128 + 2 = 130; 1000 / 2 + 128 saturates at 255.
  EXPECT_EQ(onnx_import::quantize_linear(3.0f, params), 130);
  EXPECT_EQ(onnx_import::quantize_linear(1000.0f, params), 255);
}

TEST(OnnxConformance, DequantizeLinear) {
  const auto tests = onnx_node_tests();
  if (!tests) GTEST_SKIP() << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  const NodeTest test = load_node_test(*tests / "test_dequantizelinear");
  const npy::NpyArray x = npy_of(test.inputs.at(0)), scale = npy_of(test.inputs.at(1));
  const npy::NpyArray zero_point = npy_of(test.inputs.at(2)), expected = npy_of(test.outputs.at(0));
  const onnx_import::QuantParams params{float_at(scale, 0), zero_point.bytes[0], model::DType::UInt8};
  int64_t mismatches = 0;
  for (std::size_t i = 0; i < expected.element_count(); ++i)
    mismatches += onnx_import::dequantize_linear(x.bytes[i], params) != float_at(expected, i);
  std::cout << "test_dequantizelinear: " << expected.element_count() << " elements, " << mismatches << " mismatches\n";
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace accelsim::testing
