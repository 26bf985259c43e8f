#pragma once
// A quadtree over weighted points for Barnes–Hut sums (J. Barnes, P. Hut, "A hierarchical
// O(N log N) force-calculation algorithm", Nature 324, 1986), as ForceAtlas2 uses it.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace gts::layout {

/// Points with masses split into square cells until a cell holds at most kLeafSize points (or
/// kMaxDepth levels are reached, for coincident points). Every cell knows its total mass,
/// centre of mass, and radius: the largest distance of one of its points from that centre.
/// Building is O(n depth); the tree refers to the spans it was built from, which must outlive it.
class BarnesHutTree {
public:
    static constexpr uint32_t kLeafSize = 4;
    static constexpr int kMaxDepth = 40;

    BarnesHutTree(std::span<const double> x, std::span<const double> y,
                  std::span<const double> mass);

    /// For point `self`: calls near(j) for every point j != self that must be taken one by one,
    /// and far(cx, cy, m) for every cell taken whole (centre of mass, total mass), which happens
    /// when 4 radius / distance(self, centre) < theta. theta must be below 4, so that a cell
    /// holding `self` is always opened and `self` never acts on itself.
    template <typename Near, typename Far>
    void visit(uint32_t self, double theta, Near&& near, Far&& far) const {
        if (cells_.empty()) return;
        const double px = x_[self], py = y_[self];
        const double theta2 = theta * theta;
        std::array<uint32_t, 4 * kMaxDepth + 8> stack;
        size_t top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Cell& cell = cells_[stack[--top]];
            if (cell.childCount == 0) {
                for (uint32_t k = cell.begin; k < cell.end; ++k)
                    if (order_[k] != self) near(order_[k]);
                continue;
            }
            const double dx = px - cell.comX, dy = py - cell.comY;
            if (16.0 * cell.radius * cell.radius < theta2 * (dx * dx + dy * dy)) {
                far(cell.comX, cell.comY, cell.mass);
                continue;
            }
            for (uint32_t c = 0; c < cell.childCount; ++c) stack[top++] = cell.firstChild + c;
        }
    }

    size_t cellCount() const { return cells_.size(); }

private:
    struct Cell {
        double comX = 0, comY = 0, mass = 0, radius = 0;
        uint32_t begin = 0, end = 0;  // points order_[begin, end)
        uint32_t firstChild = 0;      // children are cells_[firstChild, firstChild + childCount)
        uint32_t childCount = 0;      // 0 for a leaf
    };

    std::span<const double> x_, y_;
    std::vector<Cell> cells_;
    std::vector<uint32_t> order_;  // point indices, grouped by cell
};

}  // namespace gts::layout
