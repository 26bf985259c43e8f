#pragma once
// Small graphs and measurements shared by the layout tests.

#include <cmath>
#include <utility>
#include <vector>

#include "graph/Graph.h"
#include "layout/Layout.h"

namespace gts::layout::test {

inline Graph pathGraph(size_t n) {
    Graph g;
    g.addNodes(n);
    for (NodeId i = 0; i + 1 < n; ++i) g.addEdge(i, i + 1);
    return g;
}

inline Graph cycleGraph(size_t n) {
    Graph g = pathGraph(n);
    g.addEdge(NodeId(n - 1), 0);
    return g;
}

/// Two cliques of k nodes (0..k-1 and k..2k-1) joined by the edge (k-1, k).
inline Graph twoCliques(size_t k) {
    Graph g;
    g.addNodes(2 * k);
    for (NodeId base : {NodeId(0), NodeId(k)})
        for (NodeId a = 0; a < k; ++a)
            for (NodeId b = a + 1; b < k; ++b) g.addEdge(base + a, base + b);
    g.addEdge(NodeId(k - 1), NodeId(k));
    return g;
}

/// A rows x cols grid; node r * cols + c.
inline Graph gridGraph(size_t rows, size_t cols) {
    Graph g;
    g.addNodes(rows * cols);
    for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c) {
            const NodeId v = NodeId(r * cols + c);
            if (c + 1 < cols) g.addEdge(v, v + 1);
            if (r + 1 < rows) g.addEdge(v, NodeId(v + cols));
        }
    return g;
}

inline double distance(const Layout& l, NodeId a, NodeId b) {
    return std::hypot(double(l.x[a]) - l.x[b], double(l.y[a]) - l.y[b]);
}

inline std::pair<double, double> centroid(const Layout& l, const std::vector<NodeId>& nodes) {
    double cx = 0, cy = 0;
    for (NodeId v : nodes) {
        cx += l.x[v];
        cy += l.y[v];
    }
    return {cx / double(nodes.size()), cy / double(nodes.size())};
}

}  // namespace gts::layout::test
