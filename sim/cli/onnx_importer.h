#pragma once

// The ONNX importer as the accelsim executable reaches it: a module (accelsim_onnx_importer.so,
// beside the executable) loaded only by the commands that import a model (`accelsim import`,
// `--model`). Every other run is spared loading libprotobuf and ONNX's classes: their
// relocations and descriptor registration were a fifth of a one-image run's start-up.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/log/log.h"
#include "core/npy/npy_array.h"
#include "importers/onnx/imported_config.h"
#include "importers/onnx/onnx_import.h"

namespace accelsim::cli {

// The module's functions (import_command.h's and imported_config.h's); they throw what those throw.
struct OnnxImporter {
  int (*run_import_command)(int argc, char** argv);
  std::filesystem::path (*default_hardware)();
  std::filesystem::path (*import_model_to)(const std::filesystem::path& model, const std::filesystem::path& dir,
                                           const std::filesystem::path& hardware,
                                           const std::filesystem::path& images_file, const std::string& arithmetic,
                                           onnx_import::ImportedModel& imported,
                                           std::vector<onnx_import::WrittenTensor>* written);
  std::string (*arithmetic_note)(const std::filesystem::path& model, const onnx_import::ImportedModel& imported);
  npy::NpyArray (*output_from_logits)(const onnx_import::ImportedModel& model, const std::vector<int32_t>& logits);
  // The module has its own copy of the logger: it is given the executable's level.
  void (*set_log_level)(log::Level level);
};

// The module's file name and its entry point, a C function returning its OnnxImporter.
inline constexpr const char* kOnnxImporterFile = "accelsim_onnx_importer.so";
inline constexpr const char* kOnnxImporterEntry = "accelsim_onnx_importer";

// Loads the module from the running executable's directory (once) and gives it the current log
// level. Throws std::runtime_error naming the file and the loader's reason when it cannot.
const OnnxImporter& onnx_importer();

}  // namespace accelsim::cli
