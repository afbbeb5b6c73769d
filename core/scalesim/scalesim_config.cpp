#include "core/scalesim/scalesim_config.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/config/configuration_error.h"
#include "core/scalesim/python_text.h"

namespace accelsim::scalesim {

namespace {

using config::ConfigurationError;
using config::SourceLocation;

struct Entry {
  std::string key;  // as written
  std::string value;
  int line = 0;
  int key_column = 0;
  int value_column = 0;
  bool read = false;
};

struct IniSection {
  int line = 0;
  std::map<std::string, Entry> entries;  // by lower-case key
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::map<std::string, IniSection> parse_ini(std::string_view text, const std::string& file) {
  std::map<std::string, IniSection> sections;
  IniSection* current = nullptr;
  Entry* last_entry = nullptr;
  std::size_t last_indent = 0;
  int line_number = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t newline = text.find('\n', begin);
    const std::string_view raw = text.substr(begin, newline == std::string_view::npos ? text.npos : newline - begin);
    begin = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
    ++line_number;
    const std::string_view line = python_strip(raw);
    const std::size_t indent = python_strip_begin(raw);
    const int column = static_cast<int>(indent) + 1;
    const auto fail = [&](int at, const std::string& key, const std::string& message) {
      throw ConfigurationError(SourceLocation{file, line_number, at}, key, message);
    };
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      if (line.empty()) last_entry = nullptr;  // a blank line ends a continued value
      continue;
    }
    if (last_entry != nullptr && indent > last_indent) {  // configparser's continuation line
      last_entry->value += "\n" + std::string(line);
      continue;
    }
    if (line.front() == '[') {
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos || close == 1 || close + 1 != line.size()) {
        fail(column, "", "expected a section header such as [architecture_presets]");
      }
      const std::string name(line.substr(1, close - 1));
      if (sections.count(name) != 0) {
        fail(column, name, "section defined twice (first on line " + std::to_string(sections[name].line) + ")");
      }
      current = &sections[name];
      current->line = line_number;
      last_entry = nullptr;
      continue;
    }
    const std::size_t delimiter = line.find_first_of("=:");
    if (delimiter == std::string_view::npos || delimiter == 0) {
      fail(column, "", "expected `key = value` or `key : value`, found \"" + std::string(line) + "\"");
    }
    const std::string_view key = python_strip(line.substr(0, delimiter));
    if (current == nullptr) fail(column, std::string(key), "a key before any [section] header");
    const std::string_view rest = line.substr(delimiter + 1);
    Entry entry;
    entry.key = std::string(key);
    entry.value = std::string(python_strip(rest));
    entry.line = line_number;
    entry.key_column = column;
    entry.value_column = column + static_cast<int>(delimiter + 1 + python_strip_begin(rest));
    const std::string folded = lower(key);
    const auto found = current->entries.find(folded);
    if (found != current->entries.end()) {
      fail(column, entry.key,
           "key given twice in its section (first on line " + std::to_string(found->second.line) +
               "; keys are case-insensitive)");
    }
    last_entry = &(current->entries[folded] = std::move(entry));
    last_indent = indent;
  }
  return sections;
}

class Reader {
 public:
  Reader(std::map<std::string, IniSection> sections, std::string file)
      : sections_(std::move(sections)), file_(std::move(file)) {}

  Entry* find(const std::string& section, const std::string& key) {
    const auto s = sections_.find(section);
    if (s == sections_.end()) return nullptr;
    const auto e = s->second.entries.find(lower(key));
    if (e == s->second.entries.end()) return nullptr;
    e->second.read = true;
    return &e->second;
  }

  [[noreturn]] void fail(const Entry& entry, const std::string& section, const std::string& message) const {
    throw ConfigurationError(SourceLocation{file_, entry.line, entry.value_column}, section + "." + entry.key, message);
  }

  Entry& required(const std::string& section, const std::string& key) {
    Entry* entry = find(section, key);
    if (entry == nullptr) {
      throw ConfigurationError(SourceLocation{file_, 0, 0}, section + "." + key,
                               "missing: accelsim needs it (in [" + section + "])");
    }
    return *entry;
  }

  int64_t integer(const Entry& entry, const std::string& section, int64_t min, int64_t max) const {
    const std::optional<int64_t> value = parse_python_int(entry.value);
    if (!value) {
      fail(entry, section,
           "expected an integer, found \"" + entry.value + "\"" +
               (entry.value.find('#') != std::string::npos ? " (a comment after a value is part of the value)" : ""));
    }
    if (*value < min || *value > max) {
      fail(entry, section,
           "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
               std::to_string(*value));
    }
    return *value;
  }

  int64_t required_integer(const std::string& section, const std::string& key, int64_t min, int64_t max) {
    return integer(required(section, key), section, min, max);
  }

  void optional_integer(const std::string& section, const std::string& key, int64_t min, int64_t max, int64_t& target) {
    if (Entry* entry = find(section, key)) target = integer(*entry, section, min, max);
  }

  // Every key present and never read, as a warning.
  std::vector<std::string> unread(const std::string& note) const {
    std::vector<std::string> warnings;
    for (const auto& [name, section] : sections_) {
      for (const auto& [folded, entry] : section.entries) {
        if (entry.read) continue;
        warnings.push_back(SourceLocation{file_, entry.line, entry.key_column}.to_string() + ": " + name + "." +
                           entry.key + ": " + note);
      }
    }
    return warnings;
  }

 private:
  std::map<std::string, IniSection> sections_;
  std::string file_;
};

constexpr int64_t kMaxArraySide = 1 << 16;
constexpr int64_t kMaxSramKb = int64_t{1} << 30;
constexpr int64_t kMaxOffset = int64_t{1} << 48;

}  // namespace

const char* name_of(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::WeightStationary:
      return "ws";
    case Dataflow::OutputStationary:
      return "os";
    case Dataflow::InputStationary:
      return "is";
  }
  return "?";
}

ScaleSimConfig parse_scalesim_config(std::string_view text, const std::string& file) {
  Reader reader(parse_ini(text, file), file);
  ScaleSimConfig config;
  config.file = file;
  const std::string arch = "architecture_presets";

  if (Entry* run_name = reader.find("general", "run_name")) config.run_name = run_name->value;
  if (Entry* mode = reader.find("run_presets", "InterfaceBandwidth")) {
    if (mode->value == "CALC") {
      config.interface_bandwidth = InterfaceBandwidth::Calc;
    } else if (mode->value == "USER") {
      config.interface_bandwidth = InterfaceBandwidth::User;
    } else {
      reader.fail(*mode, "run_presets",
                  "expected CALC or USER (upper case, as SCALE-Sim reads them), found \"" + mode->value + "\"");
    }
  }

  config.array_height = reader.required_integer(arch, "ArrayHeight", 1, kMaxArraySide);
  config.array_width = reader.required_integer(arch, "ArrayWidth", 1, kMaxArraySide);
  config.ifmap_sram_kb = reader.required_integer(arch, "IfmapSramSzkB", 1, kMaxSramKb);
  config.filter_sram_kb = reader.required_integer(arch, "FilterSramSzkB", 1, kMaxSramKb);
  config.ofmap_sram_kb = reader.required_integer(arch, "OfmapSramSzkB", 1, kMaxSramKb);
  reader.optional_integer(arch, "IfmapOffset", 0, kMaxOffset, config.ifmap_offset);
  reader.optional_integer(arch, "FilterOffset", 0, kMaxOffset, config.filter_offset);
  reader.optional_integer(arch, "OfmapOffset", 0, kMaxOffset, config.ofmap_offset);

  Entry& dataflow = reader.required(arch, "Dataflow");
  if (dataflow.value == "ws") {
    config.dataflow = Dataflow::WeightStationary;
  } else if (dataflow.value == "os") {
    config.dataflow = Dataflow::OutputStationary;
  } else if (dataflow.value == "is") {
    config.dataflow = Dataflow::InputStationary;
  } else {
    const std::string folded = lower(dataflow.value);
    const bool case_only = folded == "ws" || folded == "os" || folded == "is";
    reader.fail(dataflow, arch,
                "expected ws, os or is, found \"" + dataflow.value + "\"" +
                    (case_only ? " (write it in lower case: SCALE-Sim v2 takes \"" + dataflow.value +
                                     "\" for an invalid dataflow and silently runs os)"
                               : ""));
  }

  if (Entry* bandwidth = reader.find(arch, "Bandwidth")) {
    std::string_view rest = bandwidth->value;
    while (true) {
      const std::size_t comma = rest.find(',');
      Entry part = *bandwidth;
      part.value = std::string(python_strip(rest.substr(0, comma)));
      config.bandwidth.push_back(reader.integer(part, arch, 1, kMaxSramKb));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (config.interface_bandwidth == InterfaceBandwidth::User && config.bandwidth.empty()) {
    reader.required(arch, "Bandwidth");  // throws: USER mode needs it
  }
  if (Entry* banks = reader.find(arch, "MemoryBanks")) {
    config.memory_banks = reader.integer(*banks, arch, 1, kMaxArraySide);
  }
  // SCALE-Sim v2 looks TopologyCsvLoc up in architecture_presets although its examples put it
  // in network_presets; accelsim takes either. The value is a quoted path.
  for (const char* section : {"network_presets", "architecture_presets"}) {
    Entry* location = reader.find(section, "TopologyCsvLoc");
    if (location == nullptr) continue;
    const std::string& value = location->value;
    const std::size_t open = value.find('"');
    const std::size_t close = open == std::string::npos ? open : value.find('"', open + 1);
    if (close == std::string::npos) reader.fail(*location, section, "expected a path in double quotes");
    config.topology_csv = value.substr(open + 1, close - open - 1);
  }

  config.warnings = reader.unread("not a key SCALE-Sim v2 reads; ignored");
  if (config.memory_banks) {
    config.warnings.push_back(file + ": architecture_presets.MemoryBanks: SCALE-Sim v2 never reads it; ignored");
  }
  if (config.interface_bandwidth == InterfaceBandwidth::Calc && !config.bandwidth.empty()) {
    config.warnings.push_back(file +
                              ": architecture_presets.Bandwidth: SCALE-Sim uses it only with InterfaceBandwidth "
                              "USER; under CALC it is ignored");
  }
  return config;
}

ScaleSimConfig read_scalesim_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigurationError(SourceLocation{path.string(), 0, 0}, "", "cannot open the SCALE-Sim config file");
  std::stringstream content;
  content << in.rdbuf();
  return parse_scalesim_config(content.str(), path.string());
}

}  // namespace accelsim::scalesim
