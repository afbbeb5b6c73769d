#include "tests/support/run_command.h"

#include "tests/support/run_program.h"

namespace accelsim::testing {

CommandResult run_accelsim(const std::vector<std::string>& arguments) {
  const ProgramResult result = run_program(ACCELSIM_BINARY, arguments);
  return {result.exit_code, result.output};
}

}  // namespace accelsim::testing
