#include "core/scalesim/python_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace accelsim::scalesim {

bool is_python_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

std::size_t python_strip_begin(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size() && is_python_space(text[begin])) ++begin;
  return begin;
}

std::string_view python_strip(std::string_view text) {
  const std::size_t begin = python_strip_begin(text);
  std::size_t end = text.size();
  while (end > begin && is_python_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::optional<int64_t> parse_python_int(std::string_view text) {
  text = python_strip(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.front() == '_' || text.back() == '_') return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t magnitude = 0;
  bool saturated = false;
  char previous = '\0';
  for (const char c : text) {
    if (c == '_') {
      if (previous == '_') return std::nullopt;
    } else if (c >= '0' && c <= '9') {
      const int digit = c - '0';
      if (magnitude > (kMax - digit) / 10) saturated = true;
      if (!saturated) magnitude = magnitude * 10 + digit;
    } else {
      return std::nullopt;
    }
    previous = c;
  }
  if (saturated) return negative ? std::numeric_limits<int64_t>::min() : kMax;
  return negative ? -magnitude : magnitude;
}

std::string python_float_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  // The shortest round-trip digits, in scientific form: "-d.ddde+XX".
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const std::size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  std::string sign;
  if (!mantissa.empty() && mantissa.front() == '-') {
    sign = "-";
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.') digits += c;
  }
  const int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  if (value == 0) return sign + "0.0";
  // Python (float_repr_style 'short'): the point sits after `point` digits (0.d1d2... x 10^point);
  // fixed notation when -4 < point <= 16.
  const int point = exponent + 1;
  if (point > -4 && point <= 16) {
    std::string out = sign;
    if (point <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (static_cast<std::size_t>(point) >= digits.size()) {
      out += digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
    }
    return out;
  }
  std::string out = sign + digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  const int magnitude = std::abs(exponent);
  out += exponent < 0 ? "e-" : "e+";
  if (magnitude < 10) out += "0";
  return out + std::to_string(magnitude);
}

}  // namespace accelsim::scalesim
