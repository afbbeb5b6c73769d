#include "tests/import/onnx_test_support.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {

std::optional<std::filesystem::path> onnx_node_tests() {
  const std::filesystem::path folder = "/usr/share/libonnx-testdata/data/node";
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return std::nullopt;
  return folder;
}

namespace {
std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}
onnx::TensorProto read_tensor(const std::filesystem::path& file) {
  onnx::TensorProto tensor;
  if (!tensor.ParseFromString(slurp(file))) throw std::runtime_error(file.string() + ": not a TensorProto");
  return tensor;
}
}  // namespace

NodeTest load_node_test(const std::filesystem::path& folder) {
  NodeTest test;
  if (!test.model.ParseFromString(slurp(folder / "model.onnx")))
    throw std::runtime_error((folder / "model.onnx").string() + ": not a model");
  const std::filesystem::path data = folder / "test_data_set_0";
  for (int i = 0; std::filesystem::exists(data / ("input_" + std::to_string(i) + ".pb")); ++i)
    test.inputs.push_back(read_tensor(data / ("input_" + std::to_string(i) + ".pb")));
  for (int i = 0; std::filesystem::exists(data / ("output_" + std::to_string(i) + ".pb")); ++i)
    test.outputs.push_back(read_tensor(data / ("output_" + std::to_string(i) + ".pb")));
  return test;
}

onnx::ModelProto bind_constant_inputs(const NodeTest& test) {
  onnx::ModelProto model = test.model;
  auto* graph = model.mutable_graph();
  const onnx::ValueInfoProto first = graph->input(0);
  for (int i = 1; i < graph->input_size(); ++i) {
    onnx::TensorProto* init = graph->add_initializer();
    *init = test.inputs.at(static_cast<std::size_t>(i));
    init->set_name(graph->input(i).name());
  }
  graph->clear_input();
  *graph->add_input() = first;
  return model;
}

void write_model(const onnx::ModelProto& model, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary);
  if (!model.SerializeToOstream(&out)) throw std::runtime_error("cannot write " + file.string());
}

npy::NpyArray npy_of(const onnx::TensorProto& tensor) {
  npy::NpyArray array;
  array.shape.assign(tensor.dims().begin(), tensor.dims().end());
  switch (tensor.data_type()) {
    case onnx::TensorProto::UINT8:
      array.dtype = npy::Dtype::UInt8;
      break;
    case onnx::TensorProto::INT8:
      array.dtype = npy::Dtype::Int8;
      break;
    case onnx::TensorProto::INT32:
      array.dtype = npy::Dtype::Int32;
      break;
    case onnx::TensorProto::FLOAT:
      array.dtype = npy::Dtype::Float32;
      break;
    default:
      throw std::runtime_error("npy_of: unsupported tensor type");
  }
  if (!tensor.has_raw_data()) throw std::runtime_error("npy_of: expects raw_data, as the node tests have");
  array.bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
  return array;
}

void write_npy(const npy::NpyArray& array, const std::filesystem::path& file) {
  npy::write_npy(file, array.dtype, array.shape, array.bytes.data());
}

onnx::TensorProto make_tensor(const std::string& name, int data_type, const std::vector<int64_t>& dims,
                              const std::vector<double>& values) {
  onnx::TensorProto tensor;
  tensor.set_name(name);
  tensor.set_data_type(data_type);
  for (int64_t d : dims) tensor.add_dims(d);
  for (double v : values) {
    if (data_type == onnx::TensorProto::FLOAT)
      tensor.add_float_data(static_cast<float>(v));
    else if (data_type == onnx::TensorProto::INT64)
      tensor.add_int64_data(static_cast<int64_t>(v));
    else
      tensor.add_int32_data(static_cast<int32_t>(v));
  }
  return tensor;
}

onnx::NodeProto& add_node(onnx::GraphProto& graph, const std::string& op, const std::string& name,
                          const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
  onnx::NodeProto& node = *graph.add_node();
  node.set_op_type(op);
  node.set_name(name);
  for (const auto& in : inputs) node.add_input(in);
  for (const auto& out : outputs) node.add_output(out);
  return node;
}

void add_ints(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) attribute->add_ints(v);
}

void add_value_info(onnx::ValueInfoProto* info, const std::string& name, int data_type,
                    const std::vector<int64_t>& dims) {
  info->set_name(name);
  auto* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(data_type);
  for (int64_t d : dims) tensor_type->mutable_shape()->add_dim()->set_dim_value(d);
}

void add_int_attribute(onnx::NodeProto& node, const std::string& name, int64_t value) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(value);
}

bool onnx_runtime_installed() {
  return find_program("node") &&
         std::filesystem::exists(source_dir() / "tools/onnxruntime/node_modules/onnxruntime-node");
}

ProgramResult run_onnx_runtime(const std::filesystem::path& model, const std::filesystem::path& output,
                               const std::filesystem::path& input, const std::string& level, const std::string& u8s8) {
  const auto node = find_program("node");
  if (!node) return {127, "node is not installed (scripts/setup.sh)", false};
  return run_program(*node, {(source_dir() / "tools/onnxruntime/run_ort.js").string(), model.string(), output.string(),
                             input.string(), level, u8s8});
}

}  // namespace accelsim::testing
