#pragma once

#include <cstdint>

namespace accelsim::modules {

// What a simulation costs the host in SystemC's own currency, counted by the units as they run:
// none of it changes a simulated cycle. A thread resumption is one switch into a unit's (or the
// controller's) coroutine after it waited (for cycles to pass, for a dependency, for an
// instruction in its queue or for room in one); a TLM transaction is one b_transport through a
// unit's socket. Host time per tile follows these two figures, not the MACs a tile computes.
struct HostEvents {
  uint64_t thread_resumptions = 0;
  uint64_t tlm_transactions = 0;
};

}  // namespace accelsim::modules
