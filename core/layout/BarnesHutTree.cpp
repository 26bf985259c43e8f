#include "layout/BarnesHutTree.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gts::layout {

BarnesHutTree::BarnesHutTree(std::span<const double> x, std::span<const double> y,
                             std::span<const double> mass)
    : x_(x), y_(y) {
    const size_t n = x.size();
    if (y.size() != n || mass.size() != n)
        throw std::invalid_argument("BarnesHutTree: x, y and mass differ in size");
    if (n == 0) return;
    if (n >= size_t(UINT32_MAX)) throw std::length_error("BarnesHutTree: too many points");
    order_.resize(n);
    for (uint32_t i = 0; i < n; ++i) order_[i] = i;

    double minX = x[0], maxX = x[0], minY = y[0], maxY = y[0];
    for (size_t i = 1; i < n; ++i) {
        minX = std::min(minX, x[i]);
        maxX = std::max(maxX, x[i]);
        minY = std::min(minY, y[i]);
        maxY = std::max(maxY, y[i]);
    }
    // Square cells: centre and half side of each, only needed while building.
    struct Square {
        double cx, cy, half;
        int depth;
    };
    std::vector<Square> squares;
    squares.push_back({(minX + maxX) / 2, (minY + maxY) / 2,
                       std::max(maxX - minX, maxY - minY) / 2, 0});
    cells_.push_back(Cell{0, 0, 0, 0, 0, uint32_t(n), 0, 0});

    std::vector<uint32_t> scratch(n);
    std::vector<uint8_t> quadrant(n);
    // Breadth first: children are appended after every cell built so far, contiguously.
    for (size_t c = 0; c < cells_.size(); ++c) {
        const Square sq = squares[c];
        const uint32_t begin = cells_[c].begin, end = cells_[c].end;

        double m = 0, sx = 0, sy = 0;
        for (uint32_t k = begin; k < end; ++k) {
            const uint32_t i = order_[k];
            m += mass[i];
            sx += mass[i] * x[i];
            sy += mass[i] * y[i];
        }
        double cx = 0, cy = 0;
        if (m > 0) {
            cx = sx / m;
            cy = sy / m;
        } else {  // massless points: the plain centroid
            for (uint32_t k = begin; k < end; ++k) {
                cx += x[order_[k]];
                cy += y[order_[k]];
            }
            cx /= double(end - begin);
            cy /= double(end - begin);
        }
        double r2 = 0;
        for (uint32_t k = begin; k < end; ++k) {
            const uint32_t i = order_[k];
            r2 = std::max(r2, (x[i] - cx) * (x[i] - cx) + (y[i] - cy) * (y[i] - cy));
        }
        cells_[c].comX = cx;
        cells_[c].comY = cy;
        cells_[c].mass = m;
        cells_[c].radius = std::sqrt(r2);

        if (end - begin <= kLeafSize || sq.depth >= kMaxDepth || r2 == 0.0) continue;

        // Counting sort of the cell's points by quadrant (bit 0: right half, bit 1: upper half).
        std::array<uint32_t, 4> count{};
        for (uint32_t k = begin; k < end; ++k) {
            const uint32_t i = order_[k];
            const uint8_t q = uint8_t((x[i] >= sq.cx ? 1 : 0) | (y[i] >= sq.cy ? 2 : 0));
            quadrant[k] = q;
            ++count[q];
        }
        std::array<uint32_t, 4> start{};
        for (int q = 1; q < 4; ++q) start[q] = start[q - 1] + count[q - 1];
        std::array<uint32_t, 4> next = start;
        for (uint32_t k = begin; k < end; ++k) scratch[begin + next[quadrant[k]]++] = order_[k];
        std::copy(scratch.begin() + begin, scratch.begin() + end, order_.begin() + begin);

        const uint32_t first = uint32_t(cells_.size());
        uint32_t children = 0;
        const double h = sq.half / 2;
        for (int q = 0; q < 4; ++q) {
            if (count[q] == 0) continue;
            Cell child;
            child.begin = begin + start[q];
            child.end = child.begin + count[q];
            cells_.push_back(child);
            squares.push_back({sq.cx + ((q & 1) ? h : -h), sq.cy + ((q & 2) ? h : -h), h,
                               sq.depth + 1});
            ++children;
        }
        cells_[c].firstChild = first;
        cells_[c].childCount = children;
    }
}

}  // namespace gts::layout
