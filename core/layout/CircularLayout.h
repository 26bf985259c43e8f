#pragma once
// Circular layout: every connected component on its own circle, nodes in node order.

#include <vector>

#include "graph/Graph.h"

namespace gts::layout {

/// Node i of a component of k nodes (i counted in node order within the component) at angle
/// 2 pi i / k, counter-clockwise from the positive x axis, on a circle; the circles are then
/// packed (ComponentPacking.h). Raw units; computeLayout normalizes.
void circularLayout(const Graph& graph, std::vector<double>& x, std::vector<double>& y);

}  // namespace gts::layout
