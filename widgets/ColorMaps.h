#pragma once
// The colour maps of core/scene/ColorMaps.h as QColor, for the Qt views.

#include <QColor>

#include "scene/ColorMaps.h"

namespace gts::colormaps {

inline QColor color(ColorMap map, float t) { return QColor::fromRgba(argb(map, t)); }
inline QColor categoryColor(int k) { return QColor::fromRgba(categoryArgb(k)); }

}  // namespace gts::colormaps
