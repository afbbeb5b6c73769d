#pragma once

#include <filesystem>
#include <string>

#include "importers/onnx/imported_config.h"
#include "importers/onnx/onnx_import.h"

namespace accelsim::cli {

// The hardware an imported model runs on when no --config names one: the shipped edge_small,
// from the working directory or the source tree this binary was built from.
std::filesystem::path default_hardware();

// Imports the ONNX model `model` into `dir` (network.yaml, tensors, images from `images_file`
// when given) on the hardware YAML `hardware`; returns the config's path and fills `imported`
// (and `written`, when given: the tensor files' arrays, for a run that loads the config at once).
// Throws onnx_import::ImportError or npy::NpyError, naming the file.
// `arithmetic`: "pytorch", "onnxruntime" or empty (chosen by the model's producer_name).
std::filesystem::path import_model_to(const std::filesystem::path& model, const std::filesystem::path& dir,
                                      const std::filesystem::path& hardware, const std::filesystem::path& images_file,
                                      const std::string& arithmetic, onnx_import::ImportedModel& imported,
                                      std::vector<onnx_import::WrittenTensor>* written = nullptr);

// "NET.onnx: arithmetic pytorch (chosen by producer_name 'pytorch')", for the console.
std::string arithmetic_note(const std::filesystem::path& model, const onnx_import::ImportedModel& imported);

// `accelsim import NET.onnx --out DIR [--images FILE.npy] [--config HARDWARE.yaml] [--arithmetic A]` (argv[0] is
// "import"). Exit codes: 0 written, 2 bad input.
int run_import_command(int argc, char** argv);

}  // namespace accelsim::cli
