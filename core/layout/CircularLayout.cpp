#include "layout/CircularLayout.h"

#include <cmath>
#include <numbers>

#include "graph/Algorithms.h"
#include "layout/ComponentPacking.h"

namespace gts::layout {

void circularLayout(const Graph& graph, std::vector<double>& x, std::vector<double>& y) {
    const size_t n = graph.nodeCount();
    x.assign(n, 0.0);
    y.assign(n, 0.0);
    const Components components = connectedComponents(graph);
    std::vector<uint64_t> placed(components.count, 0);
    for (size_t v = 0; v < n; ++v) {
        const uint32_t c = components.label[v];
        const double angle = 2.0 * std::numbers::pi * double(placed[c]++) /
                             double(components.sizes[c]);
        x[v] = std::cos(angle);
        y[v] = std::sin(angle);
    }
    packComponents(components, x, y);
}

}  // namespace gts::layout
