#include "analysis/GraphExport.h"

#include <stdexcept>

namespace gts::analysis {

namespace {

template <typename T>
void setReals(AttrTable& table, const std::string& name, const std::vector<T>& values, const char* what) {
    if (values.size() != table.size())
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(values.size()) + " values for " +
                                    std::to_string(table.size()) + " elements");
    AttrColumn& c = table.add(name, AttrKind::Continuous, 1, AttrTypeHint::Double);
    for (size_t i = 0; i < values.size(); ++i) c.setReal(i, static_cast<double>(values[i]));
}

}  // namespace

void addAttentionAttributes(Graph& graph, const GraphAttention& attention, const std::string& prefix) {
    setReals(graph.nodeAttrs(), prefix, attention.node, "node attention");
    setReals(graph.edgeAttrs(), prefix, attention.edge, "edge attention");
}

void addSaliencyAttributes(Graph& graph, const Saliency& saliency, const std::string& prefix) {
    setReals(graph.nodeAttrs(), prefix, saliency.node, "node saliency");
    setReals(graph.edgeAttrs(), prefix, saliency.edge, "edge saliency");
}

void addPruningAttributes(Graph& graph, const TokenSequence& tokens, const PruneResult& pruned) {
    const size_t S = tokens.positionSources.size();
    const auto layers = static_cast<int>(pruned.dropped.size());
    // The layer before which each position was dropped (layers: never).
    std::vector<int> droppedBefore(S, layers);
    for (int l = 0; l < layers; ++l)
        for (int32_t p : pruned.dropped[static_cast<size_t>(l)])
            if (p >= 0 && size_t(p) < S && droppedBefore[size_t(p)] == layers) droppedBefore[size_t(p)] = l;
    const size_t N = graph.nodeCount(), E = graph.edgeCount();
    std::vector<int> nodeLast(N, -1), edgeLast(E, -1);  // the latest drop among the element's positions
    std::vector<double> nodeRan(N, 0.0), nodeAll(N, 0.0), edgeRan(E, 0.0), edgeAll(E, 0.0);
    for (size_t p = 0; p < S; ++p) {
        const PositionSource& src = tokens.positionSources[p];
        const int d = droppedBefore[p];
        if (src.node != kNoIndex && src.node < N) {
            nodeLast[src.node] = std::max(nodeLast[src.node], d);
            nodeRan[src.node] += d;
            nodeAll[src.node] += layers;
        }
        if (src.edge != kNoIndex && src.edge < E && src.edgeOrigin != EdgeOrigin::Jump) {
            edgeLast[src.edge] = std::max(edgeLast[src.edge], d);
            edgeRan[src.edge] += d;
            edgeAll[src.edge] += layers;
        }
    }
    auto write = [layers](AttrTable& table, const std::vector<int>& last, const std::vector<double>& ran,
                          const std::vector<double>& all) {
        AttrColumn& layer = table.add("gts_pruned_layer", AttrKind::Discrete, 1, AttrTypeHint::Int);
        AttrColumn& kept = table.add("gts_kept_fraction", AttrKind::Continuous, 1, AttrTypeHint::Double);
        for (size_t i = 0; i < last.size(); ++i) {
            if (last[i] >= 0 && last[i] < layers) layer.setInt(i, last[i]);
            if (all[i] > 0) kept.setReal(i, ran[i] / all[i]);
        }
    };
    write(graph.nodeAttrs(), nodeLast, nodeRan, nodeAll);
    write(graph.edgeAttrs(), edgeLast, edgeRan, edgeAll);
}

}  // namespace gts::analysis
