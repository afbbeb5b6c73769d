#include "core/hardware/hardware_config.h"

#include <stdexcept>

namespace accelsim::hardware {

using config::Section;

const config::EnumNames<Dataflow>& dataflow_names() {
  static const config::EnumNames<Dataflow> names = {
      {"ws", Dataflow::WeightStationary}, {"os", Dataflow::OutputStationary}, {"is", Dataflow::InputStationary}};
  return names;
}
const char* name_of(Dataflow dataflow) { return config::name_in(dataflow_names(), dataflow); }
const config::EnumNames<DramModel>& dram_model_names() {
  static const config::EnumNames<DramModel> names = {{"simple", DramModel::Simple}, {"detailed", DramModel::Detailed}};
  return names;
}
const config::EnumNames<dram::DramPagePolicy>& dram_page_policy_names() {
  static const config::EnumNames<dram::DramPagePolicy> names = {{"open", dram::DramPagePolicy::Open},
                                                                {"closed", dram::DramPagePolicy::Closed}};
  return names;
}
const config::EnumNames<dram::DramPowerDown>& dram_power_down_names() {
  static const config::EnumNames<dram::DramPowerDown> names = {{"none", dram::DramPowerDown::None},
                                                               {"active", dram::DramPowerDown::Active},
                                                               {"precharge", dram::DramPowerDown::Precharge}};
  return names;
}
const char* name_of(DramModel model) { return config::name_in(dram_model_names(), model); }
const char* name_of(dram::DramPowerDown policy) { return config::name_in(dram_power_down_names(), policy); }
const char* name_of(dram::DramPagePolicy policy) { return config::name_in(dram_page_policy_names(), policy); }

HardwareConfig::HardwareConfig() {
  // The three SRAM instances differ in size, banking and energy (edge_small.yaml cites them).
  weight_sram.capacity_bytes = 32768;
  weight_sram.banks = 2;
  weight_sram.latency_cycles = 2;
  weight_sram.read_energy_pj_per_byte = weight_sram.write_energy_pj_per_byte = 2.5;
  activation_sram.capacity_bytes = 16384;
  activation_sram.banks = 2;
  activation_sram.latency_cycles = 2;
  activation_sram.read_energy_pj_per_byte = activation_sram.write_energy_pj_per_byte = 1.875;
  accumulator.capacity_bytes = 8192;
  accumulator.banks = 4;
  accumulator.latency_cycles = 1;
  accumulator.read_energy_pj_per_byte = accumulator.write_energy_pj_per_byte = 1.25;
}

double RequantUnitConfig::energy_per_op_pj(const model::RequantSpec& spec) const {
  switch (spec.mode) {
    case model::RequantMode::Divide:
      return divide_energy_pj;
    case model::RequantMode::Multiply:
      return spec.precision == model::Precision::Float32 ? multiply_float32_energy_pj : multiply_float64_energy_pj;
    case model::RequantMode::FixedPoint:
      return fixed_point_energy_pj;
    case model::RequantMode::Shift:
      return shift_energy_pj;
  }
  return 0;
}

namespace {

constexpr double kMaxBytes = 1099511627776.0;  // 1 TiB: beyond any on-chip or board memory modelled here
constexpr double kMaxEnergy = 1e6;

double energy(Section& section, const std::string& key, const std::string& description, double default_value) {
  return section.param<double>(key).desc(description).unit("pJ").min(0).max(kMaxEnergy).default_val(default_value);
}

SramConfig load_sram(Section section, const SramConfig& defaults) {
  SramConfig sram;
  sram.capacity_bytes = section.param<int64_t>("capacity_bytes")
                            .desc("capacity")
                            .unit("bytes")
                            .min(1)
                            .max(kMaxBytes)
                            .default_val(defaults.capacity_bytes);
  sram.banks =
      section.param<int64_t>("banks").desc("banks accessed in parallel").min(1).max(1024).default_val(defaults.banks);
  sram.port_bytes = section.param<int64_t>("port_bytes")
                        .desc("width of one bank's port")
                        .unit("bytes/cycle")
                        .min(1)
                        .max(4096)
                        .default_val(defaults.port_bytes);
  sram.latency_cycles = section.param<int64_t>("latency_cycles")
                            .desc("access latency")
                            .unit("cycles")
                            .min(0)
                            .max(1e6)
                            .default_val(defaults.latency_cycles);
  sram.double_buffered = section.param<bool>("double_buffered")
                             .desc("two buffers so that loading overlaps use")
                             .default_val(defaults.double_buffered);
  sram.read_energy_pj_per_byte =
      energy(section, "read_energy_pj_per_byte", "energy to read one byte", defaults.read_energy_pj_per_byte);
  sram.write_energy_pj_per_byte =
      energy(section, "write_energy_pj_per_byte", "energy to write one byte", defaults.write_energy_pj_per_byte);
  section.finish();
  return sram;
}

PeArrayConfig load_pe_array(Section section, const HardwareChoices& choices) {
  PeArrayConfig pe;
  pe.rows = section.param<int64_t>("rows").desc("PE rows").unit("PEs").min(1).max(4096).default_val(pe.rows);
  pe.cols = section.param<int64_t>("cols").desc("PE columns").unit("PEs").min(1).max(4096).default_val(pe.cols);
  pe.dataflow = section.choose("dataflow", "ws: weight-stationary, os: output-stationary, is: input-stationary",
                               dataflow_names(), std::optional<Dataflow>(pe.dataflow));
  std::string described;
  std::vector<std::string> names;
  for (const auto& [name, description] : choices.timing_models) {
    described += (described.empty() ? "" : "; ") + name + ": " + description;
    names.push_back(name);
  }
  pe.timing = section.param<std::string>("timing").desc(described).choices(names).default_val(pe.timing);
  pe.double_buffered_operands =
      section.param<bool>("double_buffered_operands")
          .desc("shadow registers: the next fold's stationary operands load while the current fold streams")
          .default_val(pe.double_buffered_operands);
  pe.mac_energy_pj = energy(section, "mac_energy_pj", "one 8-bit multiply and 32-bit add", pe.mac_energy_pj);
  section.finish();
  return pe;
}

// Timing overrides of the detailed DRAM model, in DRAM clock cycles; each defaults to the preset's.
void load_dram_timing(Section section, dram::DramTiming& t) {
  t.tck_ns =
      section.param<double>("tck_ns").desc("DRAM clock period").unit("ns").min(0.05).max(100).default_val(t.tck_ns);
  struct Key {
    const char* key;
    int64_t dram::DramTiming::*member;
    const char* description;
  };
  static const Key keys[] = {
      {"cl", &dram::DramTiming::cl, "read command to first data (CL)"},
      {"cwl", &dram::DramTiming::cwl, "write command to first data (CWL)"},
      {"rcd", &dram::DramTiming::rcd, "activate to read or write (tRCD)"},
      {"rp", &dram::DramTiming::rp, "precharge to activate (tRP)"},
      {"ras", &dram::DramTiming::ras, "activate to precharge (tRAS)"},
      {"rtp", &dram::DramTiming::rtp, "read to precharge (tRTP)"},
      {"wr", &dram::DramTiming::wr, "end of write data to precharge (tWR)"},
      {"wtr_s", &dram::DramTiming::wtr_s, "end of write data to read, other bank group (tWTR_S)"},
      {"wtr_l", &dram::DramTiming::wtr_l, "end of write data to read, same bank group (tWTR_L)"},
      {"ccd_s", &dram::DramTiming::ccd_s, "column command to column command, other bank group (tCCD_S)"},
      {"ccd_l", &dram::DramTiming::ccd_l, "column command to column command, same bank group (tCCD_L)"},
      {"rrd_s", &dram::DramTiming::rrd_s, "activate to activate, other bank group (tRRD_S)"},
      {"rrd_l", &dram::DramTiming::rrd_l, "activate to activate, same bank group (tRRD_L)"},
      {"faw", &dram::DramTiming::faw, "window that holds at most four activates of a rank (tFAW)"},
      {"refi", &dram::DramTiming::refi, "interval between a rank's refreshes (tREFI)"},
      {"rfc", &dram::DramTiming::rfc, "refresh to the next activate (tRFC)"},
      {"cke", &dram::DramTiming::cke, "shortest stay in power-down (tCKE)"},
      {"xp", &dram::DramTiming::xp, "power-down exit to the next command (tXP)"},
      {"xs", &dram::DramTiming::xs, "self-refresh exit to the next command (tXS)"},
  };
  for (const Key& k : keys)
    t.*k.member =
        section.param<int64_t>(k.key).desc(k.description).unit("DRAM cycles").min(1).max(1e7).default_val(t.*k.member);
  section.finish();
}

// Current and voltage overrides for the DRAMPower-style energy; each defaults to the preset's.
void load_dram_power(Section section, dram::DramPower& p) {
  p.vdd = section.param<double>("vdd").desc("supply voltage").unit("V").min(0.1).max(5).default_val(p.vdd);
  struct Key {
    const char* key;
    double dram::DramPower::*member;
    const char* description;
  };
  static const Key keys[] = {
      {"idd0", &dram::DramPower::idd0, "one bank activating and precharging every tRC (IDD0)"},
      {"idd2n", &dram::DramPower::idd2n, "precharged standby (IDD2N)"},
      {"idd3n", &dram::DramPower::idd3n, "active standby (IDD3N)"},
      {"idd4r", &dram::DramPower::idd4r, "burst reads (IDD4R)"},
      {"idd4w", &dram::DramPower::idd4w, "burst writes (IDD4W)"},
      {"idd5b", &dram::DramPower::idd5b, "burst refresh (IDD5B)"},
      {"idd2p", &dram::DramPower::idd2p, "precharged power-down (IDD2P)"},
      {"idd3p", &dram::DramPower::idd3p, "active power-down (IDD3P)"},
      {"idd6", &dram::DramPower::idd6, "self-refresh (IDD6)"},
  };
  for (const Key& k : keys)
    p.*k.member = section.param<double>(k.key)
                      .desc(std::string(k.description) + ", per chip")
                      .unit("mA")
                      .min(0)
                      .max(1e5)
                      .default_val(p.*k.member);
  section.finish();
}

DramConfig load_dram(Section section, const DramConfig& defaults) {
  DramConfig d = defaults;
  d.model = section.choose("model",
                           "simple: flat bandwidth, latency and energy per byte; detailed: banks, rows, refresh and an "
                           "FR-FCFS controller for the preset below",
                           dram_model_names(), std::optional<DramModel>(d.model));
  d.capacity_bytes = section.param<int64_t>("capacity_bytes")
                         .desc("capacity")
                         .unit("bytes")
                         .min(1)
                         .max(kMaxBytes)
                         .default_val(d.capacity_bytes);
  d.bandwidth_bytes_per_cycle = section.param<int64_t>("bandwidth_bytes_per_cycle")
                                    .desc("sustained bandwidth (model: simple)")
                                    .unit("bytes/cycle")
                                    .min(1)
                                    .max(1 << 20)
                                    .default_val(d.bandwidth_bytes_per_cycle);
  d.latency_cycles = section.param<int64_t>("latency_cycles")
                         .desc("latency of a request (model: simple)")
                         .unit("cycles")
                         .min(0)
                         .max(1e6)
                         .default_val(d.latency_cycles);
  d.energy_pj_per_byte =
      energy(section, "energy_pj_per_byte", "energy to move one byte (model: simple)", d.energy_pj_per_byte);

  std::vector<std::string> presets;
  for (const auto& spec : dram::dram_presets()) presets.push_back(spec.name);
  d.preset = section.param<std::string>("preset")
                 .desc("device of the detailed model (docs/config.md lists the presets and their sources)")
                 .choices(presets)
                 .default_val(d.preset);
  d.device = *dram::find_dram_preset(d.preset);
  d.address_mapping = section.param<std::string>("address_mapping")
                          .desc(
                              "address fields from the most significant bits down: row, rank, bank, bankgroup, "
                              "column and channel, separated by ':'")
                          .default_val(d.address_mapping);
  d.queue_depth = section.param<int64_t>("queue_depth")
                      .desc("requests the controller's scheduler chooses among")
                      .unit("requests")
                      .min(1)
                      .max(4096)
                      .default_val(d.queue_depth);
  d.page_policy = section.choose(
      "page_policy", "open: a row stays open for later hits; closed: it closes once no queued request wants it",
      dram_page_policy_names(), std::optional<dram::DramPagePolicy>(d.page_policy));
  d.power_down = section.choose("power_down",
                                "none: idle ranks stay in standby; active: CKE low with rows left open (IDD3P); "
                                "precharge: close the rows, then CKE low (IDD2P)",
                                dram_power_down_names(), std::optional<dram::DramPowerDown>(d.power_down));
  d.power_down_idle_cycles = section.param<int64_t>("power_down_idle_cycles")
                                 .desc("idle time after a rank's last activity before it powers down")
                                 .unit("DRAM cycles")
                                 .min(0)
                                 .max(1e9)
                                 .default_val(d.power_down_idle_cycles);
  d.self_refresh_idle_cycles = section.param<int64_t>("self_refresh_idle_cycles")
                                   .desc("time in precharged power-down before self-refresh (IDD6, exit tXS); 0: never")
                                   .unit("DRAM cycles")
                                   .min(0)
                                   .max(1e12)
                                   .default_val(d.self_refresh_idle_cycles);
  d.write_queue_depth = section.param<int64_t>("write_queue_depth")
                            .desc("writes buffered apart and drained in batches; 0: one queue for reads and writes")
                            .unit("requests")
                            .min(0)
                            .max(4096)
                            .default_val(d.write_queue_depth);
  d.write_high_watermark = section.param<double>("write_high_watermark")
                               .desc("fraction of the write queue that starts a write batch")
                               .min(0)
                               .max(1)
                               .default_val(d.write_high_watermark);
  d.write_low_watermark = section.param<double>("write_low_watermark")
                              .desc("fraction of the write queue at which a batch ends if reads wait")
                              .min(0)
                              .max(1)
                              .default_val(d.write_low_watermark);
  if (d.write_low_watermark >= d.write_high_watermark)
    section.fail("write_low_watermark",
                 "expected less than write_high_watermark (" + std::to_string(d.write_high_watermark) + ")");
  if (auto timing = section.optional_section("timing")) load_dram_timing(*timing, d.device.timing);
  if (auto power = section.optional_section("power")) load_dram_power(*power, d.device.power);
  try {
    dram::AddressMapping(d.device.organization, d.address_mapping);
  } catch (const std::invalid_argument& e) {
    section.fail("address_mapping", e.what());
  }
  section.finish();
  return d;
}

}  // namespace

HardwareConfig load_hardware(Section section, const HardwareChoices& choices) {
  HardwareConfig hw;
  hw.name = section.param<std::string>("name").desc("label for reports").default_val(hw.name);
  hw.clock_mhz = section.param<double>("clock_mhz")
                     .desc("clock frequency")
                     .unit("MHz")
                     .min(1e-3)
                     .max(1e5)
                     .default_val(hw.clock_mhz);
  hw.instruction_queue_depth = section.param<int64_t>("instruction_queue_depth")
                                   .desc("instructions the controller can queue ahead per unit")
                                   .min(1)
                                   .max(1 << 16)
                                   .default_val(hw.instruction_queue_depth);
  hw.pe_array = load_pe_array(section.section("pe_array"), choices);

  hw.weight_sram = load_sram(section.section("weight_sram"), hw.weight_sram);
  hw.activation_sram = load_sram(section.section("activation_sram"), hw.activation_sram);
  hw.accumulator = load_sram(section.section("accumulator"), hw.accumulator);

  hw.dram = load_dram(section.section("dram"), hw.dram);

  // Optional, so that hardware files written before it keep loading.
  if (auto dma = section.optional_section("dma")) {
    hw.dma.burst_bytes =
        dma->param<int64_t>("burst_bytes")
            .desc("bytes the DMA moves per burst; other units' accesses to the same memory interleave between bursts")
            .unit("bytes")
            .min(1)
            .max(kMaxBytes)
            .default_val(hw.dma.burst_bytes);
    dma->finish();
  }

  Section requant = section.section("requant_unit");
  auto& rq = hw.requant_unit;
  rq.lanes = requant.param<int64_t>("lanes").desc("outputs per cycle").min(1).max(4096).default_val(rq.lanes);
  rq.pipeline_depth = requant.param<int64_t>("pipeline_depth")
                          .desc("pipeline latency")
                          .unit("cycles")
                          .min(0)
                          .max(1 << 16)
                          .default_val(rq.pipeline_depth);
  rq.divider_latency_cycles = requant.param<int64_t>("divider_latency_cycles")
                                  .desc("extra latency of the pipelined divider in divide mode")
                                  .unit("cycles")
                                  .min(0)
                                  .max(1 << 16)
                                  .default_val(rq.divider_latency_cycles);
  rq.divide_energy_pj = energy(requant, "divide_energy_pj", "one output in divide mode", rq.divide_energy_pj);
  rq.multiply_float32_energy_pj = energy(requant, "multiply_float32_energy_pj", "one output in float32 multiply mode",
                                         rq.multiply_float32_energy_pj);
  rq.multiply_float64_energy_pj = energy(requant, "multiply_float64_energy_pj", "one output in float64 multiply mode",
                                         rq.multiply_float64_energy_pj);
  rq.fixed_point_energy_pj =
      energy(requant, "fixed_point_energy_pj", "one output in fixed_point mode", rq.fixed_point_energy_pj);
  rq.shift_energy_pj = energy(requant, "shift_energy_pj", "one output in shift mode", rq.shift_energy_pj);
  requant.finish();

  Section pooling = section.section("pooling_unit");
  auto& pool = hw.pooling_unit;
  pool.lanes = pooling.param<int64_t>("lanes").desc("outputs in parallel").min(1).max(4096).default_val(pool.lanes);
  pool.pipeline_depth = pooling.param<int64_t>("pipeline_depth")
                            .desc("pipeline latency")
                            .unit("cycles")
                            .min(0)
                            .max(1 << 16)
                            .default_val(pool.pipeline_depth);
  pool.compare_energy_pj = energy(pooling, "compare_energy_pj", "one 8-bit comparison", pool.compare_energy_pj);
  pooling.finish();

  section.finish();
  return hw;
}

}  // namespace accelsim::hardware
