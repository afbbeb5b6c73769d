#pragma once

// Building and reading ONNX models in tests (onnx::ModelProto from libonnx-dev).
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/npy/npy_array.h"
#include "tests/support/run_program.h"

namespace accelsim::testing {

// libonnx-testdata's node tests folder, or nullopt when the package is absent.
std::optional<std::filesystem::path> onnx_node_tests();

// One of ONNX's node tests: its one-node model and the first data set's tensors.
struct NodeTest {
  onnx::ModelProto model;
  std::vector<onnx::TensorProto> inputs;
  std::vector<onnx::TensorProto> outputs;
};
NodeTest load_node_test(const std::filesystem::path& folder);

// The model with every graph input but the first turned into an initializer holding the test's
// value: weights and quantization parameters are constants for accelsim.
onnx::ModelProto bind_constant_inputs(const NodeTest& test);

void write_model(const onnx::ModelProto& model, const std::filesystem::path& file);
// A tensor as .npy (uint8, int8, int32 or float32).
npy::NpyArray npy_of(const onnx::TensorProto& tensor);
void write_npy(const npy::NpyArray& array, const std::filesystem::path& file);

// Graph-building helpers.
onnx::TensorProto make_tensor(const std::string& name, int data_type, const std::vector<int64_t>& dims,
                              const std::vector<double>& values);
onnx::NodeProto& add_node(onnx::GraphProto& graph, const std::string& op, const std::string& name,
                          const std::vector<std::string>& inputs, const std::vector<std::string>& outputs);
void add_ints(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);
void add_int_attribute(onnx::NodeProto& node, const std::string& name, int64_t value);

// node and the npm package onnxruntime-node (tools/onnxruntime, scripts/setup.sh): the oracle can run.
bool onnx_runtime_installed();
// ONNX Runtime (tools/onnxruntime/run_ort.js, one thread) runs `model` on `input` and writes its
// first output to `output`, at graph optimization `level` (all, basic, disabled). Its u8s8
// kernels are the exact ones (session.x64quantprecision) unless `u8s8` is "fast": on x86-64
// without VNNI ORT's default sums pairs of uint8 x int8 products in 16 bits and saturates
// (docs/import.md).
ProgramResult run_onnx_runtime(const std::filesystem::path& model, const std::filesystem::path& output,
                               const std::filesystem::path& input, const std::string& level,
                               const std::string& u8s8 = "exact");
void add_value_info(onnx::ValueInfoProto* info, const std::string& name, int data_type,
                    const std::vector<int64_t>& dims);

}  // namespace accelsim::testing
