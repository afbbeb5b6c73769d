// The entry point of accelsim_onnx_importer.so (see onnx_importer.h).
#include "importers/onnx/imported_config.h"
#include "sim/cli/import_command.h"
#include "sim/cli/onnx_importer.h"

extern "C" __attribute__((visibility("default"))) const accelsim::cli::OnnxImporter* accelsim_onnx_importer() {
  using namespace accelsim;
  static const cli::OnnxImporter importer{
      &cli::run_import_command, &cli::default_hardware,           &cli::import_model_to,
      &cli::arithmetic_note,    &onnx_import::output_from_logits, &log::set_level};
  return &importer;
}
