#include "sim/cli/options.h"

#include "core/log/log.h"

#include <boost/program_options.hpp>

#include <sstream>
#include <stdexcept>

namespace accelsim::cli {

namespace po = boost::program_options;

namespace {
po::options_description describe(Options& o) {
  po::options_description options("Options");
  options.add_options()("config,c", po::value<std::string>(),
                        "config file: network and hardware YAML, or a run's stats.json to repeat it (required, except "
                        "with --model or --topology: then its hardware, "
                        "default configs/hardware/edge_small.yaml)")(
      "model,m", po::value<std::string>(),
      "a quantized ONNX model to import (into OUT/model/) and run, instead of a network config (docs/import.md)")(
      "arithmetic", po::value<std::string>(&o.arithmetic),
      "with --model: whose integer kernels to reproduce, pytorch (qnnpack) or onnxruntime (default: pytorch when the "
      "model's producer_name is pytorch, else onnxruntime)")(
      "topology", po::value<std::string>(),
      "SCALE-Sim topology CSV (conv or GEMM): every row run on its own, timing only, with SCALE-Sim's reports "
      "beside stats.json (docs/scalesim.md)")(
      "scalesim-config", po::value<std::string>(),
      "SCALE-Sim .cfg for --topology: its array, dataflow, SRAMs and bandwidth replace the hardware's, with "
      "timing: scalesim")(
      "images,n", po::value<std::string>()->default_value("1"),
      "simulate the first N held-out images back to back (default 1, or a stats.json config's count); with --model, "
      "FILE.npy: the model's input tensor")("out,o", po::value<std::string>()->default_value("out"),
                                            "output folder for stats.json, layers.csv and logits.npy")(
      "set,s", po::value<std::vector<std::string>>(&o.overrides)->composing(),
      "override a config key by dotted path, e.g. --set hardware.pe_array.rows=16 (repeatable)")(
      "flip-bit", po::value<std::vector<std::string>>()->composing(),
      "LAYER:INDEX:BIT[:IMAGE]: flip a bit of a stored output to inject a fault (repeatable)")(
      "log-level", po::value<std::string>(&o.log_level)->default_value("warn"), "error, warn, info or debug")(
      "watchdog-cycles", po::value<int64_t>(&o.watchdog_cycles)->default_value(100'000'000),
      "stop with an error if no instruction finishes for this many simulated cycles (0: never)")(
      "trace", po::value<std::string>(),
      "record traces into the output folder, comma-separated: vcd (trace.vcd), timeline (timeline.json), dram "
      "(dram_trace.txt: every DRAM request)")("trace-window", po::value<std::string>(),
                                              "START:END: trace only cycles START (inclusive) to END (exclusive)")(
      "trace-warn-mb", po::value<double>()->default_value(50),
      "warn when a trace file is larger than this many MB (10^6 bytes), suggesting --trace-window")(
      "trace-modules", po::value<std::string>(),
      "trace only these modules, comma-separated: dma, pe_array, requant_unit, pooling_unit, weight_sram, "
      "activation_sram, "
      "accumulator, dram (default all)")("quiet,q", po::bool_switch(&o.quiet), "print nothing but errors")(
      "list-params", po::bool_switch(&o.list_params),
      "list every config key with its unit, default, value and description (without --config: "
      "configs/lenet.yaml)")("format", po::value<std::string>(&o.format)->default_value("text"),
                             "--list-params as text (aligned columns) or json")(
      "help,h", po::bool_switch(&o.help), "show this help")("version", po::bool_switch(&o.version), "show the version");
  return options;
}

// --trace, --trace-window and --trace-modules; errors name the option.
void parse_trace(const po::variables_map& values, trace::TraceOptions& trace_options) {
  auto parse = [&](const char* option, void (*parser)(const std::string&, trace::TraceOptions&)) {
    if (!values.count(option)) return;
    try {
      parser(values[option].as<std::string>(), trace_options);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--") + option + ": " + e.what());
    }
  };
  parse("trace", trace::parse_trace_formats);
  parse("trace-window", trace::parse_trace_window);
  parse("trace-modules", trace::parse_trace_modules);
  if (!trace_options.enabled() && (values.count("trace-window") || values.count("trace-modules")))
    throw UsageError(std::string("--") + (values.count("trace-window") ? "trace-window" : "trace-modules") +
                     " needs --trace vcd, timeline or vcd,timeline");
}
// --flip-bit LAYER:INDEX:BIT[:IMAGE], whole: the numbers are integers and nothing trails them.
// Whether the layer, index, bit and image exist is the simulation's to check.
run::BitFlip parse_bit_flip(const std::string& text) {
  std::vector<std::string> fields;
  std::size_t begin = 0;
  while (true) {
    const std::size_t colon = text.find(':', begin);
    fields.push_back(text.substr(begin, colon == std::string::npos ? std::string::npos : colon - begin));
    if (colon == std::string::npos) break;
    begin = colon + 1;
  }
  const std::string expected = "--flip-bit '" + text + "': expected LAYER:INDEX:BIT[:IMAGE]";
  if (fields.size() < 3 || fields.size() > 4 || fields[0].empty()) throw UsageError(expected);
  auto integer = [&](const std::string& field, const char* what) {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(field, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (field.empty() || used != field.size()) throw UsageError(expected + ", with " + what + " an integer");
    return static_cast<int64_t>(value);
  };
  run::BitFlip flip;
  flip.layer = fields[0];
  flip.index = integer(fields[1], "INDEX");
  const int64_t bit = integer(fields[2], "BIT");
  if (bit < 0 || bit > 7) throw UsageError(expected + ", with BIT in 0..7");
  flip.bit = static_cast<int>(bit);
  flip.image = fields.size() == 4 ? integer(fields[3], "IMAGE") : 0;
  return flip;
}
}  // namespace

std::string Options::usage() {
  Options scratch;
  std::ostringstream out;
  out << "Usage: accelsim --config FILE [--images N] [--out DIR] [--set key=value ...]\n"
         "                [--trace vcd,timeline,dram [--trace-window START:END] [--trace-modules NAMES]]\n"
         "                [--log-level LEVEL] [--quiet] [--list-params] [--help] [--version]\n"
         "       accelsim --model NET.onnx [--images FILE.npy] [--config HARDWARE.yaml] [--out DIR] ...\n"
         "       accelsim --topology FILE.csv [--scalesim-config FILE.cfg] [--config HARDWARE.yaml] [--out DIR]\n\n"
         "Simulates a quantized network on the accelerator a YAML config describes, checks every\n"
         "layer's int8 output against the golden model, and reports cycles, traffic and energy.\n\n"
      << describe(scratch)
      << "\nExit codes: 0 bit-exact, 1 an output differs from the golden model, 2 bad input,\n"
         "3 the simulation failed.\n"
         "\nDesign-space sweeps: accelsim sweep --spec FILE [-j N] (accelsim sweep --help).\n"
         "ONNX import: accelsim import NET.onnx --out DIR [--images FILE.npy] [--config HARDWARE.yaml].\n"
         "SCALE-Sim files from a config: accelsim export-scalesim --config FILE --out DIR (docs/scalesim.md).\n";
  return out.str();
}

Options Options::parse(int argc, const char* const* argv) {
  Options o;
  const po::options_description options = describe(o);
  const po::variables_map values = parse_command_line(argc, argv, options, "accelsim --help");
  if (o.help || o.version) return o;
  if (values.count("model")) o.model = values["model"].as<std::string>();
  if (values.count("topology")) o.topology = values["topology"].as<std::string>();
  if (values.count("scalesim-config")) o.scalesim_config = values["scalesim-config"].as<std::string>();
  if (!o.scalesim_config.empty() && o.topology.empty()) throw UsageError("--scalesim-config needs --topology FILE.csv");
  if (!o.topology.empty() && !o.model.empty())
    throw UsageError("--topology and --model are two kinds of run: give one");
  if (!o.topology.empty() && (o.list_params || values.count("flip-bit")))
    throw UsageError("--topology runs cannot take --list-params or --flip-bit");
  if (!values.count("config") && !o.list_params && o.model.empty() && o.topology.empty())
    throw UsageError("--config FILE (or --model NET.onnx, or --topology FILE.csv) is required (see accelsim --help)");
  if (values.count("config")) o.config = values["config"].as<std::string>();
  if (!o.arithmetic.empty() && o.model.empty()) throw UsageError("--arithmetic needs --model NET.onnx");
  if (!o.arithmetic.empty() && o.arithmetic != "pytorch" && o.arithmetic != "onnxruntime")
    throw UsageError("--arithmetic must be pytorch or onnxruntime, got '" + o.arithmetic + "'");
  const std::string images = values["images"].as<std::string>();
  o.images_given = !values["images"].defaulted();
  const bool count = !images.empty() && images.find_first_not_of("-0123456789") == std::string::npos;
  if (count) {
    try {
      o.images = std::stoll(images);
    } catch (const std::exception&) {
      throw UsageError("--images " + images + ": not a number of images");
    }
  } else if (o.model.empty()) {
    throw UsageError("--images must be a number of images, got '" + images + "' (a .npy file needs --model)");
  } else {
    o.images_file = images;
  }
  if (o.format != "text" && o.format != "json")
    throw UsageError("--format must be text or json, got '" + o.format + "'");
  o.out = values["out"].as<std::string>();
  if (o.out.empty()) throw UsageError("--out needs a folder");
  if (o.images < 1) throw UsageError("--images must be at least 1, got " + std::to_string(o.images));
  if (o.watchdog_cycles < 0)
    throw UsageError("--watchdog-cycles must be 0 (off) or positive, got " + std::to_string(o.watchdog_cycles));
  if (!log::parse_level(o.log_level, o.verbosity))
    throw UsageError("--log-level must be error, warn, info or debug, got '" + o.log_level + "'");
  parse_trace(values, o.trace);
  if (!o.topology.empty() && (o.trace.enabled() || !values["images"].defaulted()))
    throw UsageError("--topology runs every layer for one image, untraced: no --trace or --images");
  if (values.count("flip-bit"))
    for (const auto& text : values["flip-bit"].as<std::vector<std::string>>())
      o.bit_flips.push_back(parse_bit_flip(text));
  const double warn_mb = values["trace-warn-mb"].as<double>();
  if (!(warn_mb >= 0)) throw UsageError("--trace-warn-mb must be 0 or more");
  o.trace.warn_bytes = static_cast<uint64_t>(warn_mb * 1e6);
  return o;
}

}  // namespace accelsim::cli
