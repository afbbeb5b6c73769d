#pragma once

#include <cstddef>
#include <cstdint>

namespace accelsim::fuzz {

// One fuzz input each. Bad input must end in the loader's own error types
// (ConfigurationError, NpyError), which these catch; anything else (a crash, another
// exception, a sanitizer report) is a bug the fuzzer reports. Shared by the libFuzzer targets
// and the regression test that replays every saved input.

// The input as a config file lying in configs/ (so that the relative paths of the LeNet
// configs resolve): parse, includes, network (with its tensor files) and hardware.
void config_text(const uint8_t* data, std::size_t size);
// The input as a .npy file.
void npy_bytes(const uint8_t* data, std::size_t size);
// The input as a --set assignment on configs/lenet.yaml, then the whole config read.
void set_override(const uint8_t* data, std::size_t size);
// The input as a SCALE-Sim topology CSV (format from its header) and, separately, as a GEMM one.
void scalesim_topology(const uint8_t* data, std::size_t size);
// The input as a SCALE-Sim .cfg.
void scalesim_config(const uint8_t* data, std::size_t size);

}  // namespace accelsim::fuzz
