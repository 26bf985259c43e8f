#include "layout/SpectralLayout.h"

#include <cmath>
#include <numbers>

#include "graph/Algorithms.h"
#include "layout/ComponentPacking.h"
#include "layout/Layout.h"

namespace gts::layout {

void spectralLayout(const Graph& graph, std::vector<double>& x, std::vector<double>& y,
                    const std::atomic<bool>* cancel) {
    const size_t n = graph.nodeCount();
    x.assign(n, 0.0);
    y.assign(n, 0.0);
    const Components components = connectedComponents(graph);

    // Nodes of each component in node order, and each node's index within its component.
    std::vector<std::vector<NodeId>> members(components.count);
    for (uint32_t c = 0; c < components.count; ++c) members[c].reserve(components.sizes[c]);
    std::vector<NodeId> local(n);
    for (NodeId v = 0; v < n; ++v) {
        local[v] = NodeId(members[components.label[v]].size());
        members[components.label[v]].push_back(v);
    }
    std::vector<std::vector<EdgeId>> edgesOf(components.count);
    for (EdgeId e = 0; e < graph.edgeCount(); ++e)
        edgesOf[components.label[graph.edge(e).src]].push_back(e);

    for (uint32_t c = 0; c < components.count; ++c) {
        if (cancel && cancel->load(std::memory_order_relaxed)) throw LayoutCancelled();
        const std::vector<NodeId>& nodes = members[c];
        const size_t k = nodes.size();
        bool placed = false;
        if (k >= kSpectralMinComponent) {
            Graph sub;
            sub.addNodes(k);
            sub.reserveEdges(edgesOf[c].size());
            for (EdgeId e : edgesOf[c]) sub.addEdge(local[graph.edge(e).src], local[graph.edge(e).dst]);
            const SpectralResult spectrum =
                smallestEigenvectors(sub, 2, LaplacianKind::SymmetricNormalized, true);
            if (spectrum.available >= 2) {
                const Eigen::VectorXd delta = adjacencyRowSums(sub);
                for (size_t i = 0; i < k; ++i) {
                    // delta > 0 in a connected component of >= 2 nodes.
                    const double s = 1.0 / std::sqrt(delta[Eigen::Index(i)]);
                    x[nodes[i]] = spectrum.vectors(Eigen::Index(i), 0) * s;
                    y[nodes[i]] = spectrum.vectors(Eigen::Index(i), 1) * s;
                }
                placed = true;
            }
        }
        if (!placed) {
            for (size_t i = 0; i < k; ++i) {
                const double angle = 2.0 * std::numbers::pi * double(i) / double(k);
                x[nodes[i]] = std::cos(angle);
                y[nodes[i]] = std::sin(angle);
            }
        }
    }
    packComponents(components, x, y);
}

}  // namespace gts::layout
