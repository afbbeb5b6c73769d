#pragma once

#include "core/stats/run_stats.h"
#include "modules/common/clock.h"
#include "modules/common/host_events.h"
#include "modules/controller/scoreboard.h"

namespace accelsim::modules {

// What every unit of the accelerator is built with: the clock it counts cycles by, the
// scoreboard it waits on and completes into, the run's statistics it registers its own in, and
// the depth of its instruction queue; and whether the units compute values at all (not in a
// timing-only run, network.values: none: then they move the same bytes on the same schedule and
// skip the arithmetic); and the host events the units count as they run.
struct UnitContext {
  const Clock& clock;
  Scoreboard& scoreboard;
  stats::RunStats& stats;
  int queue_depth;
  bool compute_values;
  HostEvents& host_events;
};

}  // namespace accelsim::modules
