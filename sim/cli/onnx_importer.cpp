#include "sim/cli/onnx_importer.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>
#include <system_error>

namespace accelsim::cli {

namespace {

const OnnxImporter& load() {
  std::error_code ec;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path module = (ec ? std::filesystem::path() : executable.parent_path()) / kOnnxImporterFile;
  void* handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    throw std::runtime_error("cannot load the ONNX importer " + module.string() + ": " +
                             (reason ? reason : "unknown reason") +
                             " (it is built beside the accelsim executable and must stay there)");
  }
  using Entry = const OnnxImporter* (*)();
  const auto entry = reinterpret_cast<Entry>(dlsym(handle, kOnnxImporterEntry));
  if (!entry) throw std::runtime_error(module.string() + ": no entry point " + kOnnxImporterEntry);
  return *entry();  // the module stays loaded until the process exits
}

}  // namespace

const OnnxImporter& onnx_importer() {
  static const OnnxImporter& importer = load();
  importer.set_log_level(log::level());
  return importer;
}

}  // namespace accelsim::cli
