#include "sim/sweep/design_points.h"

namespace accelsim::sweep {

std::vector<DesignPoint> expand_points(const SweepSpec& spec) {
  std::vector<DesignPoint> points;
  if (!spec.grid) {
    for (std::size_t i = 0; i < spec.points.size(); ++i) points.push_back({static_cast<int64_t>(i), spec.points[i]});
    return points;
  }
  const int64_t count = spec.point_count();
  points.reserve(static_cast<std::size_t>(count));
  for (int64_t index = 0; index < count; ++index) {
    DesignPoint point{index, std::vector<Setting>(spec.axis_values.size())};
    int64_t rest = index;
    for (std::size_t axis = spec.axis_values.size(); axis-- > 0;) {
      const auto size = static_cast<int64_t>(spec.axis_values[axis].size());
      point.settings[axis] = spec.axis_values[axis][static_cast<std::size_t>(rest % size)];
      rest /= size;
    }
    points.push_back(std::move(point));
  }
  return points;
}

PointConfig point_config(const SweepSpec& spec, const DesignPoint& point) {
  PointConfig config{spec.base_config, spec.base_config_text, {}};
  for (std::size_t c = 0; c < spec.columns.size(); ++c) {
    const Column& column = spec.columns[c];
    const Setting& setting = point.settings[c];
    if (column.selects_base_config()) {
      config.config = spec.resolve_config(setting.value);
      config.config_text = setting.value;
    } else {
      for (const auto& key : column.keys) config.overrides.push_back(key + "=" + setting.value);
    }
  }
  return config;
}

}  // namespace accelsim::sweep
