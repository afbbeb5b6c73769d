#include "tests/support/vcd_reader.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace accelsim::testing {

VcdFile VcdFile::read(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  VcdFile vcd;
  std::vector<std::string> scopes;
  std::string token;
  uint64_t time = 0;
  bool definitions = true;
  while (in >> token) {
    if (definitions) {
      if (token == "$timescale") {
        std::string part;
        while (in >> part && part != "$end") vcd.timescale += (vcd.timescale.empty() ? "" : " ") + part;
      } else if (token == "$scope") {
        std::string kind, name, end;
        in >> kind >> name >> end;
        scopes.push_back(name);
      } else if (token == "$upscope") {
        std::string end;
        in >> end;
        if (!scopes.empty()) scopes.pop_back();
      } else if (token == "$var") {
        std::string type, width, id, name, part;
        in >> type >> width >> id >> name;
        while (in >> part && part != "$end") {
        }  // a bit range such as [7:0]
        std::string path;
        for (std::size_t i = 1; i < scopes.size(); ++i) path += scopes[i] + ".";  // scopes[0] is SystemC's top
        vcd.ids[path + name] = id;
      } else if (token == "$enddefinitions") {
        definitions = false;
      }
      continue;
    }
    if (token[0] == '#') {
      time = std::stoull(token.substr(1));
      vcd.timestamps.push_back(time);
    } else if (token[0] == '$') {
      if (token != "$dumpvars" && token != "$end") {  // skip $comment ... $end
        std::string part;
        while (in >> part && part != "$end") {
        }
      }
    } else if (token[0] == 'b' || token[0] == 'B' || token[0] == 'r') {
      std::string id;
      in >> id;
      vcd.changes[id].push_back({time, token.substr(1)});
    } else {
      vcd.changes[token.substr(1)].push_back({time, token.substr(0, 1)});
    }
  }
  return vcd;
}

const std::vector<VcdFile::Change>& VcdFile::of(const std::string& name) const {
  const auto id = ids.find(name);
  if (id == ids.end()) throw std::out_of_range("no signal " + name + " in the VCD");
  static const std::vector<Change> none;
  const auto it = changes.find(id->second);
  return it == changes.end() ? none : it->second;
}

std::string VcdFile::value_at(const std::string& name, uint64_t time) const {
  std::string value;
  for (const auto& change : of(name)) {
    if (change.time > time) break;
    value = change.value;
  }
  return value;
}

uint64_t VcdFile::high_time(const std::string& name, uint64_t end) const {
  uint64_t total = 0, since = 0;
  bool high = false;
  for (const auto& change : of(name)) {
    if (change.time >= end) break;
    const bool now_high = change.value == "1";
    if (now_high && !high) since = change.time;
    if (!now_high && high) total += change.time - since;
    high = now_high;
  }
  if (high) total += end - since;
  return total;
}

int64_t VcdFile::number(const std::string& value) {
  int64_t result = 0;
  for (char c : value) {
    if (c != '0' && c != '1') return -1;
    result = result * 2 + (c - '0');
  }
  return result;
}

}  // namespace accelsim::testing
