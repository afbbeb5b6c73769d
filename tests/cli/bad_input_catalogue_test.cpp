// The catalogue of bad inputs: every case must end with exit code 2, a message that names the
// file (or option) and the key, with line and column where YAML gives them, and no output
// folder left behind. Each case runs the real accelsim binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "core/npy/npy_array.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_network.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;

// Sets up one case in `dir` and returns the accelsim arguments (the output folder is added).
struct Workspace {
  const TempDir& dir;

  // configs/lenet.yaml with every relative path made absolute, so it can live anywhere.
  std::string lenet() const {
    std::string yaml = read_file(source_dir() / "configs/lenet.yaml");
    const std::string configs = (source_dir() / "configs").string() + "/";
    for (const auto& [from, to] :
         std::vector<std::pair<std::string, std::string>>{{"- hardware/", "- " + configs + "hardware/"},
                                                          {"../data/", (source_dir() / "data").string() + "/"},
                                                          {": lenet/", ": " + configs + "lenet/"}}) {
      for (std::size_t at = yaml.find(from); at != std::string::npos; at = yaml.find(from, at + to.size()))
        yaml.replace(at, from.size(), to);
    }
    return yaml;
  }
  // A config that includes lenet.yaml and adds `text` on top (deep-merged).
  std::string over_lenet(const std::string& text) const {
    return "include:\n  - " + (source_dir() / "configs/lenet.yaml").string() + "\n" + text;
  }
  std::string file(const std::string& name, const std::string& content) const {
    return dir.write(name, content).string();
  }
  std::string config(const std::string& content) const { return file("case.yaml", content); }
  std::string lenet_with(const std::string& from, const std::string& to) const {
    return config(replace_once(lenet(), from, to));
  }
  std::string npy_int8(const std::string& name, std::vector<int64_t> shape) const {
    std::size_t count = 1;
    for (int64_t d : shape) count *= static_cast<std::size_t>(d);
    std::vector<int8_t> zeros(count);
    npy::write_npy(dir.path() / name, npy::Dtype::Int8, shape, zeros.data());
    return (dir.path() / name).string();
  }
};

struct Case {
  std::string name;
  std::function<std::vector<std::string>(const Workspace&)> prepare;
  std::vector<std::string> expected;  // fragments of the message; "@" stands for the case's config file
};
void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

std::vector<std::string> with_config(const std::string& config, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--config", config};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

const std::string kConv1Requant = "        divisor: 859  # round(1/M), M = S_w*S_in/S_out = 0.00116471";

std::vector<Case> catalogue() {
  return {
      // YAML itself.
      {"yaml_syntax_error",
       [](const Workspace& w) { return with_config(w.config("network:\n  name: [unclosed\nhardware: {}\n")); },
       {"@:3:", "YAML syntax error"}},
      {"yaml_tab_indentation",
       [](const Workspace& w) { return with_config(w.config("hardware:\n\tclock_mhz: 1\n")); },
       {"@:2:", "YAML syntax error"}},
      {"duplicate_key",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  clock_mhz: 1\n  clock_mhz: 2\n")));
       },
       {"@:5:3: hardware.clock_mhz: duplicate key"}},
      {"empty_file",
       [](const Workspace& w) { return with_config(w.config("")); },
       {"@: empty file, expected a YAML map"}},
      {"top_level_list",
       [](const Workspace& w) { return with_config(w.config("- a\n- b\n")); },
       {"@:1:1: expected a YAML map at the top level"}},
      {"config_is_a_directory",
       [](const Workspace& w) { return with_config(w.dir.path().string()); },
       {"is a directory, expected a YAML file"}},
      {"config_missing",
       [](const Workspace& w) { return with_config((w.dir.path() / "nowhere.yaml").string()); },
       {"nowhere.yaml: file not found"}},
      {"include_cycle",
       [](const Workspace& w) {
         w.file("other.yaml", "include: case.yaml\n");
         return with_config(w.config("include: other.yaml\nhardware: {}\n"));
       },
       {"include cycle"}},
      {"include_missing",
       [](const Workspace& w) { return with_config(w.config("include:\n  - absent.yaml\n")); },
       {"@:2:5: include: included file", "absent.yaml' not found"}},
      // Types and ranges.
      {"wrong_type_integer",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  pe_array:\n    rows: eight\n")));
       },
       {"@:5:11: hardware.pe_array.rows: expected an integer, got 'eight'"}},
      {"key_without_value",
       [](const Workspace& w) { return with_config(w.config(w.over_lenet("hardware:\n  pe_array:\n    rows:\n"))); },
       {"@:5:5: hardware.pe_array.rows: expected a value, got nothing (remove the key to take its default)"}},
      {"wrong_type_number",
       [](const Workspace& w) { return with_config(w.config(w.over_lenet("hardware:\n  clock_mhz: [1, 2]\n"))); },
       {"@:4:14: hardware.clock_mhz: expected a number, got a list"}},
      // The detailed DRAM model's keys.
      {"dram_address_mapping_missing_fields",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  dram:\n    address_mapping: row:bank:column\n")));
       },
       {"@:5:22: hardware.dram.address_mapping: 'row:bank:column' must name each of channel, rank, bankgroup, bank, "
        "row, column once"}},
      {"dram_preset_unknown",
       [](const Workspace& w) { return with_config(w.config(w.over_lenet("hardware:\n  dram:\n    preset: ddr5\n"))); },
       {"@:5:13: hardware.dram.preset:", "ddr4_2400_x16"}},
      {"dram_timing_out_of_range",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  dram:\n    timing:\n      cl: 0\n")));
       },
       {"@:6:11: hardware.dram.timing.cl:"}},
      {"dram_power_down_unknown",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  dram:\n    power_down: sometimes\n")));
       },
       {"@:5:17: hardware.dram.power_down:", "precharge"}},
      {"dram_write_watermarks_out_of_order",
       [](const Workspace& w) {
         return with_config(w.config(
             w.over_lenet("hardware:\n  dram:\n    write_high_watermark: 0.3\n    write_low_watermark: 0.5\n")));
       },
       {"@:6:26: hardware.dram.write_low_watermark: expected less than write_high_watermark"}},
      {"wrong_type_boolean",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  weight_sram:\n    double_buffered: maybe\n")));
       },
       {"@:5:22: hardware.weight_sram.double_buffered: expected true or false, got 'maybe'"}},
      {"zero_rows",
       [](const Workspace& w) { return with_config(w.config(w.over_lenet("hardware:\n  pe_array:\n    rows: 0\n"))); },
       {"@:5:11: hardware.pe_array.rows: expected integer in [1, 4096], got '0'"}},
      {"negative_capacity",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  activation_sram:\n    capacity_bytes: -5\n")));
       },
       {"@:5:21: hardware.activation_sram.capacity_bytes: expected integer in [1, ", "got '-5'"}},
      {"absurd_array",
       [](const Workspace& w) {
         return with_config(
             w.config(w.over_lenet("hardware:\n  pe_array:\n    rows: 1000000000\n    cols: 1000000000\n")));
       },
       {"@:5:11: hardware.pe_array.rows: expected integer in [1, 4096], got '1000000000'"}},
      {"zero_byte_sram",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  weight_sram:\n    capacity_bytes: 0\n")));
       },
       {"@:5:21: hardware.weight_sram.capacity_bytes: expected integer in [1, ", "got '0'"}},
      {"petabyte_dram",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  dram:\n    capacity_bytes: 1000000000000000\n")));
       },
       {"@:5:21: hardware.dram.capacity_bytes: expected integer in [1, ", "got '1000000000000000'"}},
      {"unknown_key_with_suggestion",
       [](const Workspace& w) { return with_config(w.config(w.over_lenet("hardware:\n  pe_aray: {}\n"))); },
       {"@:4:3: hardware.pe_aray: unknown key (did you mean 'pe_array'?)"}},
      {"unknown_nested_key",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  pe_array:\n    colums: 8\n")));
       },
       {"@:5:5: hardware.pe_array.colums: unknown key (did you mean 'cols'?)"}},
      {"unknown_choice",
       [](const Workspace& w) {
         return with_config(w.config(w.over_lenet("hardware:\n  pe_array:\n    dataflow: wx\n")));
       },
       {"@:5:15: hardware.pe_array.dataflow: expected one of ws, os, is, got 'wx' (did you mean 'ws'?)"}},
      // Tensor files.
      {"npy_missing",
       [](const Workspace& w) { return with_config(w.lenet_with("lenet/conv3.weights.npy", "lenet/absent.npy")); },
       {"@:", "network.layers[2].weights: ", "absent.npy: file not found"}},
      {"npy_truncated",
       [](const Workspace& w) {
         const std::string path = w.file(
             "truncated.npy",
             std::string("\x93NUMPY\x01\x00\x76\x00{'descr': '|i1', 'fortran_order': False, 'shape': (6, 1, 5, 5), }",
                         68));
         return with_config(w.lenet_with((source_dir() / "configs/lenet/conv1.weights.npy").string(), path));
       },
       {"@:", "network.layers[0].weights: ", "truncated"}},
      {"npy_empty",
       [](const Workspace& w) {
         const std::string path = w.file("empty.npy", "");
         return with_config(w.lenet_with((source_dir() / "configs/lenet/conv1.weights.npy").string(), path));
       },
       {"@:", "network.layers[0].weights: ", "not a .npy file"}},
      {"npy_wrong_dtype",
       [](const Workspace& w) {
         std::vector<float> values(150);
         npy::write_npy(w.dir.path() / "float.npy", npy::Dtype::Float32, {6, 1, 5, 5}, values.data());
         return with_config(w.lenet_with((source_dir() / "configs/lenet/conv1.weights.npy").string(),
                                         (w.dir.path() / "float.npy").string()));
       },
       {"@:", "network.layers[0].weights: ", "expected int8 data, got float32"}},
      {"npy_shape_mismatch",
       [](const Workspace& w) {
         const std::string path = w.npy_int8("wide.npy", {6, 2, 5, 5});
         return with_config(w.lenet_with((source_dir() / "configs/lenet/conv1.weights.npy").string(), path));
       },
       {"@:", "network.layers[0].weights: ", "expected shape [6, 1, 5, 5], got [6, 2, 5, 5]"}},
      {"pixel_table_wrong_size",
       [](const Workspace& w) {
         const std::string path = w.npy_int8("table.npy", {255});
         return with_config(w.lenet_with((source_dir() / "configs/lenet/input_table.npy").string(), path));
       },
       {"@:20:", "network.input.pixel_table: ", "expected shape [256], got [255]"}},
      {"labels_wrong_length",
       [](const Workspace& w) {
         std::vector<uint8_t> labels(10);
         npy::write_npy(w.dir.path() / "labels.npy", npy::Dtype::UInt8, {10}, labels.data());
         return with_config(w.lenet_with((source_dir() / "data/mnist/heldout_labels.npy").string(),
                                         (w.dir.path() / "labels.npy").string()));
       },
       {"@:18:", "network.input.labels: ", "expected uint8 [2000], got uint8 [10]"}},
      // Requantization parameters.
      {"divisor_zero",
       [](const Workspace& w) { return with_config(w.lenet_with(kConv1Requant, "        divisor: 0")); },
       {"@:34:18: network.layers[0].requant.divisor: expected integer in [1, "}},
      {"shift_too_large",
       [](const Workspace& w) {
         return with_config(
             w.lenet_with("        mode: divide\n" + kConv1Requant, "        mode: shift\n        shift: 40"));
       },
       {"@:34:16: network.layers[0].requant.shift: expected integer in [0, 31], got '40'"}},
      {"multiplier_not_positive",
       [](const Workspace& w) {
         return with_config(
             w.lenet_with("        mode: divide\n" + kConv1Requant,
                          "        mode: multiply\n        precision: float32\n        multiplier: -0.5"));
       },
       {"@:35:21: network.layers[0].requant.multiplier: expected a number in (0, 65536]"}},
      {"multiplier_nan",
       [](const Workspace& w) {
         return with_config(
             w.lenet_with("        mode: divide\n" + kConv1Requant,
                          "        mode: multiply\n        precision: float64\n        multiplier: .nan"));
       },
       {"@:35:21: network.layers[0].requant.multiplier: expected a finite number"}},
      {"fixed_point_mantissa_out_of_range",
       [](const Workspace& w) {
         return with_config(w.lenet_with("        mode: divide\n" + kConv1Requant,
                                         "        mode: fixed_point\n        multiplier: 12\n        shift: 3"));
       },
       {"@:34:21: network.layers[0].requant.multiplier: expected integer in ["}},
      {"scale_negative",
       [](const Workspace& w) {
         return with_config(w.lenet_with("scales: {input: 0.00784313725490196", "scales: {input: -1"));
       },
       {"@:", "network.layers[0].scales.input: expected a scale > 0"}},
      {"zero_point_outside_type",
       [](const Workspace& w) { return with_config(w.lenet_with("output_zero_point: 0", "output_zero_point: 200")); },
       {"@:36:28: network.layers[0].requant.output_zero_point: expected integer in [-128, 127], got '200'"}},
      {"clamp_reversed",
       [](const Workspace& w) { return with_config(w.lenet_with("clamp: [-127, 127]", "clamp: [100, -100]")); },
       {"@:37:16: network.layers[0].requant.clamp: expected [lo, hi] with lo <= hi"}},
      {"unknown_layer_type",
       [](const Workspace& w) { return with_config(w.lenet_with("type: maxpool", "type: maxpooling")); },
       {"@:",
        "network.layers[1].type: expected one of conv2d, linear, maxpool, avgpool, global_avgpool, add, flatten, got "
        "'maxpooling' (did you mean 'maxpool'?)"}},
      {"unknown_requant_mode",
       [](const Workspace& w) { return with_config(w.lenet_with("mode: divide", "mode: divde")); },
       {"@:33:15: network.layers[0].requant.mode: expected one of divide, multiply, fixed_point, shift, got 'divde' "
        "(did you mean 'divide'?)"}},
      {"zero_point_chain_broken",
       [](const Workspace& w) {
         return with_config(w.lenet_with("      input_zero_point: 0", "      input_zero_point: 1"));
       },
       {"@:30:25: network.layers[0].input_zero_point: is 1 but the producing layer's output zero point is 0"}},
      // Command line.
      {"set_missing_path",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--set", "hardware.pe_array.depth=2"});
       },
       {"--set hardware.pe_array.depth=2: hardware.pe_array.depth: no such key"}},
      {"set_wrong_type",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--set", "hardware.pe_array.cols=wide"});
       },
       {"--set hardware.pe_array.cols=wide: hardware.pe_array.cols: expected an integer, got 'wide'"}},
      {"set_empty_value",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--set", "hardware.pe_array.rows="});
       },
       {"--set hardware.pe_array.rows=: hardware.pe_array.rows: expected a value, got nothing"}},
      {"set_without_value",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--set", "hardware.pe_array.cols"});
       },
       {"--set hardware.pe_array.cols: expected key=value"}},
      {"images_beyond_data_set",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--images", "2001"});
       },
       {"--images 2001: ", "heldout_images.npy holds only 2000 images"}},
      {"images_zero",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--images", "0"});
       },
       {"--images must be at least 1, got 0"}},
      {"unknown_option",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--imagse", "3"});
       },
       {"unrecognised option '--imagse'"}},
      {"flip_bit_malformed",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--flip-bit", "conv1"});
       },
       {"--flip-bit 'conv1': expected LAYER:INDEX:BIT[:IMAGE]"}},
      {"flip_bit_unknown_layer",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--flip-bit", "conv9:1:1"});
       },
       {"--flip-bit: bit flip: no layer named 'conv9'"}},
      // The network does not fit.
      {"activation_sram_too_small",
       [](const Workspace& w) {
         return with_config(w.config(w.lenet()), {"--set", "hardware.activation_sram.capacity_bytes=320"});
       },
       // Too small for conv1's smallest streamed band (tests/mapper/mapper_test.cpp).
       {"case.yaml: cannot map the network onto the accelerator: layer conv1: its feature maps do not fit the "
        "activation SRAM (320 bytes)",
        "activation_sram.capacity_bytes must be at least 384"}},
  };
}

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, ExitsWithTwoNamesTheCulpritAndWritesNothing) {
  TempDir dir;
  const Workspace workspace{dir};
  std::vector<std::string> args = GetParam().prepare(workspace);
  const fs::path out = dir.path() / "out";
  args.push_back("--out");
  args.push_back(out.string());
  const CommandResult result = run_accelsim(args);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("accelsim: error: "), std::string::npos) << result.output;
  const std::string config = (dir.path() / "case.yaml").string();
  for (std::string fragment : GetParam().expected) {
    if (fragment.rfind("@", 0) == 0) fragment = config + fragment.substr(1);
    EXPECT_NE(result.output.find(fragment), std::string::npos) << "missing '" << fragment << "' in:\n" << result.output;
  }
  EXPECT_FALSE(fs::exists(out)) << "output left behind";
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInput, ::testing::ValuesIn(catalogue()),
                         [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

TEST(BadInputCatalogue, HasAtLeastThirtyCases) { EXPECT_GE(catalogue().size(), 30u); }

}  // namespace
}  // namespace accelsim::testing
