#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dram/dram_spec.h"

namespace accelsim::dram {

// Where one access lands in the DRAM.
struct DramAddress {
  int64_t channel = 0;
  int64_t rank = 0;
  int64_t bank_group = 0;
  int64_t bank = 0;  // within its bank group
  int64_t row = 0;
  int64_t column = 0;  // in accesses (bursts) within the row
};

// Cuts a byte address into fields. The order names the fields from the most significant bits
// down, separated by colons, e.g. "row:rank:bank:bankgroup:column:channel"; below them lie the
// bytes of one access. Every field of the organization must appear once; a field's width is
// log2 of its count, so every count must be a power of two. Addresses beyond the capacity
// wrap around in the row field.
//
// The default, "row:rank:bank:bankgroup:column:channel", fills a row before moving on, and
// puts consecutive rows in different bank groups so that a stream crossing a row boundary
// finds the next row in a bank that can activate under the current one's reads (tCCD_S, not
// tCCD_L, between bank groups). DRAMsim3 calls it "rochrababgco" with one channel and rank,
// Ramulator2 "RoBaRaCoCh".
class AddressMapping {
 public:
  enum class Field { Channel, Rank, BankGroup, Bank, Row, Column };

  // Throws std::invalid_argument with a message that says what is wrong with `order`.
  AddressMapping(const DramOrganization& organization, const std::string& order);

  DramAddress decode(uint64_t address) const;
  // The inverse of decode for an access's first byte (tests and trace generators use it).
  uint64_t encode(const DramAddress& where) const;
  const std::string& order() const { return order_; }

  static const char* default_order() { return "row:rank:bank:bankgroup:column:channel"; }

 private:
  struct Slice {
    Field field;
    int bits;
    int shift;
  };
  std::string order_;
  int offset_bits_ = 0;
  std::vector<Slice> slices_;  // least significant first
};

}  // namespace accelsim::dram
