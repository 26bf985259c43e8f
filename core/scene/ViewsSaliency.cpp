// buildSaliency: input saliency (rollout/flow) drawn on the graph as the app's overlay draws it.

#include <algorithm>
#include <stdexcept>

#include "scene/Views.h"

namespace gts::scene {

Scene buildSaliency(GraphFigureInput in, const analysis::Saliency& saliency,
                    const std::string& method, Theme theme, float size) {
    if (!in.graph) throw std::invalid_argument("saliency figure: no graph");
    if (method != "rollout" && method != "flow")
        throw std::invalid_argument("saliency figure: method '" + method +
                                    "' is not rollout or flow");
    if (saliency.node.size() != in.graph->nodeCount() ||
        saliency.edge.size() != in.graph->edgeCount())
        throw std::invalid_argument(
            "saliency figure: saliency of " + std::to_string(saliency.node.size()) + " nodes and " +
            std::to_string(saliency.edge.size()) + " edges for a graph of " +
            std::to_string(in.graph->nodeCount()) + " and " +
            std::to_string(in.graph->edgeCount()));
    // Inspection::setGraphOverlay: the values as floats, maxima over nodes and over edges.
    analysis::GraphAttention overlay;
    overlay.node.assign(saliency.node.begin(), saliency.node.end());
    overlay.edge.assign(saliency.edge.begin(), saliency.edge.end());
    for (float v : overlay.node) overlay.maxNode = std::max(overlay.maxNode, v);
    for (float v : overlay.edge) overlay.maxEdge = std::max(overlay.maxEdge, v);
    in.attention = &overlay;
    in.metricName = method == "flow" ? "saliency (attention flow)" : "saliency (attention rollout)";
    return buildGraphAttention(in, theme, size);
}

}  // namespace gts::scene
