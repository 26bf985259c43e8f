#include "layout/ComponentPacking.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace gts::layout {

void packComponents(const Components& components, std::vector<double>& x, std::vector<double>& y) {
    const size_t n = x.size();
    if (y.size() != n || components.label.size() != n)
        throw std::invalid_argument("packComponents: sizes differ");
    const uint32_t count = components.count;
    if (count == 0) return;

    constexpr double inf = std::numeric_limits<double>::infinity();
    std::vector<double> minX(count, inf), maxX(count, -inf), minY(count, inf), maxY(count, -inf);
    for (size_t v = 0; v < n; ++v) {
        const uint32_t c = components.label[v];
        minX[c] = std::min(minX[c], x[v]);
        maxX[c] = std::max(maxX[c], x[v]);
        minY[c] = std::min(minY[c], y[v]);
        maxY[c] = std::max(maxY[c], y[v]);
    }
    // Scale each component to its target size, with its box's lower left corner at the origin.
    std::vector<double> scale(count, 0.0), width(count, 0.0), height(count, 0.0);
    for (uint32_t c = 0; c < count; ++c) {
        const double side = std::max(maxX[c] - minX[c], maxY[c] - minY[c]);
        if (side > 0) scale[c] = std::sqrt(double(components.sizes[c])) / side;
        width[c] = (maxX[c] - minX[c]) * scale[c];
        height[c] = (maxY[c] - minY[c]) * scale[c];
    }

    std::vector<uint32_t> order(count);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return components.sizes[a] > components.sizes[b];
    });
    double area = 0;
    for (uint32_t c = 0; c < count; ++c)
        area += (width[c] + kComponentGap) * (height[c] + kComponentGap);
    const double rowWidth = std::max(std::sqrt(area), width[order[0]]);

    // Shelf packing: rows grow downwards (y decreasing), so the largest component is top left.
    std::vector<double> offsetX(count), offsetY(count);
    double cursorX = 0, rowTop = 0, rowHeight = 0;
    for (uint32_t c : order) {
        if (cursorX > 0 && cursorX + width[c] > rowWidth) {
            rowTop -= rowHeight + kComponentGap;
            cursorX = 0;
            rowHeight = 0;
        }
        offsetX[c] = cursorX;
        offsetY[c] = rowTop - height[c];
        cursorX += width[c] + kComponentGap;
        rowHeight = std::max(rowHeight, height[c]);
    }
    for (size_t v = 0; v < n; ++v) {
        const uint32_t c = components.label[v];
        x[v] = offsetX[c] + (x[v] - minX[c]) * scale[c];
        y[v] = offsetY[c] + (y[v] - minY[c]) * scale[c];
    }
}

}  // namespace gts::layout
