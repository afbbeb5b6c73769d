// A stand-in for a SystemC module that calls the golden model. It is built against
// accelsim_modules alone, as every module is, and must fail to link: the golden model lives in
// accelsim_golden, which the modules do not link. tests/CMakeLists.txt builds it and expects the
// linker's "undefined reference" to the golden function.
#include "golden/requantize.h"
#include "modules/requant_unit/requant_datapath.h"

int main() {
  const accelsim::model::RequantSpec spec;
  const accelsim::modules::RequantDatapath datapath(spec);
  return datapath(1) + accelsim::golden::requantize(1, spec);
}
