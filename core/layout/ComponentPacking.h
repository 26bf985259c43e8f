#pragma once
// Placing the connected components of a layout side by side.

#include <vector>

#include "graph/Algorithms.h"

namespace gts::layout {

/// Gap between packed components, in units of the side of a one-node component's box.
inline constexpr double kComponentGap = 1.0;

/// Packs per-component layouts into one picture. On entry x[v], y[v] is node v's position in
/// its own component's frame (any scale). Each component is scaled uniformly so that the longer
/// side of its bounding box is sqrt(its node count) (so areas grow with node counts; a
/// component whose points coincide shrinks to a point), then the boxes are laid in rows, the
/// largest component first (ties: lower component number), left to right and top to bottom,
/// rows about as wide as the square root of the total box area, kComponentGap apart.
void packComponents(const Components& components, std::vector<double>& x, std::vector<double>& y);

}  // namespace gts::layout
