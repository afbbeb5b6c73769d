#include "sim/trace/trace_options.h"

#include <cctype>
#include <stdexcept>

namespace accelsim::trace {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  for (char c : text) {
    if (c == ',') {
      items.push_back(item);
      item.clear();
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      item += c;
    }
  }
  items.push_back(item);
  return items;
}

bool parse_cycles(const std::string& text, uint64_t& value) {
  if (text.empty() || text.size() > 19) return false;  // 19 digits always fit in 64 bits
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

std::string module_list() {
  std::string list;
  for (const auto& name : traceable_modules()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

const std::vector<std::string>& traceable_modules() {
  static const std::vector<std::string> names = {"dma",         "pe_array",        "requant_unit", "pooling_unit",
                                                 "weight_sram", "activation_sram", "accumulator",  "dram"};
  return names;
}

bool is_memory_module(const std::string& module) {
  return module == "weight_sram" || module == "activation_sram" || module == "accumulator" || module == "dram";
}

void parse_trace_formats(const std::string& text, TraceOptions& options) {
  const std::string expected = "expected vcd, timeline, dram or a comma-separated list of them";
  bool vcd = false, timeline = false, dram = false;
  for (const auto& item : split_list(text)) {
    if (item == "vcd")
      vcd = true;
    else if (item == "timeline")
      timeline = true;
    else if (item == "dram")
      dram = true;
    else
      throw std::invalid_argument(expected + ", got '" + text + "'" +
                                  (item.empty() ? "" : " ('" + item + "' is not a trace format)"));
  }
  options.vcd = vcd;
  options.timeline = timeline;
  options.dram_requests = dram;
}

void parse_trace_window(const std::string& text, TraceOptions& options) {
  const std::string expected = "expected START:END in cycles with START < END (e.g. 0:5000), got '" + text + "'";
  const auto colon = text.find(':');
  uint64_t begin = 0, end = 0;
  if (colon == std::string::npos || !parse_cycles(text.substr(0, colon), begin) ||
      !parse_cycles(text.substr(colon + 1), end))
    throw std::invalid_argument(expected);
  if (begin >= end) throw std::invalid_argument(expected);
  options.window_begin = begin;
  options.window_end = end;
}

void parse_trace_modules(const std::string& text, TraceOptions& options) {
  std::set<std::string> modules;
  for (const auto& item : split_list(text)) {
    bool known = false;
    for (const auto& name : traceable_modules()) known = known || name == item;
    if (!known)
      throw std::invalid_argument((item.empty() ? "an empty module name" : "unknown module '" + item + "'") +
                                  "; expected a comma-separated list of " + module_list());
    modules.insert(item);
  }
  options.modules = modules;
}

}  // namespace accelsim::trace
