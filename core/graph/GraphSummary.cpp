#include "graph/GraphSummary.h"

#include <algorithm>

#include "graph/Algorithms.h"

namespace gts {

namespace {
void describeTable(const AttrTable& table, const char* scope, std::vector<AttrSummary>& out) {
    for (const AttrColumn& col : table.columns()) {
        AttrSummary s;
        s.scope = scope;
        s.name = col.name;
        s.kind = col.kind;
        s.width = col.width;
        s.size = table.size();
        for (size_t i = 0; i < table.size(); ++i) {
            if (!col.has(i)) continue;
            if (s.present++ == 0) s.example = col.valueText(i);
        }
        out.push_back(std::move(s));
    }
}
}  // namespace

GraphSummary summarize(const Graph& graph) {
    GraphSummary s;
    s.name = graph.name();
    s.nodes = graph.nodeCount();
    s.edges = graph.edgeCount();
    s.directed = graph.directed();
    s.selfLoops = graph.selfLoopCount();
    s.multiEdges = graph.hasMultiEdges();
    const Components comps = connectedComponents(graph);
    s.components = comps.count;
    if (!comps.sizes.empty())
        s.largestComponent = *std::max_element(comps.sizes.begin(), comps.sizes.end());
    const Csr& adj = graph.adjacency(Direction::Both);
    for (NodeId v = 0; v < graph.nodeCount(); ++v)
        if (adj.degree(v) == 0) ++s.isolatedNodes;
    describeTable(graph.graphAttrs(), "graph", s.attributes);
    describeTable(graph.nodeAttrs(), "node", s.attributes);
    describeTable(graph.edgeAttrs(), "edge", s.attributes);
    return s;
}

}  // namespace gts
