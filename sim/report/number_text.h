#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace accelsim::report {

// Numbers as the reports write them, appended without a format string: the report draws a few
// thousand figures per run, and fmt's runtime parsing of "{:.1f}" cost more than the figures.
// Each writes exactly what fmt writes for the same value (the tests check it against fmt).

// A double with `decimals` digits after the point, as fmt::format("{:.{}f}", value, decimals)
// writes it ("-0.0", "nan", "inf" included). decimals: 0 to kMaxDecimals.
inline constexpr int kMaxDecimals = 17;
class FixedText {
 public:
  FixedText(double value, int decimals);
  std::string_view view() const { return {digits_, size_}; }

 private:
  // The longest: a sign, 309 digits of 1.8e308, the point and kMaxDecimals digits.
  char digits_[1 + 309 + 1 + kMaxDecimals];
  std::size_t size_ = 0;
};

// An integer, as fmt::format("{}", value) writes it.
class IntegerText {
 public:
  explicit IntegerText(int64_t value);
  std::string_view view() const { return {digits_, size_}; }

 private:
  char digits_[20];
  std::size_t size_ = 0;
};

inline void append(std::string& out, std::string_view text) { out.append(text.data(), text.size()); }
inline void append(fmt::memory_buffer& out, std::string_view text) {
  out.append(text.data(), text.data() + text.size());
}

template <typename Buffer>
void append_fixed(Buffer& out, double value, int decimals) {
  append(out, FixedText(value, decimals).view());
}
template <typename Buffer>
void append_integer(Buffer& out, int64_t value) {
  append(out, IntegerText(value).view());
}

}  // namespace accelsim::report
