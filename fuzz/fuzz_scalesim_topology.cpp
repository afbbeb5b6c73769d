// libFuzzer target: see fuzz_entries.h.
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  accelsim::fuzz::scalesim_topology(data, size);
  return 0;
}
