#include "sim/cli/import_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <sstream>

#include "core/log/log.h"
#include "core/npy/npy_array.h"
#include "importers/onnx/imported_config.h"
#include "sim/cli/command_line.h"

namespace accelsim::cli {

std::filesystem::path default_hardware() {
  const std::filesystem::path relative = "configs/hardware/edge_small.yaml";
  std::error_code ec;
  if (std::filesystem::exists(relative, ec)) return relative;
  return std::filesystem::path(ACCELSIM_SOURCE_DIR) / relative;
}

std::filesystem::path import_model_to(const std::filesystem::path& model, const std::filesystem::path& dir,
                                      const std::filesystem::path& hardware, const std::filesystem::path& images_file,
                                      const std::string& arithmetic, onnx_import::ImportedModel& imported,
                                      std::vector<onnx_import::WrittenTensor>* written) {
  std::optional<onnx_import::Arithmetic> chosen;
  if (!arithmetic.empty()) {
    chosen.emplace();
    if (!onnx_import::parse_arithmetic(arithmetic, *chosen))
      throw onnx_import::ImportError("--arithmetic " + arithmetic + ": expected pytorch or onnxruntime");
  }
  imported = onnx_import::import_file(model, chosen);
  std::optional<npy::NpyArray> images;
  if (!images_file.empty())
    images = onnx_import::images_from_input(imported, npy::read_npy(images_file), images_file.string());
  for (const auto& note : imported.notes) log::warn("{}: {}", model.string(), note);
  return onnx_import::write_config(imported, dir, hardware, images, model.filename().string(), written);
}

std::string arithmetic_note(const std::filesystem::path& model, const onnx_import::ImportedModel& imported) {
  return fmt::format("{}: arithmetic {} (chosen by {})", model.string(), onnx_import::name_of(imported.arithmetic),
                     imported.arithmetic_reason);
}

int run_import_command(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string out, images, hardware, arithmetic;
  bool help = false;
  po::options_description options("Options");
  options.add_options()("model", po::value<std::string>(), "the ONNX model (also the first word)")(
      "out,o", po::value<std::string>(&out), "folder for network.yaml and its tensors (required)")(
      "images,n", po::value<std::string>(&images), "FILE.npy: the model's input tensor, batch first")(
      "config,c", po::value<std::string>(&hardware), "hardware YAML the config includes (default edge_small)")(
      "arithmetic", po::value<std::string>(&arithmetic),
      "whose integer kernels to reproduce: pytorch (qnnpack) or onnxruntime (default: pytorch when the model's "
      "producer_name is pytorch, else onnxruntime)")("help,h", po::bool_switch(&help), "show this help");
  const std::string usage =
      "Usage: accelsim import NET.onnx --out DIR [--images FILE.npy] [--config HARDWARE.yaml] [--arithmetic A]\n\n"
      "Writes the accelsim config (YAML and .npy tensors) equivalent to a quantized ONNX model;\n"
      "`accelsim --config DIR/network.yaml` then runs it as `accelsim --model NET.onnx` does.\n\n";
  std::string model;
  try {
    std::vector<const char*> args(argv, argv + argc);
    if (argc > 1 && argv[1][0] != '-') {  // the model as the first word
      model = argv[1];
      args.erase(args.begin() + 1);
    }
    const po::variables_map values =
        parse_command_line(static_cast<int>(args.size()), args.data(), options, "accelsim import --help");
    if (help) {
      std::ostringstream text;
      text << usage << options;
      std::fputs(text.str().c_str(), stdout);
      return 0;
    }
    if (values.count("model")) model = values["model"].as<std::string>();
    if (model.empty()) throw UsageError("accelsim import: the ONNX model is required (accelsim import --help)");
    if (out.empty()) throw UsageError("accelsim import: --out DIR is required");
    onnx_import::Arithmetic ignored;
    if (!arithmetic.empty() && !onnx_import::parse_arithmetic(arithmetic, ignored))
      throw UsageError("accelsim import: --arithmetic must be pytorch or onnxruntime, got '" + arithmetic + "'");
  } catch (const UsageError& e) {
    log::write(log::Level::Error, e.what());
    return 2;
  }
  try {
    onnx_import::ImportedModel imported;
    const auto config =
        import_model_to(model, out, hardware.empty() ? default_hardware() : std::filesystem::path(hardware), images,
                        arithmetic, imported);
    std::puts(fmt::format("{}: {} layers, activations {}, arithmetic {} (chosen by {}); run it: accelsim --config {}",
                          model, imported.network.layers.size(), model::name_of(imported.network.activation_dtype),
                          onnx_import::name_of(imported.arithmetic), imported.arithmetic_reason, config.string())
                  .c_str());
  } catch (const onnx_import::ImportError& e) {
    log::write(log::Level::Error, e.what());
    return 2;
  } catch (const npy::NpyError& e) {
    log::write(log::Level::Error, e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    log::write(log::Level::Error, std::string("--out: ") + e.what());
    return 2;
  }
  return 0;
}

}  // namespace accelsim::cli
