#include "core/dram/address_mapping.h"

#include <stdexcept>

namespace accelsim::dram {

namespace {

bool power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

int log2_of(int64_t n) {
  int bits = 0;
  while ((int64_t{1} << bits) < n) ++bits;
  return bits;
}

struct FieldName {
  const char* name;
  AddressMapping::Field field;
};
constexpr FieldName kFields[] = {{"channel", AddressMapping::Field::Channel},
                                 {"rank", AddressMapping::Field::Rank},
                                 {"bankgroup", AddressMapping::Field::BankGroup},
                                 {"bank", AddressMapping::Field::Bank},
                                 {"row", AddressMapping::Field::Row},
                                 {"column", AddressMapping::Field::Column}};

int64_t count_of(const DramOrganization& o, AddressMapping::Field field) {
  switch (field) {
    case AddressMapping::Field::Channel:
      return o.channels;
    case AddressMapping::Field::Rank:
      return o.ranks;
    case AddressMapping::Field::BankGroup:
      return o.bank_groups;
    case AddressMapping::Field::Bank:
      return o.banks_per_group;
    case AddressMapping::Field::Row:
      return o.rows;
    case AddressMapping::Field::Column:
      return o.accesses_per_row();
  }
  return 1;
}

int64_t& part_of(DramAddress& a, AddressMapping::Field field) {
  switch (field) {
    case AddressMapping::Field::Channel:
      return a.channel;
    case AddressMapping::Field::Rank:
      return a.rank;
    case AddressMapping::Field::BankGroup:
      return a.bank_group;
    case AddressMapping::Field::Bank:
      return a.bank;
    case AddressMapping::Field::Row:
      return a.row;
    case AddressMapping::Field::Column:
      break;
  }
  return a.column;
}

}  // namespace

AddressMapping::AddressMapping(const DramOrganization& organization, const std::string& order) : order_(order) {
  const std::string all = "channel, rank, bankgroup, bank, row, column";
  std::vector<Field> fields;  // most significant first
  std::size_t start = 0;
  while (start <= order.size()) {
    const std::size_t end = std::min(order.find(':', start), order.size());
    const std::string name = order.substr(start, end - start);
    bool known = false;
    for (const auto& f : kFields)
      if (name == f.name) {
        for (Field seen : fields)
          if (seen == f.field) throw std::invalid_argument("field '" + name + "' appears twice in '" + order + "'");
        fields.push_back(f.field);
        known = true;
      }
    if (!known)
      throw std::invalid_argument("unknown field '" + name + "' in '" + order + "': expected each of " + all +
                                  ", separated by ':'");
    start = end + 1;
  }
  if (fields.size() != std::size(kFields))
    throw std::invalid_argument("'" + order + "' must name each of " + all + " once");
  if (!power_of_two(organization.access_bytes()))
    throw std::invalid_argument("bytes per access must be a power of two");
  offset_bits_ = log2_of(organization.access_bytes());
  int shift = offset_bits_;
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    const int64_t count = count_of(organization, *it);
    if (!power_of_two(count))
      throw std::invalid_argument(
          "the address mapping needs power-of-two counts of channels, ranks, bank groups, banks, rows and accesses per "
          "row");
    const int bits = log2_of(count);
    slices_.push_back({*it, bits, shift});
    shift += bits;
  }
}

DramAddress AddressMapping::decode(uint64_t address) const {
  DramAddress where;
  for (const Slice& s : slices_)
    part_of(where, s.field) = static_cast<int64_t>((address >> s.shift) & ((uint64_t{1} << s.bits) - 1));
  return where;
}

uint64_t AddressMapping::encode(const DramAddress& where) const {
  DramAddress copy = where;
  uint64_t address = 0;
  for (const Slice& s : slices_)
    address |= (static_cast<uint64_t>(part_of(copy, s.field)) & ((uint64_t{1} << s.bits) - 1)) << s.shift;
  return address;
}

}  // namespace accelsim::dram
