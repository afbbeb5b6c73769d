#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The few text rules of Python that SCALE-Sim's readers inherit (str.strip(), int()), so that
// accelsim reads its files exactly as SCALE-Sim does.
namespace accelsim::scalesim {

// Python's str.strip() on ASCII text: removes \t \n \v \f \r, \x1c-\x1f and space.
bool is_python_space(char c);
std::string_view python_strip(std::string_view text);
// Where python_strip(text) starts in text.
std::size_t python_strip_begin(std::string_view text);

// Python's int(text): surrounding blanks, an optional sign, decimal digits with single
// underscores between them. nullopt for anything else ("4.0", "", "1e3"). Values beyond int64
// saturate, so that a range check reports them.
std::optional<int64_t> parse_python_int(std::string_view text);

// Python's str(float): the shortest digits that read back as the same double, fixed notation
// with ".0" when integral ("33.0", "94.53125") while the decimal exponent is in [-4, 16), else
// scientific with a sign and at least two exponent digits ("5e-05", "1e+16"); "inf", "nan".
// SCALE-Sim's reports print their floats this way.
std::string python_float_text(double value);

}  // namespace accelsim::scalesim
