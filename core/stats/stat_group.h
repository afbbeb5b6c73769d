#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>

namespace accelsim::stats {

// A counted statistic with a name, a unit and a description (gem5 style).
class Scalar {
 public:
  Scalar(std::string name, std::string unit, std::string description)
      : name_(std::move(name)), unit_(std::move(unit)), description_(std::move(description)) {}

  Scalar& operator+=(int64_t amount) {
    value_ += amount;
    return *this;
  }
  Scalar& operator=(int64_t value) {
    value_ = value;
    return *this;
  }
  int64_t value() const { return value_; }
  const std::string& name() const { return name_; }
  const std::string& unit() const { return unit_; }
  const std::string& description() const { return description_; }

 private:
  std::string name_, unit_, description_;
  int64_t value_ = 0;
};

// A figure derived from scalars, computed only when the stats are dumped.
class Formula {
 public:
  Formula(std::string name, std::string unit, std::string description, std::function<double()> compute)
      : name_(std::move(name)),
        unit_(std::move(unit)),
        description_(std::move(description)),
        compute_(std::move(compute)) {}

  double value() const { return compute_(); }
  const std::string& name() const { return name_; }
  const std::string& unit() const { return unit_; }
  const std::string& description() const { return description_; }

 private:
  std::string name_, unit_, description_;
  std::function<double()> compute_;
};

// Named statistics, kept in registration order. Not copyable: formulas refer to its scalars.
class StatGroup {
 public:
  explicit StatGroup(std::string name) : name_(std::move(name)) {}
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  Scalar& add_scalar(std::string name, std::string unit, std::string description) {
    return scalars_.emplace_back(std::move(name), std::move(unit), std::move(description));
  }
  void add_formula(std::string name, std::string unit, std::string description, std::function<double()> compute) {
    formulas_.emplace_back(std::move(name), std::move(unit), std::move(description), std::move(compute));
  }

  const std::string& name() const { return name_; }
  const std::deque<Scalar>& scalars() const { return scalars_; }
  std::deque<Scalar>& scalars() { return scalars_; }
  const std::deque<Formula>& formulas() const { return formulas_; }
  // The current value of the formula `name` (0 if there is none).
  double formula(const std::string& name) const {
    for (const auto& f : formulas_)
      if (f.name() == name) return f.value();
    return 0.0;
  }
  const Scalar* find(const std::string& name) const {
    for (const auto& scalar : scalars_)
      if (scalar.name() == name) return &scalar;
    return nullptr;
  }
  // The value of the scalar `name`, which some component must have registered.
  int64_t value(const std::string& name) const {
    if (const Scalar* scalar = find(name)) return scalar->value();
    throw std::logic_error("no statistic named '" + name + "' in " + name_);
  }

 private:
  std::string name_;
  std::deque<Scalar> scalars_;
  std::deque<Formula> formulas_;
};

}  // namespace accelsim::stats
